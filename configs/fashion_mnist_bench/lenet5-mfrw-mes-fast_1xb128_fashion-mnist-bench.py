# MFRW-MES with the fast preset on the Fashion-MNIST benchmark.
_base_ = [
    './lenet5-mfrw-mes_1xb128_fashion-mnist-bench.py',
    '../_base_/methods/mfrw-mes-fast.py'
]
optim_wrapper = {{_base_.fast_meta_step}}
