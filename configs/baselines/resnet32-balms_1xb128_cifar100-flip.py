# BALMS (Ren et al., NeurIPS 2020): the Balanced Softmax loss. ResNet-32,
# CIFAR-100 with Flip noise: thesis table 3.5.
_base_ = './resnet32-ce_1xb128_cifar100-flip.py'
# Training images per class after the meta split (balanced: IF 1).
class_counts = [490] * 100
model = dict(head=dict(loss=dict(
    _delete_=True, type='BalancedSoftmaxLoss', class_counts=class_counts)))
