# Stage 2 of the "Fine-tuning" baseline (thesis tables 2.1 and 3.1): the CE
# model of stage 1 (../quickstart/resnet20-ce_1xb64_digits-flip0.6.py)
# trained further on the clean meta set only, 10 epochs at a constant lr
# 0.01 (a tenth of stage 1's), batch 32. load_from is required (README.md):
# without it the run stops instead of silently training from scratch.
_base_ = '../quickstart/resnet20-ce_1xb64_digits-flip0.6.py'
load_from = 'REQUIRED--cfg-options-load_from=STAGE1_CHECKPOINT'
train_dataloader = dict(batch_size=32, dataset=dict(
    _delete_=True, type='MetaSplit', split='meta', num_per_class=10, seed=0,
    dataset={{_base_.digits}}))
# (stage 1 already validates and saves every 10 epochs)
train_cfg = dict(max_epochs=10)
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(
    _delete_=True, type='ConstantLR', factor=1.0, by_epoch=True)
