# SGD as in the thesis' CIFAR recipes (momentum 0.9, wd 5e-4, lr 0.1 decayed
# x0.1 twice), shortened for the 16x16 digits proxy.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[20, 26], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=10)
val_cfg = dict()
test_cfg = dict()
