# MFRW alone (sections 2.4.2, 3.4.1): the feature mask W_f, cross-entropy.
_base_ = './mfrw-mes.py'
advisor_model = dict(
    head=dict(
        advisor=dict(outputs=('mfrw', )),
        loss=dict(_delete_=True, type='CrossEntropyLoss')))
