# The thesis' Flip-noise CIFAR schedule (section 2.5.3: SGD, momentum 0.9,
# weight decay 5e-4, lr 0.1 decayed x0.1 at 50 % and 70 % of training;
# batch 128 in the dataset base) scaled from 100 to 20 epochs.
_base_ = './fashion-mnist_sgd_30e.py'
param_scheduler = dict(milestones=[10, 14])
train_cfg = dict(max_epochs=20)
