# The same model trained with an MFRW-MES advisor (sections 3.4.1-3.4.4).
_base_ = [
    '../_base_/datasets/digits_flip0.6_meta10.py',
    '../_base_/schedules/digits_bs64.py', '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=1))

model = dict(
    type='AdvisorClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='AdvisorHead',
        num_classes=10,
        in_channels=64,
        advisor=dict(type='Advisor', outputs=('mfrw', 'mes'), embed_dims=100),
        loss=dict(type='MetaEqualizationLoss', rho=0.9)))

optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    # Adam as in the thesis, at 3e-3 instead of 1e-4: the thesis' advisors
    # take ~40k meta steps (CIFAR, 100 epochs x 390 iterations), this proxy
    # 570. With 1e-4 the advisor barely moves in 570 steps (measured: 65%
    # test accuracy, 83% with 1e-3, 94% with 3e-3; README, Quickstart).
    meta_optimizer=dict(type='Adam', lr=3e-3),
    meta_dataloader={{_base_.meta_dataloader}})
