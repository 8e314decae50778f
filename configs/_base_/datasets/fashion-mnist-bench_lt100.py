# Benchmark setting "LT IF 100": the training pool made long-tailed with
# imbalance factor 100, exponential profile (section 3.5.1): 5890 ... 58
# images per class, 14 612 in all (the meta set is 0.68 % of it).
_base_ = './fashion-mnist-bench.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LongTailDataset',
        imbalance_factor=100,
        profile='exp',
        seed=0,
        dataset={{_base_.train_pool}}))
