# The CE recipe trained with an MFRW-MES advisor (sections 3.4.1-3.4.4).
# Meta lr 1e-3 instead of the thesis' 1e-4 (tuned for ~40k meta steps on
# CIFAR): chosen on the digits proxy (1e-4: 65%, 1e-3: 83% top-1 at 30
# epochs), never on the Fashion-MNIST test set.
_base_ = [
    './lenet5-ce_1xb64_fashion-mnist-flip0.4.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer=dict(type='Adam', lr=1e-3),
    meta_dataloader={{_base_.meta_dataloader}})
