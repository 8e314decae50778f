# ResNet-10 of the long-tail literature (ResNetLT: ResNet's basic blocks,
# one per stage, a 512-d feature; thesis table 3.4 on ImageNet-LT) in place
# of ResNet-50.
_base_ = './resnet50.py'
model = dict(
    backbone=dict(type='ResNetLT', depth=10), head=dict(in_channels=512))
