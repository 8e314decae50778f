# MFRW only (section 2.4): the feature mask, no equalization softmax
# (MetaEqualizationLoss without an s output is the cross-entropy).
_base_ = './lenet5-mfrw-mes_1xb64_fashion-mnist-flip0.4.py'
model = dict(head=dict(advisor=dict(outputs=('mfrw', ))))
