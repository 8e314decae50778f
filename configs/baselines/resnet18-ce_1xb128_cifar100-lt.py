# Cross-entropy baseline. ResNet-18, long-tailed CIFAR-100: thesis table 3.3.
_base_ = '../_base_/recipes/resnet18_1xb128_cifar100-lt.py'
# No advisor: no meta set, and MMEngine's DDP wrapper.
meta_dataloader = None
model_wrapper_cfg = None
