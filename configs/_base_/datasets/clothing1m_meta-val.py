# Clothing1M (thesis sections 2.5.1, 3.5.1): train on the 1M noisy images,
# meta set = the clean validation split, test on the clean test split.
# Resize to 256x256, random 224x224 crop for training (section 3.5.6;
# section 2.5.4 writes a center crop), center crop for testing.
data_root = 'data/clothing1m'
data_preprocessor = dict(
    num_classes=14,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='Clothing1M', data_root=data_root, split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)

meta_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='Clothing1M', data_root=data_root, split='val',
        pipeline=train_pipeline),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

test_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='Clothing1M', data_root=data_root, split='test',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='Accuracy', topk=(1, ))
val_dataloader = test_dataloader
val_evaluator = test_evaluator
