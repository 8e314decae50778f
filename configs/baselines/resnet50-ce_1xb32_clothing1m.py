# Cross-entropy baseline. ImageNet-pretrained ResNet-50, Clothing1M: thesis
# tables 2.4, 3.7.
_base_ = '../_base_/recipes/resnet50_1xb32_clothing1m.py'
# No advisor: no meta set, and MMEngine's DDP wrapper.
meta_dataloader = None
model_wrapper_cfg = None
