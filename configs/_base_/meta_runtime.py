# The runtime of an advisor config built on another package's runtime
# (MMPretrain's: configs/examples/), next to its method fragment:
# distributed training synchronises in the meta step (MetaOptimWrapper);
# MMEngine's DDP wrapper would bypass it. The scope prefix is needed: the
# runner looks the wrapper up by name.
model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')
