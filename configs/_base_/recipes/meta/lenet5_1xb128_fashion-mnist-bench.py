# The benchmark's recipe for the advisor methods: the four-phase
# MetaOptimWrapper on the protocol's meta set, and the model wrapper that
# synchronises the meta step across processes (meta_runtime.py). A method
# config adds the method's fragments (configs/_base_/methods/):
#   model = {{_base_.advisor_model}}
#   optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
_base_ = ['../lenet5_1xb128_fashion-mnist-bench.py', '../../meta_runtime.py']
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_dataloader={{_base_.meta_dataloader}})
