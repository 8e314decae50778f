# MW-Net (Shu et al., NeurIPS 2019; section 2.4.1): a loss -> sample-weight
# MLP (1-100-1, sigmoid) on the same four-phase MetaOptimWrapper. Where the
# thesis' protocol leaves a value open it follows the authors' code
# (MW-Net.py): the weight net's Adam at lr 1e-3 with weight decay 1e-4, a
# plain-SGD virtual step at the classifier's lr, meta batch 100 (set by the
# dataset base). The protocol forces 10 meta images per class (the authors
# use 100 per class on CIFAR-10).
# The head is replaced whole, as in mfrw.py.
_base_ = './mfrw-mes.py'
# Its configs are the benchmark's (configs/fashion_mnist_bench/); the model
# zoo's train it as the thesis does (mw-net_thesis.py).
__method__ = dict(name='MW-Net', zoo=None, token='mw-net')
advisor_model = dict(
    head=dict(
        _delete_=True,
        type='AdvisorHead',
        advisor=dict(type='MWNet', hidden=100),
        loss=dict(_delete_=True, type='CrossEntropyLoss')))
meta_optimizer = dict(lr=1e-3, weight_decay=1e-4)
