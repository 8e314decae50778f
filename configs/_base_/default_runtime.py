# MMPretrain's runtime plus the plug-in's imports and hooks (custom_hooks:
# the checks of check_hooks.py).
_base_ = ['mmpretrain::_base_/default_runtime.py', './check_hooks.py']

custom_imports = dict(imports=['mmadvisor'], allow_failed_imports=False)

# No model_wrapper_cfg: a config without an advisor keeps MMEngine's DDP
# wrapper (the recipes say so); an advisor config places its method
# fragment's advisor_model_wrapper (configs/_base_/methods/).

randomness = dict(seed=0, deterministic=False)
