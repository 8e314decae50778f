# MES alone (section 3.4.2): the equalization-softmax weights s_k only.
_base_ = './mfrw-mes.py'
advisor_model = dict(head=dict(advisor=dict(outputs=('mes', ))))
