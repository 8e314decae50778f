# Clothing1M (thesis sections 2.5.1, 3.5.1): the loaders of
# imagenet_lt_meta10.py on Clothing1M: train on the 1M noisy images, meta
# set = the whole clean validation split, test on the clean test split;
# batch 32. Resize to 256x256, random 224x224 crop for training (section
# 3.5.6; section 2.5.4 writes a center crop), center crop for testing.
_base_ = './imagenet_lt_meta10.py'
data_root = 'data/clothing1m'
data_preprocessor = dict(num_classes=14)

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
    dataset=dict(
        type='Clothing1M', data_root=data_root, pipeline=train_pipeline))
meta_dataloader = dict(
    batch_size=32,
    dataset=dict(
        _delete_=True,
        type='Clothing1M',
        data_root=data_root,
        split='val',
        pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(
        type='Clothing1M', data_root=data_root, pipeline=test_pipeline))
test_evaluator = dict(topk=(1, ))
val_dataloader = test_dataloader
val_evaluator = test_evaluator
