# Baseline: plain cross-entropy on the noisy Fashion-MNIST (no meta set
# used): MMPretrain's LeNet-5 and an 8-epoch proxy of the thesis' CIFAR
# recipe. Other protocols: swap the dataset base file, e.g. for
# fashion_mnist_lt100_meta10.py.
_base_ = [
    '../_base_/models/lenet5_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_flip0.4_meta10.py',
    '../_base_/schedules/fashion-mnist_sgd_8e.py',
    '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=8, max_keep_ckpts=1))
model = dict(data_preprocessor={{_base_.data_preprocessor}})
# No bilevel step: the single-process / stock DDP wrapper.
model_wrapper_cfg = None
