# The thesis' long-tail CIFAR schedule (section 3.5.3: SGD, momentum 0.9,
# weight decay 5e-4, lr 0.1 decayed x0.1 at 80 % and 90 % of training;
# batch 128 in the dataset base) scaled from 200 to 30 epochs. The
# validation split is evaluated after every epoch, the test split once at
# the end (tools/benchmarks/fashion_mnist_grid.py).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[24, 27], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=1)
val_cfg = dict()
test_cfg = dict()
