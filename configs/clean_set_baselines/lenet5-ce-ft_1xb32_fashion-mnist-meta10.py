# Stage 2 of the "Fine-tuning" baseline on Fashion-MNIST: the CE model of
# ../fashion_mnist/lenet5-ce_1xb64_fashion-mnist-flip0.4.py trained further
# as in resnet20-ce-ft_1xb32_digits-meta10.py (README.md).
_base_ = '../fashion_mnist/lenet5-ce_1xb64_fashion-mnist-flip0.4.py'
load_from = 'REQUIRED--cfg-options-load_from=STAGE1_CHECKPOINT'
train_dataloader = dict(batch_size=32, dataset=dict(
    _delete_=True, type='MetaSplit', split='meta', num_per_class=10, seed=0,
    dataset={{_base_.fashion_mnist}}))
train_cfg = dict(max_epochs=10, val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(
    _delete_=True, type='ConstantLR', factor=1.0, by_epoch=True)
