# BALMS (Ren et al., NeurIPS 2020): the Balanced Softmax loss. ResNet-32,
# long-tailed CIFAR-10, AutoAugment + Cutout: thesis table 3.2.
_base_ = [
    '../_base_/recipes/resnet32_1xb512-aa-cutout-cos13k_cifar10-lt.py',
    '../_base_/methods/balms.py'
]
# Training images per class of the protocol at IF=100 (the formula of
# LongTailDataset over the 4990 images per class left by the meta split).
# Another IF needs other counts: take the --cfg-options that
# tools/thesis_grid.py prints (--options-for), never IF alone.
class_counts = [int(4990 * (1 / 100)**(c / 9)) for c in range(10)]
model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
