# ResNet-18 (MMPretrain's ResNet_CIFAR) on long-tailed CIFAR-10 with the
# recipe of table 3.1: thesis table 3.3. Default setting: IF=100, clean
# labels; other IFs with --cfg-options (tools/thesis_grid.py --table 3.3).
_base_ = ['../models/resnet18_cifar.py', '../datasets/cifar10_protocol.py',
          '../schedules/cifar_sgd_200e.py', '../default_runtime.py']
model = dict(data_preprocessor={{_base_.data_preprocessor}})
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
