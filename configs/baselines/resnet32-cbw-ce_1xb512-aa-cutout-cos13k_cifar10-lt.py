# Class-balanced weighting (CBW): inverse-frequency weights. ResNet-32,
# long-tailed CIFAR-10, AutoAugment + Cutout: thesis table 3.2.
# Cross-entropy weighted by 1 / n, normalised to sum to C = 10; the class
# counts n are the BALMS config's.
_base_ = './resnet32-balms_1xb512-aa-cutout-cos13k_cifar10-lt.py'
class_weight = [1 / n for n in _base_.class_counts]
class_weight = [w * 10 / sum(class_weight) for w in class_weight]
model = dict(head=dict(loss=dict(
    _delete_=True, type='CrossEntropyLoss', class_weight=class_weight)))
