# Class-balanced weighting (CBW): cross-entropy weighted by 1 / n, n the
# images of each class, normalised to sum to the number of classes C:
#   class_weight = [1 / n for n in class_counts]
#   class_weight = [w * C / sum(class_weight) for w in class_weight]
#   model = dict(head=dict(loss=dict(_base_.loss, class_weight=class_weight)))
#   meta_dataloader = None
__method__ = dict(name='CBW', zoo='baselines', token='cbw-ce')
loss = dict(_delete_=True, type='CrossEntropyLoss', class_weight=None)
