# Places-LT recipe (section 3.5.3): lr 0.005 annealed with a cosine over 60
# epochs, batch 64. Not in the thesis (from BALMS [51]): SGD momentum 0.9,
# weight decay 5e-4.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=60, eta_min=0.0)
train_cfg = dict(by_epoch=True, max_epochs=60, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
