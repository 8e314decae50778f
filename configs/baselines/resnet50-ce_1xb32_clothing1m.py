# Cross-entropy baseline. ImageNet-pretrained ResNet-50, Clothing1M: thesis
# tables 2.4, 3.7.
_base_ = [
    '../_base_/recipes/resnet50_1xb32_clothing1m.py',
    '../_base_/methods/ce.py'
]
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
