# ResNet-10 on ImageNet-LT, the recipe of thesis table 3.4 (section 3.5.3):
# cosine lr 0.2, 180 epochs, batch 512 (8 GPUs x 64).
_base_ = ['../models/resnet10.py', '../datasets/imagenet_lt_meta10.py',
          '../schedules/imagenet-lt_sgd_cos_180e.py', '../default_runtime.py']
model = dict(data_preprocessor={{_base_.data_preprocessor}})
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
