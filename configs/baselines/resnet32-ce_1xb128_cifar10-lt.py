# Cross-entropy baseline.
# CIFAR-10 protocol, ResNet-32, SGD lr 0.1, x0.1 at 160/180, 200 epochs, batch 128: thesis table 3.1, 3.6.
_base_ = [
    '../_base_/datasets/cifar10_protocol.py',
    '../_base_/schedules/cifar_sgd_200e.py', '../_base_/default_runtime.py'
]

# Default setting: IF=100, clean labels. Other IFs (and the Flip noise of
# table 3.6) with --cfg-options, see tools/thesis_grid.py --table 3.1.
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
