# Fashion-MNIST (fashion_mnist_source.py), the first 300-per-class grid's
# base: 10 images per class of the training split form the clean, balanced
# meta set; this base trains on the rest with clean labels, the protocol
# files (fashion_mnist_{flip0.4,flip0.6,lt50,lt100,lt10-flip0.4}_meta10.py)
# corrupt it. Protocol order: meta split, then long tail, then noise. The
# test split is the validation set.
_base_ = './fashion_mnist_source.py'
# The training side of the split, wrapped by the protocol files.
train_split = dict(
    type='MetaSplit', split='train', num_per_class=10, seed=0,
    dataset={{_base_.fashion_mnist}})

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=train_split,
    sampler=dict(type='DefaultSampler', shuffle=True),
)

# The clean, balanced meta set, drawn every iteration (phase 3).
meta_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='MetaSplit', split='meta', num_per_class=10, seed=0,
        dataset={{_base_.fashion_mnist}}),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

val_dataloader = {{_base_.test_dataloader}}
val_evaluator = {{_base_.test_evaluator}}
