# Cross-entropy on the Fashion-MNIST benchmark (LT IF 100 by default).
# The protocol's meta set stays defined (meta_dataloader, meta_split): the
# clean-set baselines on top of this config train on it.
_base_ = [
    '../_base_/recipes/lenet5_1xb128_fashion-mnist-bench.py',
    '../_base_/methods/ce.py'
]
