# The same model trained with an MFRW-MES advisor (sections 3.4.1-3.4.4).
_base_ = [
    '../_base_/recipes/resnet20_1xb64_digits-flip0.6.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
# Adam as in the thesis, at 3e-3 instead of 1e-4: the thesis' advisors take
# ~40k meta steps (CIFAR, 100 epochs x 390 iterations), this proxy 570.
# Chosen among 1e-4, 1e-3, 3e-3 and 1e-2 on a validation split of the
# training data, never on the test split
# (tools/benchmarks/quickstart_meta_lr.py; README, Quickstart).
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=3e-3),
    meta_dataloader={{_base_.meta_dataloader}})
