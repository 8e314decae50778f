# Focal loss (Lin et al., ICCV 2017; MMPretrain's FocalLoss). ResNet-32,
# long-tailed CIFAR-10: thesis table 3.1.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar10-lt.py',
    '../_base_/methods/focal.py'
]
model = dict(head=dict(loss={{_base_.loss}}))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
