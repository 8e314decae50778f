# The runtime of an advisor config built on another package's runtime
# (MMPretrain's: configs/examples/), next to its method fragment: the
# plug-in's checks (custom_hooks of check_hooks.py), and the model wrapper.
# (This repository's configs have them from default_runtime.py and their
# method fragment.)
_base_ = './check_hooks.py'
# Distributed training synchronises in the meta step (MetaOptimWrapper);
# MMEngine's DDP wrapper would bypass it. The scope prefix is needed: the
# runner looks the wrapper up by name.
model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')
