# MW-Net (Shu et al.): a loss-to-weight advisor.
# Clothing1M, ResNet-50, SGD lr 0.01 x0.1 at 10/15, 20 epochs, batch 32: thesis table 2.4, 3.7.
_base_ = [
    '../_base_/datasets/clothing1m_meta-val.py',
    '../_base_/schedules/clothing1m_sgd_20e.py', '../_base_/default_runtime.py'
]

# ResNet-50 pre-trained on ImageNet (MMPretrain's checkpoint).

model = dict(
    type='AdvisorClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet', depth=50,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='AdvisorHead',
        num_classes=14,
        in_channels=2048,
        advisor=dict(type='MWNet', hidden=100),
        loss=dict(type='CrossEntropyLoss')))

# The advisor is meta-trained with Adam, lr 1e-4 (sections 2.5.2, 3.5.2)
# on the clean meta set, one bilevel step per training batch.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-4),
    meta_dataloader={{_base_.meta_dataloader}})
