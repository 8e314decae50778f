# Long-tailed CIFAR recipe (section 3.5.3; tables 3.1, 3.3, 3.6): SGD,
# momentum 0.9, weight decay 5e-4, batch 128, lr 0.1, x0.1 at epochs 160
# and 180, 200 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[160, 180], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=20)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
