# Balanced Softmax (BALMS, Ren et al., NeurIPS 2020) on the benchmark, LT IF
# 100: the log class prior added to the logits. The counts are the setting's
# (long_tail_counts over the 5890 per class of the training pool);
# ClassCountsCheckHook stops a run whose training set has others. The grid
# tool passes each setting's counts.
_base_ = [
    '../_base_/recipes/lenet5_1xb128_fashion-mnist-bench.py',
    '../_base_/methods/balms.py'
]
class_counts = [5890, 3530, 2116, 1268, 760, 456, 273, 163, 98, 58]
model = dict(head=dict(loss=dict(_base_.loss, class_counts=class_counts)))
