# MMPretrain's stock ResNet-18 CIFAR-10 recipe, trained with an MFRW-MES
# advisor on CIFAR-10 with Flip noise p=0.4 and a 10-per-class meta set.
_base_ = [
    # MMPretrain's recipe: model, CIFAR-10 loaders, schedule, runtime.
    'mmpretrain::resnet/resnet18_8xb16_cifar10.py',
    # The method's parts (advisor_model, meta_optimizer) and the runtime of
    # the advisor methods (the plug-in's checks, and the model wrapper that
    # lets the bilevel step synchronise across GPUs), from mmadvisor's
    # installed configs.
    'mmadvisor::_base_/methods/mfrw-mes.py',
    'mmadvisor::_base_/meta_runtime.py',
]

# 1. Load the plug-in's classes (`mmadvisor::` needs no import).
custom_imports = dict(imports=['mmadvisor'], allow_failed_imports=False)

# 2. The classifier trains with the bilevel step; the head takes advice:
#    AdvisorClassifier, an AdvisorHead with an MFRW + MES advisor, MES loss.
model = {{_base_.advisor_model}}

# 3. The meta set: 10 clean images per class taken out of the training set
#    (before the noise); the rest gets the noise of the protocol.
cifar10_train = dict(
    type='CIFAR10',
    data_root='data/cifar10',
    split='train',
    pipeline={{_base_.train_pipeline}})
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='LabelNoiseDataset',
        noise_type='flip',
        noise_ratio=0.4,
        dataset=dict(type='MetaSplit', split='train', dataset=cifar10_train)))

# 4. The optim wrapper runs the four phases; the advisor has its own Adam
#    (lr 1e-4) and its own endless, resumable meta-set loader.
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    meta_optimizer={{_base_.meta_optimizer}},
    meta_dataloader=dict(
        batch_size=16,
        num_workers=2,
        dataset=dict(type='MetaSplit', split='meta', dataset=cifar10_train),
        sampler=dict(type='MetaSampler', shuffle=True)))

# The plug-in's checks come with meta_runtime.py (custom_hooks: a meta set
# that overlaps the training set stops the run, under every launcher); it
# also saves the noisy labels and the meta split in work_dir/generated. To
# add a hook, keep them: custom_hooks = _base_.custom_hooks + [dict(...)].
