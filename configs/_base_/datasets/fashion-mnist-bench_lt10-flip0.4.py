# Benchmark setting "LT IF 10 + Flip 0.4" (table 3.6's protocol): "Flip
# 0.4" on the training pool capped at 3000 images per class (CPU budget)
# and made long-tailed with imbalance factor 10 (3000 ... 300 per class,
# 12 257 in all; the meta set is 0.82 % of it).
_base_ = './fashion-mnist-bench_flip0.4.py'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(imbalance_factor=10, profile='exp', max_per_class=3000)))
