# The recipe for the advisor methods: the four-phase MetaOptimWrapper on the
# protocol's meta set, and the model wrapper that synchronises the meta step
# across processes (meta_runtime.py). A method config adds the method's
# fragments (configs/_base_/methods/):
#   model = {{_base_.advisor_model}}
#   optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
_base_ = ['../resnet18_1xb128_cifar10-lt.py', '../../meta_runtime.py']
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_dataloader={{_base_.meta_dataloader}})
