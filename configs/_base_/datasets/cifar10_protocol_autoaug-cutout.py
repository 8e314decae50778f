# CIFAR-10 under the thesis' protocol (sections 2.5.1, 3.5.1, 3.5.5), applied
# to the training split in this order:
#   1. MetaSplit: 10 clean images per class leave the training set and form
#      the meta set (taken out BEFORE any corruption);
#   2. LongTailDataset: exponential long tail with imbalance factor IF
#      (1 keeps the set balanced);
#   3. LabelNoiseDataset: Flip / Flip2 / Flip3 noise with ratio p (0: clean).
# IF and p are set per run (tools/thesis_grid.py prints every run), e.g.
#   --cfg-options train_dataloader.dataset.dataset.imbalance_factor=100 \
#                 train_dataloader.dataset.noise_type=flip \
#                 train_dataloader.dataset.noise_ratio=0.4
# Table 3.2: AutoAugment + Cutout, batch 512.
data_root = 'data/cifar10'
data_preprocessor = dict(
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    to_rgb=False)

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # MMPretrain ships the ImageNet AutoAugment policy only; the thesis
    # (table 3.2) does not name the policy it used.
    dict(type='AutoAugment', policies='imagenet',
         hparams=dict(pad_val=[125, 123, 114])),
    # Cutout (DeVries & Taylor): one 16x16 square, filled with the mean.
    dict(type='Cutout', shape=16, prob=1.0,
         pad_val=[125, 123, 114]),
    dict(type='PackInputs'),
]

cifar_train = dict(
    type='OfflineCIFAR10', data_root=data_root, split='train',
    pipeline=train_pipeline)

train_dataloader = dict(
    batch_size=512,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type='LabelNoiseDataset',
        noise_type='flip',
        noise_ratio=0.0,
        seed=0,
        dataset=dict(
            type='LongTailDataset',
            imbalance_factor=1,
            profile='exp',
            seed=0,
            dataset=dict(
                type='MetaSplit', split='train', num_per_class=10, seed=0,
                dataset=cifar_train))),
    sampler=dict(type='DefaultSampler', shuffle=True),
)

# The clean, balanced meta set (same split and seed as above); the meta
# batch has the size of the training batch.
meta_dataloader = dict(
    batch_size=512,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type='MetaSplit', split='meta', num_per_class=10, seed=0,
        dataset=cifar_train),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

test_dataloader = dict(
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type='OfflineCIFAR10', data_root=data_root, split='test',
        pipeline=[dict(type='PackInputs')]),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='Accuracy', topk=(1, ))
# CIFAR has no validation split: the thesis reports the test accuracy of
# the last epoch, which is what the validation loop logs.
val_dataloader = test_dataloader
val_evaluator = test_evaluator
