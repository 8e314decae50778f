# The Fashion-MNIST benchmark's recipe (configs/_base_/datasets/
# fashion-mnist-bench.py): MMPretrain's LeNet-5 with a linear head, the
# thesis' long-tail SGD scaled to 30 epochs, setting LT IF 100,
# cross-entropy. The other settings swap the dataset base (and the
# 20-epoch schedule for Flip): tools/benchmarks/fashion_mnist_grid.py
# builds every run.
_base_ = [
    '../datasets/fashion-mnist-bench_lt100.py',
    '../models/lenet5_fashion-mnist.py',
    '../schedules/fashion-mnist_sgd_30e.py', '../default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(max_keep_ckpts=1))
# Without an advisor: MMEngine's DDP wrapper. An advisor config places its
# method's advisor_model_wrapper and the protocol's meta_dataloader
# (configs/_base_/methods/); a config without one sets
# meta_dataloader = None.
model_wrapper_cfg = None
