# The quickstart's recipe: CIFAR's ResNet-20 on the digits proxy
# (scikit-learn's digits, Flip noise p=0.6, a 10-per-class meta set) with
# the thesis' CIFAR SGD shortened to 30 epochs, cross-entropy.
_base_ = ['../models/resnet32_cifar.py',
          '../datasets/digits_flip0.6_meta10.py',
          '../schedules/digits_bs64.py', '../default_runtime.py']
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(depth=20),
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss')))
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=1))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
