# Baseline that uses the clean meta set as plain training data: CE on the
# setting's training set and the meta set together (the same MetaSplit seed
# keeps them disjoint).
_base_ = './lenet5-ce_1xb128_fashion-mnist-bench.py'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            {{_base_.train_dataloader.dataset}},
            {{_base_.meta_split}},
        ]))
