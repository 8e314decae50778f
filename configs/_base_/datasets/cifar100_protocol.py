# CIFAR-100 under the thesis' protocol (sections 2.5.1, 3.5.1, 3.5.5): the
# CIFAR-10 protocol of cifar10_protocol.py (meta split, long tail, label
# noise, in this order) on CIFAR-100's files, classes and statistics.
_base_ = './cifar10_protocol.py'
data_root = 'data/cifar100'
data_preprocessor = dict(
    num_classes=100,
    mean=[129.304, 124.07, 112.434],
    std=[68.17, 65.392, 70.418])

cifar_train = dict(type='OfflineCIFAR100', data_root=data_root)
train_dataloader = dict(
    dataset=dict(dataset=dict(dataset=dict(dataset=cifar_train))))
meta_dataloader = dict(dataset=dict(dataset=cifar_train))
test_dataloader = dict(
    dataset=dict(type='OfflineCIFAR100', data_root=data_root))
val_dataloader = test_dataloader
