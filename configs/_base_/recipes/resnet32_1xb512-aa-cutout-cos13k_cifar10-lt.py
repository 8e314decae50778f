# ResNet-32 on long-tailed CIFAR-10 with AutoAugment + Cutout, batch 512, lr
# 0.1 annealed to 0 with a cosine over 13000 iterations: the recipe of
# thesis table 3.2 (section 3.5.3). Default setting: IF=100, clean labels;
# other IFs with --cfg-options (tools/thesis_grid.py --table 3.2).
_base_ = ['../models/resnet32_cifar.py',
          '../datasets/cifar10_protocol_autoaug-cutout.py',
          '../schedules/cifar_sgd_cos_13k-iter.py', '../default_runtime.py']
model = dict(data_preprocessor={{_base_.data_preprocessor}})
train_dataloader = dict(dataset=dict(dataset=dict(imbalance_factor=100)))
# Metrics and checkpoints by iteration (13000 iterations).
default_hooks = dict(
    logger=dict(log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=1000, max_keep_ckpts=3))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
