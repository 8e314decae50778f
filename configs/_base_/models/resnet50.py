# MMPretrain's ResNet-50 (a 2048-d feature) with a linear head over
# ImageNet's 1000 classes, trained with cross-entropy. The data
# preprocessor comes from the dataset base.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=50),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
