# Fashion-MNIST, meta 10 per class, Flip noise p=0.4 (section 2.5.1) on the
# rest of the training split.
_base_ = './fashion_mnist_meta10.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LabelNoiseDataset',
        noise_type='flip',
        noise_ratio=0.4,
        seed=0,
        dataset={{_base_.train_split}}))
