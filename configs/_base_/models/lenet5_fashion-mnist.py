# MMPretrain's LeNet-5 (1x32x32 input, a 120-d feature) with a linear head
# over the 10 Fashion-MNIST classes; trained with cross-entropy. The data
# preprocessor comes from the dataset base.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='LeNet5'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=120,
        loss=dict(type='CrossEntropyLoss')))
