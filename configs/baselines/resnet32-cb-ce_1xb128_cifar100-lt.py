# Class-balanced loss (Cui et al., CVPR 2019). ResNet-32, long-tailed
# CIFAR-100: thesis table 3.1.
# Cross-entropy weighted by the inverse effective number of samples of
# each class, (1 - beta) / (1 - beta^n) with beta 0.9999, normalised to sum
# to C = 100; the class counts n are the BALMS config's.
_base_ = './resnet32-balms_1xb128_cifar100-lt.py'
cb_beta = 0.9999
class_weight = [(1 - cb_beta) / (1 - cb_beta**n) for n in _base_.class_counts]
class_weight = [w * 100 / sum(class_weight) for w in class_weight]
model = dict(head=dict(loss=dict(
    _delete_=True, type='CrossEntropyLoss', class_weight=class_weight)))
