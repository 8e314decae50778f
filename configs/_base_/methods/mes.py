# MES alone (section 3.4.2): the equalization-softmax weights s_k only.
_base_ = './mfrw-mes.py'
__method__ = dict(name='MES', zoo='mes', token='mes')
advisor_model = dict(head=dict(advisor=dict(outputs=('mes', ))))
