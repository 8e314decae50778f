# Baseline: plain cross-entropy on the noisy Fashion-MNIST (no meta set
# used). A ResNet-20 slimmed to 8/16/32 channels over 1-channel 28x28 images
# (about 68k parameters), trained for 15 epochs: a CPU-sized proxy of the
# thesis' CIFAR recipe (SGD, momentum 0.9, wd 5e-4, lr 0.1 decayed x0.1
# twice). Other protocols: replace the dataset base file, e.g.
# fashion_mnist_lt100_meta10.py.
_base_ = [
    '../_base_/datasets/fashion_mnist_flip0.4_meta10.py',
    '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=5, max_keep_ckpts=1))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(
        type='CifarResNet',
        depth=20,
        in_channels=1,
        stem_channels=8,
        base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=32,
        loss=dict(type='CrossEntropyLoss')))
# Plain CE: the single-process / stock DDP wrapper (the base's meta_dataloader
# is left unused).
model_wrapper_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[10, 13], gamma=0.1)
# Evaluated once, after the last epoch: no epoch is picked on the test set.
train_cfg = dict(by_epoch=True, max_epochs=15, val_interval=15)
val_cfg = dict()
test_cfg = dict()
