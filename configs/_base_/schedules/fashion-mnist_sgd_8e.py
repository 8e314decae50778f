# A CPU-sized proxy of the thesis' CIFAR recipe (SGD, momentum 0.9, weight
# decay 5e-4, lr 0.1 decayed x0.1 twice): 8 epochs, x0.1 after epochs 5 and
# 7, evaluated once, after the last epoch (no epoch is picked on the test
# set).
_base_ = './fashion-mnist_sgd_20e.py'
param_scheduler = dict(milestones=[5, 7])
train_cfg = dict(max_epochs=8, val_interval=8)
