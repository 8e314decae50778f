# MFRW-MES advisor (sections 3.4.1-3.4.4). ResNet-32, long-tailed CIFAR-100:
# thesis tables 3.1, 3.6.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar100-lt.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
