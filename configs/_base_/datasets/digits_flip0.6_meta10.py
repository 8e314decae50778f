# scikit-learn's digits (1797 real 8x8 images, upsampled to 16x16): a fixed
# seeded 70/30 train/test split; 10 clean images per class of the training
# split form the meta set, the rest gets Flip noise p=0.6 (section 2.5.1).
# Change the protocol with e.g.
#   --cfg-options train_dataloader.dataset.noise_ratio=0.4
digits = dict(
    type='Digits', split='train', img_size=16,
    pipeline=[dict(type='PackInputs')])

data_preprocessor = dict(
    num_classes=10, mean=[77.8] * 3, std=[95.9] * 3, to_rgb=False)

# Loading runs in the main process (num_workers=0); persistent_workers=False
# says so to MMPretrain's own tools/train.py, which sets persistent_workers=True
# on every loader that leaves it unset (an error without workers).
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='LabelNoiseDataset',
        noise_type='flip',
        noise_ratio=0.6,
        seed=0,
        dataset=dict(
            type='MetaSplit', split='train', num_per_class=10, seed=0,
            dataset=digits)),
    sampler=dict(type='DefaultSampler', shuffle=True),
)

# The clean, balanced meta set, drawn every iteration (phase 3).
meta_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='MetaSplit', split='meta', num_per_class=10, seed=0,
        dataset=digits),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='Digits', split='test', img_size=16,
        pipeline=[dict(type='PackInputs')]),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='Accuracy', topk=(1, ))
val_dataloader = test_dataloader
val_evaluator = test_evaluator
