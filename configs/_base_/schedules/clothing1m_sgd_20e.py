# Clothing1M recipe (sections 2.5.4 and 3.5.6; tables 2.4, 3.7): SGD,
# momentum 0.9, weight decay 1e-3, batch 32, lr 0.01, x0.1 after epochs 10
# and 15, 20 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-3))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[10, 15], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
