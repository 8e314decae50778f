# Benchmark setting "Flip 0.4": a balanced subsample of 1000 images per class
# of the training pool (to fit the CPU budget; the meta set is 1 % of it),
# with Flip noise p = 0.4 (section 2.5.1: each class's labels go to one
# other class, drawn per seed, with probability p).
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
            imbalance_factor=1,
            max_per_class=1000,
            seed=0,
            dataset={{_base_.train_pool}})))
