# Baseline: CE on the clean meta set alone (10 images per class), from
# scratch. The 100 images are repeated 20 times per epoch so that the CE
# schedule (8 epochs) gives ~250 iterations instead of 16.
_base_ = '../fashion_mnist/lenet5-ce_1xb64_fashion-mnist-flip0.4.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RepeatDataset',
        times=20,
        dataset={{_base_.meta_dataloader.dataset}}))
