# Baseline: plain cross-entropy on the noisy digits (no meta set used).
_base_ = [
    '../_base_/recipes/resnet20_1xb64_digits-flip0.6.py',
    '../_base_/methods/ce.py'
]
meta_dataloader = None
