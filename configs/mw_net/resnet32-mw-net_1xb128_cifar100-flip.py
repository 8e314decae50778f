# MW-Net (Shu et al., NeurIPS 2019): a loss-to-weight advisor. ResNet-32,
# CIFAR-100 with Flip noise: thesis tables 2.1-2.3, 3.5.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar100-flip.py',
    '../_base_/methods/mw-net_thesis.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
