# MES only (section 3.4.3): the equalization softmax, no feature mask.
_base_ = './lenet5-mfrw-mes_1xb64_fashion-mnist-flip0.4.py'
model = dict(head=dict(advisor=dict(outputs=('mes', ))))
