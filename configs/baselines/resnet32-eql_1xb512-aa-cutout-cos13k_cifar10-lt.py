# Softmax Equalization Loss (Tan et al., CVPR 2020; eq. 3.7). ResNet-32,
# long-tailed CIFAR-10, AutoAugment + Cutout: thesis table 3.2.
# The class counts are the BALMS config's; lambda and rho the thesis'.
_base_ = './resnet32-balms_1xb512-aa-cutout-cos13k_cifar10-lt.py'
model = dict(head=dict(loss=dict(
    type='SoftmaxEqualizationLoss', lambda_=1.76e-3, rho=0.9)))
