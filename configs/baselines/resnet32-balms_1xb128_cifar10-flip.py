# BALMS (Ren et al.): Balanced Softmax loss.
# CIFAR-10 protocol, ResNet-32, SGD lr 0.1, x0.1 at 50/70, 100 epochs, batch 128: thesis table 3.5.
_base_ = [
    '../_base_/datasets/cifar10_protocol.py',
    '../_base_/schedules/cifar_sgd_100e.py', '../_base_/default_runtime.py'
]

# Default setting: Flip noise p=0.4, balanced. Other settings (Flip2/3, p)
# with --cfg-options, see tools/thesis_grid.py --table 2.1.
train_dataloader = dict(dataset=dict(noise_type='flip', noise_ratio=0.4))

# Training images per class after the meta split (balanced: IF 1).
class_counts = [4990] * 10

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='BalancedSoftmaxLoss', class_counts=class_counts)))

# No advisor: the meta set is not used, and the plain MMEngine DDP wrapper
# runs distributed training.
meta_dataloader = None
model_wrapper_cfg = None
