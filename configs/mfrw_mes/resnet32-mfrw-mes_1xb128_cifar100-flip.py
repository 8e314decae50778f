# MFRW-MES advisor (sections 3.4.1-3.4.4). ResNet-32, CIFAR-100 with Flip
# noise: thesis table 3.5.
_base_ = [
    '../_base_/recipes/meta/resnet32_1xb128_cifar100-flip.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
