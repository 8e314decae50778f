# Focal loss (Lin et al., ICCV 2017; MMPretrain's FocalLoss). ResNet-32,
# long-tailed CIFAR-10: thesis table 3.1.
_base_ = './resnet32-ce_1xb128_cifar10-lt.py'
model = dict(head=dict(loss=dict(
    _delete_=True, type='FocalLoss', gamma=2.0, alpha=0.25)))
