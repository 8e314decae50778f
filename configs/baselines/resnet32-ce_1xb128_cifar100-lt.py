# Cross-entropy baseline. ResNet-32, long-tailed CIFAR-100: thesis tables
# 3.1, 3.6.
_base_ = '../_base_/recipes/resnet32_1xb128_cifar100-lt.py'
# No advisor: no meta set, and MMEngine's DDP wrapper.
meta_dataloader = None
model_wrapper_cfg = None
