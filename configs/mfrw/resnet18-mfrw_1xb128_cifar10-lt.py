# MFRW advisor (sections 2.4.2, 3.4.1).
# CIFAR-10 protocol, ResNet-18 (MMPretrain ResNet_CIFAR), recipe of table 3.1: thesis table 3.3.
_base_ = [
    '../_base_/datasets/cifar10_protocol.py',
    '../_base_/schedules/cifar_sgd_200e.py', '../_base_/default_runtime.py'
]

# Default setting: IF=100, clean labels. Other IFs with --cfg-options,
# see tools/thesis_grid.py --table 3.3.
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))

model = dict(
    type='AdvisorClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet_CIFAR', depth=18),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='AdvisorHead',
        num_classes=10,
        in_channels=512,
        advisor=dict(type='Advisor', outputs=('mfrw', ), embed_dims=100),
        loss=dict(type='CrossEntropyLoss')))

# The advisor is meta-trained with Adam, lr 1e-4 (sections 2.5.2, 3.5.2)
# on the clean meta set, one bilevel step per training batch.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-4),
    meta_dataloader={{_base_.meta_dataloader}})
