# Benchmark setting "LT IF 50": "LT IF 100" with imbalance factor 50: 5890
# ... 117 images per class, 16 486 in all (the meta set is 0.61 % of it).
_base_ = './fashion-mnist-bench_lt100.py'
train_dataloader = dict(dataset=dict(imbalance_factor=50))
