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

# No model_wrapper_cfg: a config without an advisor keeps MMEngine's DDP
# wrapper (the recipes say so); an advisor config places its method
# fragment's advisor_model_wrapper (configs/_base_/methods/).

randomness = dict(seed=0, deterministic=False)
