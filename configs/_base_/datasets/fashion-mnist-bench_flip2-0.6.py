# Benchmark setting "Flip2 0.6": "Flip 0.4" with Flip2 noise, p = 0.6
# (section 2.5.1: each class's labels go to two other classes, drawn per
# seed, each with probability p / 2).
_base_ = './fashion-mnist-bench_flip0.4.py'
train_dataloader = dict(dataset=dict(noise_type='flip2', noise_ratio=0.6))
