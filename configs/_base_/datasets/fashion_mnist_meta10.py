# Fashion-MNIST (Xiao et al., 2017: 60k train / 10k test real 28x28
# grayscale images, 10 classes) read offline from the idx files. Images are
# served as 1 channel, zero-padded at the bottom and right to 32x32 (the
# background is 0; LeNet-5's and the CIFAR ResNets' input size): 1x32x32
# tensors (give the backbone in_channels=1). 10 images per class of the
# training split form the clean, balanced meta set; this base trains on
# the rest with clean labels, the protocol files (fashion_mnist_{flip0.4,
# flip0.6,lt50,lt100,lt10-flip0.4}_meta10.py) corrupt it. Protocol order:
# meta split, then long tail, then noise. The files are looked up in
# $FASHION_MNIST_ROOT, by default where Debian's dataset-fashion-mnist
# package puts them.
data_root = '{{$FASHION_MNIST_ROOT:/usr/share/datasets/fashion-mnist}}'
pipeline = [
    dict(type='Pad', size=(32, 32), pad_val=0),
    dict(type='PackInputs')
]
fashion_mnist = dict(
    type='OfflineFashionMNIST',
    data_root=data_root,
    split='train',
    pipeline=pipeline)
# The training side of the split, wrapped by the protocol files.
train_split = dict(
    type='MetaSplit', split='train', num_per_class=10, seed=0,
    dataset=fashion_mnist)

# Fashion-MNIST training-set mean and std (0.286, 0.353) x 255.
data_preprocessor = dict(
    num_classes=10, mean=[72.94], std=[90.02], to_rgb=False)

# Loading runs in the main process (num_workers=0); persistent_workers=False
# says so to MMPretrain's own tools/train.py, which sets persistent_workers=True
# on every loader that leaves it unset (an error without workers).
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=train_split,
    sampler=dict(type='DefaultSampler', shuffle=True),
)

# The clean, balanced meta set, drawn every iteration (phase 3).
meta_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='MetaSplit', split='meta', num_per_class=10, seed=0,
        dataset=fashion_mnist),
    sampler=dict(type='MetaSampler', shuffle=True, seed=0),
)

test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type='OfflineFashionMNIST',
        data_root=data_root,
        split='test',
        pipeline=pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_evaluator = dict(type='Accuracy', topk=(1, ))
val_dataloader = test_dataloader
val_evaluator = test_evaluator
