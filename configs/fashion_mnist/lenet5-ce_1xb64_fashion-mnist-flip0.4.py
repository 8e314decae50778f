# Baseline: plain cross-entropy on the noisy Fashion-MNIST (no meta set
# used). MMPretrain's LeNet-5 (1x32x32 input, a 120-d feature) with a linear
# head, trained for 8 epochs: a CPU-sized proxy of the thesis' CIFAR recipe
# (SGD, momentum 0.9, wd 5e-4, lr 0.1 decayed x0.1 twice). Other protocols:
# swap the dataset base file, e.g. for fashion_mnist_lt100_meta10.py
# (tools/benchmarks/fashion_mnist_grid.py does it for all five).
_base_ = [
    '../_base_/datasets/fashion_mnist_flip0.4_meta10.py',
    '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=8, max_keep_ckpts=1))

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='LeNet5'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=120,
        loss=dict(type='CrossEntropyLoss')))
# No bilevel step: the single-process / stock DDP wrapper.
model_wrapper_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[5, 7], gamma=0.1)
# Evaluated once, after the last epoch: no epoch is picked on the test set.
train_cfg = dict(by_epoch=True, max_epochs=8, val_interval=8)
val_cfg = dict()
test_cfg = dict()
