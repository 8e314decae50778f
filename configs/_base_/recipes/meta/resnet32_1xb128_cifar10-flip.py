# The recipe for the advisor methods: the four-phase MetaOptimWrapper on the
# protocol's meta set and the model wrapper that synchronises the meta step
# across processes. A method config adds the method's fragments
# (configs/_base_/methods/):
#   model = {{_base_.advisor_model}}
#   optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
_base_ = '../resnet32_1xb128_cifar10-flip.py'
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_dataloader={{_base_.meta_dataloader}})
# MMEngine's DDP wrapper would bypass the bilevel step. The scope prefix is
# needed: the runner looks the wrapper up by name.
model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')
