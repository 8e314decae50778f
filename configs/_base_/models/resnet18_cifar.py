# MMPretrain's ResNet-18 for 32x32 images (ResNet_CIFAR: a 3x3 stem, no max
# pooling, a 512-d feature; thesis table 3.3) in place of ResNet-32.
_base_ = './resnet32_cifar.py'
model = dict(
    backbone=dict(type='ResNet_CIFAR', depth=18), head=dict(in_channels=512))
