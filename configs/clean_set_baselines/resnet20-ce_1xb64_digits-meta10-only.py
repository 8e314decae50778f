# Baseline: CE on the clean meta set alone (10 images per class), from
# scratch. The 100 images are repeated 10 times per epoch so that the
# quickstart schedule (30 epochs, lr x0.1 at 20 and 26) gives ~480
# iterations instead of 60.
_base_ = '../quickstart/resnet20-ce_1xb64_digits-flip0.6.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RepeatDataset',
        times=10,
        dataset=dict(
            type='MetaSplit', split='meta', num_per_class=10, seed=0,
            dataset={{_base_.digits}})))
