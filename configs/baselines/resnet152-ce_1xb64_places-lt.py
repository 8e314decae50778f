# Cross-entropy baseline. ResNet-152, Places-LT: thesis table 3.4.
# The baseline the advisor run starts from (section 3.5.3), from
# ResNet-152 pre-trained on ImageNet (MMPretrain's checkpoint).
_base_ = [
    '../_base_/recipes/resnet152_1xb64_places-lt.py',
    '../_base_/methods/ce.py'
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet152_8xb32_in1k_20210901-4d7582fa.pth',
            prefix='backbone')))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
