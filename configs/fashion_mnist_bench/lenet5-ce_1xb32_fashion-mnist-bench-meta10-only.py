# Baseline: CE on the clean meta set alone (100 images), from scratch, batch
# 32. The set is repeated 20 times per epoch (63 iterations per epoch,
# ~1900 over the 30-epoch schedule).
_base_ = './lenet5-ce_1xb128_fashion-mnist-bench.py'
train_dataloader = dict(
    batch_size=32,
    dataset=dict(
        _delete_=True, type='RepeatDataset', times=20,
        dataset={{_base_.meta_split}}))
