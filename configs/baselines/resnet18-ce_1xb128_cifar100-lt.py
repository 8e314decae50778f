# Cross-entropy baseline.
# CIFAR-100 protocol, ResNet-18 (MMPretrain ResNet_CIFAR), recipe of table 3.1: thesis table 3.3.
_base_ = [
    '../_base_/datasets/cifar100_protocol.py',
    '../_base_/schedules/cifar_sgd_200e.py', '../_base_/default_runtime.py'
]

# Default setting: IF=100, clean labels. Other IFs with --cfg-options,
# see tools/thesis_grid.py --table 3.3.
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet_CIFAR', depth=18),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
