# MES advisor (section 3.4.2). ResNet-18, long-tailed CIFAR-100: thesis table
# 3.3.
_base_ = [
    '../_base_/recipes/resnet18_1xb128_cifar100-lt.py',
    '../_base_/methods/mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
