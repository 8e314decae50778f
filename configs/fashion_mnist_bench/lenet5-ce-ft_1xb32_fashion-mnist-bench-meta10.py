# Stage 2 of "CE, then fine-tune on the meta set" (the "Fine-tuning" row of
# thesis tables 2.1 and 3.1): the final CE model (stage 1, load_from)
# trained further on the 100 clean meta images, batch 32, at a constant lr.
# lr and epochs are not the thesis': the grid tool chooses them on the
# validation split (lr 0.1 / 0.01 / 0.001, 10 / 30 epochs).
_base_ = './lenet5-ce_1xb128_fashion-mnist-bench.py'
load_from = 'REQUIRED--cfg-options-load_from=STAGE1_CHECKPOINT'
train_dataloader = dict(
    batch_size=32,
    dataset=dict(
        _delete_=True, type='MetaSplit', split='meta', num_per_class=10,
        seed=0, dataset={{_base_.fashion_mnist}}))
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(
    _delete_=True, type='ConstantLR', factor=1.0, by_epoch=True)
train_cfg = dict(max_epochs=10)
