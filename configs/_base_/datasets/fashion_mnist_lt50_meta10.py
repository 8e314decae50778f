# Fashion-MNIST, meta 10 per class (balanced), the rest made long-tailed
# with imbalance factor 50 (exponential profile, section 3.5.1).
_base_ = './fashion_mnist_meta10.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LongTailDataset',
        imbalance_factor=50,
        profile='exp',
        seed=0,
        dataset={{_base_.train_split}}))
