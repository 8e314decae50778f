# Balanced Softmax (BALMS, Ren et al., NeurIPS 2020): the log class prior
# added to the logits. It needs the training set's images per class, which
# the config gives (ClassCountsCheckHook stops a run whose training set has
# others):
#   _base_ = [RECIPE, '../_base_/methods/balms.py']
#   class_counts = [...]
#   model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
#   meta_dataloader = None
__method__ = dict(name='Balanced Softmax', zoo='baselines', token='balms')
loss = dict(_delete_=True, type='BalancedSoftmaxLoss', class_counts=None)
