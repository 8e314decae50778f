# Cross-entropy baseline. ResNet-18, long-tailed CIFAR-10: thesis table 3.3.
_base_ = [
    '../_base_/recipes/resnet18_1xb128_cifar10-lt.py',
    '../_base_/methods/ce.py'
]
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
