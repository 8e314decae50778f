# Softmax Equalization Loss (Tan et al., CVPR 2020; thesis eq. 3.7) with the
# thesis' frequency threshold lambda = 1.76e-3 and rho = 0.9. It needs the
# training set's images per class, which the config gives, as for
# balms.py:
#   model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
__method__ = dict(name='Softmax EQL', zoo='baselines', token='eql')
loss = dict(
    _delete_=True,
    type='SoftmaxEqualizationLoss',
    lambda_=1.76e-3,
    rho=0.9,
    class_counts=None)
