# MES advisor (section 3.4.2). ResNet-32, long-tailed CIFAR-100, AutoAugment
# + Cutout: thesis table 3.2.
_base_ = [
    '../_base_/recipes/resnet32_1xb512-aa-cutout-cos13k_cifar100-lt.py',
    '../_base_/methods/mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
