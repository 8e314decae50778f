# MFRW-MES (sections 3.4.1-3.4.4) as fragments a method config puts on top
# of a recipe (configs/_base_/recipes/: an ImageClassifier with a
# LinearClsHead, a protocol with its meta set, a schedule):
#   _base_ = [RECIPE, '../_base_/methods/mfrw-mes.py']
#   model = {{_base_.advisor_model}}
#   model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
#   optim_wrapper = dict(
#       type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
#       meta_optimizer={{_base_.meta_optimizer}},
#       meta_dataloader={{_base_.meta_dataloader}})
# (MMEngine forbids the same key in two sibling bases, so the fragments
# have their own names and the config places them.)
# The method's identity, read by the harness (benchmarks/methods.py): its
# name, the model-zoo folder of its configs and its token in their names.
# MMEngine drops names that start with '__', so it stays out of the configs.
__method__ = dict(name='MFRW-MES', zoo='mfrw_mes', token='mfrw-mes')
# The advisor has both outputs; the head's loss is MES with rho = 0.9.
advisor_model = dict(
    type='AdvisorClassifier',
    head=dict(
        type='AdvisorHead',
        advisor=dict(type='Advisor', outputs=('mfrw', 'mes'), embed_dims=100),
        loss=dict(_delete_=True, type='MetaEqualizationLoss', rho=0.9)))
# The advisor's optimizer: Adam, lr 1e-4 (sections 2.5.2, 3.5.2).
meta_optimizer = dict(type='Adam', lr=1e-4)
# Distributed training synchronises in the meta step (MetaOptimWrapper);
# it replaces the recipe's model_wrapper_cfg = None (MMEngine's DDP).
advisor_model_wrapper = dict(
    _delete_=True, type='mmpretrain.MetaDistributedDataParallel')
