# MFRW-MES on the Fashion-MNIST benchmark (LT IF 100 by default).
_base_ = [
    '../_base_/recipes/lenet5_1xb128_fashion-mnist-bench.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
