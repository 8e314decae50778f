# MFRW on the Fashion-MNIST benchmark (LT IF 100 by default).
_base_ = [
    '../_base_/recipes/meta/lenet5_1xb128_fashion-mnist-bench.py',
    '../_base_/methods/mfrw.py'
]
model = {{_base_.advisor_model}}
optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
