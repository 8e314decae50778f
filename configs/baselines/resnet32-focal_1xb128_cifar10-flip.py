# Focal loss (Lin et al., ICCV 2017; MMPretrain's FocalLoss). ResNet-32,
# CIFAR-10 with Flip noise: thesis tables 2.1, 3.5.
_base_ = './resnet32-ce_1xb128_cifar10-flip.py'
model = dict(head=dict(loss=dict(
    _delete_=True, type='FocalLoss', gamma=2.0, alpha=0.25)))
