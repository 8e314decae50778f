# Benchmark setting "LT IF 50": the training pool made long-tailed with
# imbalance factor 50, exponential profile (section 3.5.1): 5890 ... 117
# images per class, 16 486 in all (the meta set is 0.61 % of it).
_base_ = './fashion-mnist-bench.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LongTailDataset',
        imbalance_factor=50,
        profile='exp',
        seed=0,
        dataset={{_base_.train_pool}}))
