# Cross-entropy baseline. ResNet-32, long-tailed CIFAR-100, AutoAugment +
# Cutout: thesis table 3.2.
_base_ = '../_base_/recipes/resnet32_1xb512-aa-cutout-cos13k_cifar100-lt.py'
# No advisor: no meta set, and MMEngine's DDP wrapper.
meta_dataloader = None
model_wrapper_cfg = None
