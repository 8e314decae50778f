# Cross-entropy: the classifier's own loss (the model bases' LinearClsHead
# with CrossEntropyLoss), no advisor. A config puts it on a recipe, whose
# meta set it does not use:
#   _base_ = [RECIPE, '../_base_/methods/ce.py']
#   meta_dataloader = None
# The method's identity, read by the harness (benchmarks/methods.py): its
# name, the model-zoo folder of its configs and its token in their names.
# MMEngine drops names that start with '__', so it stays out of the configs.
__method__ = dict(name='CE', zoo='baselines', token='ce')
