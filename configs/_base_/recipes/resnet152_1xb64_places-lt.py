# ResNet-152 on Places-LT, the recipe of thesis table 3.4 (section 3.5.3):
# cosine lr 0.005, 60 epochs, batch 64.
_base_ = ['../models/resnet152.py', '../datasets/places_lt_meta10.py',
          '../schedules/places-lt_sgd_cos_60e.py', '../default_runtime.py']
model = dict(
    data_preprocessor={{_base_.data_preprocessor}}, head=dict(num_classes=365))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
