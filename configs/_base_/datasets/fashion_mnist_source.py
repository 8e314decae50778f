# Fashion-MNIST (Xiao et al., 2017: 60k train / 10k test real 28x28
# grayscale images, 10 classes) read offline from the idx files, shared by
# the 300-per-class grid (fashion_mnist_meta10.py) and the benchmark
# (fashion-mnist-bench.py). Images are served as 1 channel, zero-padded at
# the bottom and right to 32x32 (the background is 0; LeNet-5's and the
# CIFAR ResNets' input size): 1x32x32 tensors (give the backbone
# in_channels=1). The files are looked up in $FASHION_MNIST_ROOT, by
# default where Debian's dataset-fashion-mnist package puts them
# (`sudo apt-get install dataset-fashion-mnist`).
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

# Fashion-MNIST training-set mean and std (0.286, 0.353) x 255.
data_preprocessor = dict(
    num_classes=10, mean=[72.94], std=[90.02], to_rgb=False)

# Loading runs in the main process (num_workers=0); persistent_workers=False
# says so to MMPretrain's own tools/train.py, which sets persistent_workers=True
# on every loader that leaves it unset (an error without workers).
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
