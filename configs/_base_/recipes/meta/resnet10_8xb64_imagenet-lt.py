# The recipe for the advisor methods: the four-phase MetaOptimWrapper on the
# protocol's meta set, and the model wrapper that synchronises the meta step
# across processes (meta_runtime.py). A method config adds the method's
# fragments (configs/_base_/methods/):
#   model = {{_base_.advisor_model}}
#   optim_wrapper = dict(meta_optimizer={{_base_.meta_optimizer}})
_base_ = ['../resnet10_8xb64_imagenet-lt.py', '../../meta_runtime.py']
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_dataloader={{_base_.meta_dataloader}})
# Table 3.4: the advisor run starts from the cross-entropy baseline (section
# 3.5.3), configs/baselines/resnet10-ce_8xb64_imagenet-lt.py, which
# tools/thesis_grid.py --table 3.4 trains first; the feature extractor is
# not frozen.
load_from = 'work_dirs/resnet10-ce_8xb64_imagenet-lt/imagenet-lt/epoch_180.pth'
