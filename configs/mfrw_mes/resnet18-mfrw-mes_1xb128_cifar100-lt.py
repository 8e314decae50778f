# MFRW-MES advisor (sections 3.4.1-3.4.4).
# CIFAR-100 protocol, ResNet-18 (MMPretrain ResNet_CIFAR), recipe of table 3.1: thesis table 3.3.
_base_ = [
    '../_base_/datasets/cifar100_protocol.py',
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
        num_classes=100,
        in_channels=512,
        advisor=dict(type='Advisor', outputs=('mfrw', 'mes'), embed_dims=100),
        loss=dict(type='MetaEqualizationLoss', rho=0.9)))

# The advisor is meta-trained with Adam, lr 1e-4 (sections 2.5.2, 3.5.2)
# on the clean meta set, one bilevel step per training batch.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-4),
    meta_dataloader={{_base_.meta_dataloader}})
