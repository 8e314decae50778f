# ResNet-32 on CIFAR-100 with Flip noise, the recipe of thesis tables 2.1-2.3
# and 3.5 (sections 2.5.3, 3.5.4): SGD lr 0.1, x0.1 at epochs 50 and 70, 100
# epochs, batch 128. Default setting: Flip p=0.4, balanced; the others
# (Flip2/3, p) with --cfg-options (tools/thesis_grid.py --table 2.1).
_base_ = ['../models/resnet32_cifar.py', '../datasets/cifar100_protocol.py',
          '../schedules/cifar_sgd_100e.py', '../default_runtime.py']
model = dict(
    data_preprocessor={{_base_.data_preprocessor}}, head=dict(num_classes=100))
train_dataloader = dict(dataset=dict(noise_type='flip', noise_ratio=0.4))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
