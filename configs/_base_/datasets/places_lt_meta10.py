# Places-LT (thesis section 3.5.1): train on Places_LT_train.txt, meta
# set = 10 images per class drawn from the released validation split
# (Places_LT_val.txt, 20 per class), test on Places_LT_test.txt (100
# images per class, 365 classes).
#   data/places_lt/Places_LT_{train,val,test}.txt and the images
data_root = 'data/places_lt'
data_preprocessor = dict(
    num_classes=365,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='PlacesLT', data_root=data_root, split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)

meta_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='MetaSplit', split='meta', num_per_class=10, seed=0,
        dataset=dict(
            type='PlacesLT', data_root=data_root, split='val',
            pipeline=train_pipeline)),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

test_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type='PlacesLT', data_root=data_root, split='test',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='Accuracy', topk=(1, 3, 5))
val_dataloader = test_dataloader
val_evaluator = test_evaluator
