# ResNet-50 pre-trained on ImageNet (MMPretrain's checkpoint) on Clothing1M,
# the recipe of thesis tables 2.4 and 3.7 (sections 2.5.4, 3.5.6): SGD lr
# 0.01, x0.1 after epochs 10 and 15, 20 epochs, batch 32.
_base_ = ['../models/resnet50.py', '../datasets/clothing1m_meta-val.py',
          '../schedules/clothing1m_sgd_20e.py', '../default_runtime.py']
model = dict(
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone')),
    head=dict(num_classes=14))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
