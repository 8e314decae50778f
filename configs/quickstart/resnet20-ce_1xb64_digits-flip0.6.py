# Baseline: plain cross-entropy on the noisy digits (no meta set used).
_base_ = [
    '../_base_/datasets/digits_flip0.6_meta10.py',
    '../_base_/schedules/digits_bs64.py', '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=1))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss')))
meta_dataloader = None
model_wrapper_cfg = None
