# Recipe "MFRW-MES + class prior" (this repository's, beyond the thesis):
# the MES loss of the virtual and the actual step on the logits shifted by
# the log class prior (MetaEqualizationLoss(class_counts=...), the shift of
# Balanced Softmax), so the advisor's s_k equalizes on top of a loss that
# already accounts for the long tail. Long-tailed settings only (with
# balanced classes the shift is a constant). The counts are the LT IF 100
# setting's; the grid tool passes each setting's.
_base_ = './lenet5-mfrw-mes_1xb128_fashion-mnist-bench.py'
model = dict(
    head=dict(
        loss=dict(
            class_counts=[5890, 3530, 2116, 1268, 760, 456, 273, 163, 98,
                          58])))
