# The Fashion-MNIST benchmark at the shape of the thesis' CIFAR protocols
# (sections 2.5.1, 3.5.1): the full training split (6000 real 28x28 images
# per class, zero-padded to 1x32x32), split per seed into
#   1. the clean, balanced meta set: 10 images per class (100), drawn first;
#   2. a clean, balanced validation split: 100 images per class (1000), only
#      used to choose hyper-parameters (never trained on);
#   3. the training pool (5890 per class), which the setting files make
#      long-tailed and/or noisy.
# The test split (10k) is evaluated once, after the last epoch; the
# validation split after every epoch (curves, and the final value for model
# selection). The images: fashion_mnist_source.py.
_base_ = './fashion_mnist_source.py'
fashion_mnist = {{_base_.fashion_mnist}}
# 1. meta set and the rest
meta_split = dict(
    type='MetaSplit', split='meta', num_per_class=10, seed=0,
    dataset=fashion_mnist)
rest = dict(
    type='MetaSplit', split='train', num_per_class=10, seed=0,
    dataset=fashion_mnist)
# 2. validation split and 3. the training pool
val_split = dict(
    type='MetaSplit', split='meta', num_per_class=100, seed=0, dataset=rest)
train_pool = dict(
    type='MetaSplit', split='train', num_per_class=100, seed=0, dataset=rest)

train_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,
    dataset=train_pool,
    sampler=dict(type='DefaultSampler', shuffle=True))
# The whole meta set (100 images) is the meta batch of every iteration, as
# MW-Net's meta batch of 100.
meta_dataloader = dict(
    batch_size=100,
    num_workers=0,
    persistent_workers=False,
    dataset=meta_split,
    sampler=dict(type='MetaSampler', shuffle=True, seed=0))
val_dataloader = dict(
    batch_size=500,
    num_workers=0,
    persistent_workers=False,
    dataset=val_split,
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = dict(batch_size=500)
# Per-class recall = per-class accuracy (many/medium/few-shot groups).
test_evaluator = [
    dict(type='Accuracy', topk=(1, )),
    dict(type='SingleLabelMetric', items=('recall', ), average=None)
]
