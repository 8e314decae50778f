# Cross-entropy baseline.
# Places-LT, ResNet-152, cosine lr 0.005, 60 epochs, batch 64: thesis table 3.4.
_base_ = [
    '../_base_/datasets/places_lt_meta10.py',
    '../_base_/schedules/places-lt_sgd_cos_60e.py', '../_base_/default_runtime.py'
]

# The baseline the advisor run starts from (section 3.5.3: "our method
# started from a baseline that had been pre-trained on the entire
# dataset"), trained with the same recipe.

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='ResNet', depth=152,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/resnet/resnet152_8xb32_in1k_20210901-4d7582fa.pth',
            prefix='backbone')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=365,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
