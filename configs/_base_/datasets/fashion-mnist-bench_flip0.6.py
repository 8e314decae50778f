# Benchmark setting "Flip 0.6": "Flip 0.4" with p = 0.6.
_base_ = './fashion-mnist-bench_flip0.4.py'
train_dataloader = dict(dataset=dict(noise_ratio=0.6))
