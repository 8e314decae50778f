# Benchmark setting "LT IF 10 + Flip 0.4" (table 3.6's protocol): the
# training pool capped at 3000 images per class (CPU budget), made
# long-tailed with imbalance factor 10 (3000 ... 300 per class, 12 257 in
# all; the meta set is 0.82 % of it), then Flip noise p = 0.4.
_base_ = './fashion-mnist-bench.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LabelNoiseDataset',
        noise_type='flip',
        noise_ratio=0.4,
        seed=0,
        dataset=dict(
            type='LongTailDataset',
            imbalance_factor=10,
            profile='exp',
            max_per_class=3000,
            seed=0,
            dataset={{_base_.train_pool}})))
