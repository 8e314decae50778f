# Class-balanced loss (Cui et al.): cross-entropy with effective-number class weights.
# CIFAR-10 protocol, ResNet-18 (MMPretrain ResNet_CIFAR), recipe of table 3.1: thesis table 3.3.
_base_ = [
    '../_base_/datasets/cifar10_protocol.py',
    '../_base_/schedules/cifar_sgd_200e.py', '../_base_/default_runtime.py'
]

# Default setting: IF=100, clean labels. Other IFs with --cfg-options,
# see tools/thesis_grid.py --table 3.3.
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))

# Training images per class of the protocol at IF=100 (the formula of
# LongTailDataset over the 4990 images per class left by the meta split).
# Another IF needs other counts: take the --cfg-options that
# tools/thesis_grid.py prints (--options-for), never IF alone.
class_counts = [int(4990 * (1 / 100)**(c / 9)) for c in range(10)]
# Class-balanced weights (Cui et al., CVPR 2019), beta 0.9999, summing to C.
cb_beta = 0.9999
class_weight = [(1 - cb_beta) / (1 - cb_beta**n) for n in class_counts]
class_weight = [w * len(class_weight) / sum(class_weight) for w in class_weight]

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet_CIFAR', depth=18),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', class_weight=class_weight)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
