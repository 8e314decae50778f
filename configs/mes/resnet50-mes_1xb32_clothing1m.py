# MES advisor (section 3.4.2). ImageNet-pretrained ResNet-50, Clothing1M:
# thesis tables 2.4, 3.7.
_base_ = [
    '../_base_/recipes/resnet50_1xb32_clothing1m.py',
    '../_base_/methods/mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
