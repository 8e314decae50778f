# MFRW-MES advisor (sections 3.4.1-3.4.4). ResNet-152, Places-LT: thesis
# table 3.4.
_base_ = [
    '../_base_/recipes/resnet152_1xb64_places-lt.py',
    '../_base_/methods/mfrw-mes.py'
]
model = {{_base_.advisor_model}}
model_wrapper_cfg = {{_base_.advisor_model_wrapper}}
optim_wrapper = dict(
    type='MetaOptimWrapper', constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader={{_base_.meta_dataloader}})
# Table 3.4: the advisor run starts from the cross-entropy baseline (section
# 3.5.3), configs/baselines/resnet152-ce_1xb64_places-lt.py, which
# tools/thesis_grid.py --table 3.4 trains first; the feature extractor is
# not frozen.
load_from = 'work_dirs/resnet152-ce_1xb64_places-lt/places-lt/epoch_60.pth'
