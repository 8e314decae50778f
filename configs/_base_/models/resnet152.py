# MMPretrain's ResNet-152 (a 2048-d feature) in place of ResNet-50.
_base_ = './resnet50.py'
model = dict(backbone=dict(depth=152))
