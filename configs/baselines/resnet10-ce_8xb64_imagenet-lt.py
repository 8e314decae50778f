# Cross-entropy baseline.
# ImageNet-LT, ResNet-10, cosine lr 0.2, 180 epochs, batch 512: thesis table 3.4.
_base_ = [
    '../_base_/datasets/imagenet_lt_meta10.py',
    '../_base_/schedules/imagenet-lt_sgd_cos_180e.py', '../_base_/default_runtime.py'
]

# The baseline the advisor run starts from (section 3.5.3: "our method
# started from a baseline that had been pre-trained on the entire
# dataset"), trained with the same recipe.

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNetLT', depth=10),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
