# MMPretrain's runtime plus the plug-in's imports and hooks.
_base_ = 'mmpretrain::_base_/default_runtime.py'

custom_imports = dict(imports=['mmadvisor'], allow_failed_imports=False)

# Save what the dataset wrappers generated (noisy labels, kept indices, the
# meta split) under work_dir/generated/ before training starts.
# Stop before training if a count-dependent loss (BALMS, EQL) was given the
# class counts of another protocol.
custom_hooks = [
    dict(type='DumpGeneratedHook'),
    dict(type='ClassCountsCheckHook')
]

# Distributed advisor training synchronises in MetaOptimWrapper; MMEngine's
# default DDP wrapper would bypass the bilevel step. Ignored on one process.
# (The scope prefix is needed: the runner looks the wrapper up by name.)
model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')

randomness = dict(seed=0, deterministic=False)
