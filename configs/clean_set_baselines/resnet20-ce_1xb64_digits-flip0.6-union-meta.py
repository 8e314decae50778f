# Baseline that uses the clean meta set as plain training data: CE on the
# noisy training side and the clean meta side together (train + meta
# images). The meta side must use the same MetaSplit seed as the training
# side (0 here) so the two are disjoint.
_base_ = '../quickstart/resnet20-ce_1xb64_digits-flip0.6.py'
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ConcatDataset', datasets=[
        {{_base_.train_dataloader.dataset}},
        dict(type='MetaSplit', split='meta', num_per_class=10, seed=0,
             dataset={{_base_.digits}})]))
