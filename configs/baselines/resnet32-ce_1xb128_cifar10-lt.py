# Cross-entropy baseline. ResNet-32, long-tailed CIFAR-10: thesis tables 3.1,
# 3.6.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar10-lt.py',
    '../_base_/methods/ce.py'
]
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
