# ImageNet-LT recipe (section 3.5.3, after BALMS [51]): lr 0.2 annealed with
# a cosine over 180 epochs. Not in the thesis, taken from BALMS' ResNet-10
# setup: SGD momentum 0.9, weight decay 5e-4, total batch 512 (8 x 64).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=180, eta_min=0.0)
train_cfg = dict(by_epoch=True, max_epochs=180, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=512)
