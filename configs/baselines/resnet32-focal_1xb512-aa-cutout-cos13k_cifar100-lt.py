# Focal loss baseline (MMPretrain FocalLoss).
# CIFAR-100 protocol, ResNet-32, AutoAugment + Cutout, batch 512, cosine lr 0.1 -> 0 over 13000 iterations: thesis table 3.2.
_base_ = [
    '../_base_/datasets/cifar100_protocol_autoaug-cutout.py',
    '../_base_/schedules/cifar_sgd_cos_13k-iter.py', '../_base_/default_runtime.py'
]

# Default setting: IF=100, clean labels. Other IFs with --cfg-options,
# see tools/thesis_grid.py --table 3.2.
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))
# Metrics and checkpoints by iteration (13000 iterations).
default_hooks = dict(
    logger=dict(log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=1000, max_keep_ckpts=3))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=64,
        loss=dict(type='FocalLoss', gamma=2.0, alpha=0.25)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
