# MFRW-MES advisor (sections 3.4.1-3.4.4). ResNet-10, ImageNet-LT: thesis
# table 3.4.
_base_ = [
    '../_base_/recipes/meta/resnet10_8xb64_imagenet-lt.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
