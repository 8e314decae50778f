# Cross-entropy on the Fashion-MNIST benchmark (configs/_base_/datasets/
# fashion-mnist-bench.py), setting LT IF 100, 30 epochs. The other settings
# swap the dataset base (and the 20-epoch schedule for Flip):
# tools/benchmarks/fashion_mnist_grid.py builds every run.
_base_ = [
    '../_base_/datasets/fashion-mnist-bench_lt100.py',
    '../_base_/models/lenet5_fashion-mnist.py',
    '../_base_/schedules/fashion-mnist_sgd_30e.py',
    '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(max_keep_ckpts=1))
# No bilevel step: the single-process / stock DDP wrapper.
model_wrapper_cfg = None
