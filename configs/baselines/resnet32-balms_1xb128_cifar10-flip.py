# BALMS (Ren et al., NeurIPS 2020): the Balanced Softmax loss. ResNet-32,
# CIFAR-10 with Flip noise: thesis table 3.5.
_base_ = [
    '../_base_/recipes/resnet32_1xb128_cifar10-flip.py',
    '../_base_/methods/balms.py'
]
# Training images per class after the meta split (balanced: IF 1).
class_counts = [4990] * 10
model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
