# Fashion-MNIST, meta 10 per class (clean, balanced), the rest made
# long-tailed with imbalance factor 10, then corrupted with Flip noise p=0.4.
_base_ = './fashion_mnist_meta10.py'
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
            seed=0,
            dataset={{_base_.train_split}})))
