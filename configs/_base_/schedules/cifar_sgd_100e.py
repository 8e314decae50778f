# Flip-noise CIFAR recipe (sections 2.5.3 and 3.5.4; tables 2.1-2.3, 3.5):
# SGD, momentum 0.9, weight decay 5e-4, batch 128, lr 0.1, x0.1 at epochs
# 50 and 70, 100 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[50, 70], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
