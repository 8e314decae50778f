# MW-Net (Shu et al., 2019; section 2.4.1): per-sample loss weights from the
# loss alone, meta-trained by the same MetaOptimWrapper and meta lr.
_base_ = './lenet5-mfrw-mes_1xb64_fashion-mnist-flip0.4.py'
model = dict(
    head=dict(
        advisor=dict(_delete_=True, type='MWNet'),
        loss=dict(_delete_=True, type='CrossEntropyLoss')))
