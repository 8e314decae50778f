# The quickstart advisor with a validation split, to choose its meta lr
# without the test split: 20 clean images per class of the digits training
# split are held out (after the meta set, before the noise) and evaluated
# after every epoch; the rest is trained on as in the quickstart. The test
# split is read once per run, after the last epoch.
#   python tools/benchmarks/quickstart_meta_lr.py
_base_ = './resnet20-mfrw-mes_1xb64_digits-flip0.6.py'
rest = dict(
    type='MetaSplit', split='train', num_per_class=10, seed=0,
    dataset={{_base_.digits}})
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            _delete_=True, type='MetaSplit', split='train', num_per_class=20,
            seed=0, dataset=rest)))
val_dataloader = dict(
    batch_size=256,
    dataset=dict(
        _delete_=True, type='MetaSplit', split='meta', num_per_class=20,
        seed=0, dataset=rest))
train_cfg = dict(val_interval=1)
