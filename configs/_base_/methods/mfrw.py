# MFRW alone (sections 2.4.2, 3.4.1): the feature mask W_f, cross-entropy.
# The head is replaced whole (_delete_) so that the loss' own _delete_
# reaches the config that places the fragment: the cross-entropy replaces
# the base model's loss with all its keys.
_base_ = './mfrw-mes.py'
__method__ = dict(name='MFRW', zoo='mfrw', token='mfrw')
advisor_model = dict(
    head=dict(
        _delete_=True,
        type='AdvisorHead',
        advisor=dict(type='Advisor', outputs=('mfrw', ), embed_dims=100),
        loss=dict(_delete_=True, type='CrossEntropyLoss')))
