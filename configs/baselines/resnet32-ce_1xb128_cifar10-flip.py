# Cross-entropy baseline. ResNet-32, CIFAR-10 with Flip noise: thesis tables
# 2.1-2.3, 3.5.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar10-flip.py',
    '../_base_/methods/ce.py'
]
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
