# The runtime of the advisor methods, next to default_runtime.py:
# distributed training synchronises in the meta step (MetaOptimWrapper);
# MMEngine's DDP wrapper would bypass it. The scope prefix is needed: the
# runner looks the wrapper up by name.
model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')
