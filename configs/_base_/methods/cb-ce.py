# Class-balanced loss (Cui et al., CVPR 2019): cross-entropy weighted by the
# inverse effective number of samples of each class, (1 - beta) /
# (1 - beta^n) with beta = cb_beta, normalised to sum to the number of
# classes C. The config computes the weights from its class counts n:
#   class_weight = [(1 - _base_.cb_beta) / (1 - _base_.cb_beta**n)
#                   for n in class_counts]
#   class_weight = [w * C / sum(class_weight) for w in class_weight]
#   model = dict(head=dict(loss=dict(_base_.loss, class_weight=class_weight)))
#   meta_dataloader = None
__method__ = dict(name='CB loss', zoo='baselines', token='cb-ce')
cb_beta = 0.9999
loss = dict(_delete_=True, type='CrossEntropyLoss', class_weight=None)
