# Cross-entropy baseline.
# Clothing1M, ResNet-50, SGD lr 0.01 x0.1 at 10/15, 20 epochs, batch 32: thesis table 2.4, 3.7.
_base_ = [
    '../_base_/datasets/clothing1m_meta-val.py',
    '../_base_/schedules/clothing1m_sgd_20e.py', '../_base_/default_runtime.py'
]

# ResNet-50 pre-trained on ImageNet (MMPretrain's checkpoint).

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet', depth=50,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=14,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
