# Class-balanced loss (Cui et al., CVPR 2019). ResNet-18, long-tailed
# CIFAR-100: thesis table 3.3.
# Cross-entropy weighted by the inverse effective number of samples of
# each class, (1 - beta) / (1 - beta^n) with the fragment's beta (cb_beta),
# normalised to sum to C = 100.
_base_ = [
    '../_base_/recipes/resnet18_1xb128_cifar100-lt.py',
    '../_base_/methods/cb-ce.py'
]
# Training images per class of the protocol at IF=100 (the formula of
# LongTailDataset over the 490 images per class left by the meta split).
# Another IF needs other counts: take the --cfg-options that
# tools/thesis_grid.py prints (--options-for), never IF alone.
class_counts = [int(490 * (1 / 100)**(c / 99)) for c in range(100)]
class_weight = [(1 - _base_.cb_beta) / (1 - _base_.cb_beta**n)
                for n in class_counts]
class_weight = [w * 100 / sum(class_weight) for w in class_weight]
model = dict(head=dict(loss=dict(_base_.loss, class_weight=class_weight)))
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
