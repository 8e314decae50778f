# Baseline that uses the clean meta set as plain training data: CE on the
# noisy training side and the clean meta side together (train + meta
# images). The meta side must use the same MetaSplit seed as the training
# side (0 here) so the two are disjoint.
_base_ = '../fashion_mnist/lenet5-ce_1xb64_fashion-mnist-flip0.4.py'
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ConcatDataset', datasets=[
        {{_base_.train_dataloader.dataset}},
        {{_base_.meta_dataloader.dataset}}]))
