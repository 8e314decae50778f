# BALMS (Ren et al., NeurIPS 2020): the Balanced Softmax loss. ResNet-18,
# long-tailed CIFAR-100: thesis table 3.3.
_base_ = [
    '../_base_/recipes/resnet18_1xb128_cifar100-lt.py',
    '../_base_/methods/balms.py'
]
# Training images per class of the protocol at IF=100 (the formula of
# LongTailDataset over the 490 images per class left by the meta split).
# Another IF needs other counts: take the --cfg-options that
# tools/thesis_grid.py prints (--options-for), never IF alone.
class_counts = [int(490 * (1 / 100)**(c / 99)) for c in range(100)]
model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
