# ResNet-32 for 32x32 images (CifarResNet: 3 stages of 5 basic blocks, a
# 64-d feature; the thesis' CIFAR backbone) with a linear head over
# CIFAR-10's 10 classes, trained with cross-entropy. The data preprocessor
# comes from the dataset base.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
