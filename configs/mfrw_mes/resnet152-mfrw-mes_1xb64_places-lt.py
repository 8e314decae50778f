# MFRW-MES advisor (sections 3.4.1-3.4.4).
# Places-LT, ResNet-152, cosine lr 0.005, 60 epochs, batch 64: thesis table 3.4.
_base_ = [
    '../_base_/datasets/places_lt_meta10.py',
    '../_base_/schedules/places-lt_sgd_cos_60e.py', '../_base_/default_runtime.py'
]

# Starts from the cross-entropy baseline trained on the whole dataset
# (configs/baselines/resnet152-ce_1xb64_places-lt.py, run by tools/thesis_grid.py
# --table 3.4 first); the feature extractor is not frozen.
load_from = 'work_dirs/resnet152-ce_1xb64_places-lt/places-lt/epoch_60.pth'

model = dict(
    type='AdvisorClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet', depth=152),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='AdvisorHead',
        num_classes=365,
        in_channels=2048,
        advisor=dict(type='Advisor', outputs=('mfrw', 'mes'), embed_dims=100),
        loss=dict(type='MetaEqualizationLoss', rho=0.9)))

# The advisor is meta-trained with Adam, lr 1e-4 (sections 2.5.2, 3.5.2)
# on the clean meta set, one bilevel step per training batch.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-4),
    meta_dataloader={{_base_.meta_dataloader}})
