# MES advisor (section 3.4.2). ResNet-18, long-tailed CIFAR-10: thesis table
# 3.3.
_base_ = [
    '../_base_/recipes/meta/resnet18_1xb128_cifar10-lt.py',
    '../_base_/methods/mes.py'
]
model = {{_base_.advisor_model}}
optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
