# ResNet-32 on long-tailed CIFAR-100, the recipe of thesis tables 3.1 and 3.6
# (section 3.5.3): SGD lr 0.1, x0.1 at epochs 160 and 180, 200 epochs, batch
# 128. Default setting: IF=100, clean labels; other IFs (and the Flip noise
# of table 3.6) with --cfg-options (tools/thesis_grid.py --table 3.1).
_base_ = ['../models/resnet32_cifar.py', '../datasets/cifar100_protocol.py',
          '../schedules/cifar_sgd_200e.py', '../default_runtime.py']
model = dict(
    data_preprocessor={{_base_.data_preprocessor}}, head=dict(num_classes=100))
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
