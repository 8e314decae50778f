# Long-tailed CIFAR recipe of table 3.2 (section 3.5.3): SGD, momentum 0.9,
# weight decay 5e-4, batch 512, lr 0.1 annealed to 0 with a cosine over
# 13000 iterations.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=False, T_max=13000, eta_min=0.0)
train_cfg = dict(by_epoch=False, max_iters=13000, val_interval=1000)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=512)
# Log by iteration (the configs also set default_hooks to log metrics and
# checkpoint by iteration: default_hooks belongs to default_runtime.py).
log_processor = dict(by_epoch=False)
