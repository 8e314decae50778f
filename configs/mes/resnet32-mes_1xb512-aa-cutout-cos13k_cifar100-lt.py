# MES advisor (section 3.4.2).
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
    type='AdvisorClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='AdvisorHead',
        num_classes=100,
        in_channels=64,
        advisor=dict(type='Advisor', outputs=('mes', ), embed_dims=100),
        loss=dict(type='MetaEqualizationLoss', rho=0.9)))

# The advisor is meta-trained with Adam, lr 1e-4 (sections 2.5.2, 3.5.2)
# on the clean meta set, one bilevel step per training batch.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-4),
    meta_dataloader={{_base_.meta_dataloader}})
