# Cross-entropy on the Fashion-MNIST benchmark (LT IF 100 by default).
_base_ = '../_base_/recipes/lenet5_1xb128_fashion-mnist-bench.py'
