# The fast preset of MFRW-MES: the cheaper meta step chosen on the
# validation split of the Fashion-MNIST benchmark (README "Speed"; the
# fast study's table and the choice in docs/results/). Put it on top of an
# MFRW-MES config:
#   _base_ = [..., 'mmadvisor::_base_/methods/mfrw-mes-fast.py']
#   optim_wrapper = {{_base_.fast_meta_step}}
# The virtual SGD step (phase 2) updates only the head's fc, and phases 1-3
# (the advisor's update) run every second iteration; the other iterations
# train the classifier under the current advice (MetaOptimWrapper's
# ``virtual_params`` and ``advisor_interval``). The head's name is MMPretrain's
# LinearClsHead's, so the preset fits any backbone with a linear head.
fast_meta_step = dict(virtual_params=['head.fc'], advisor_interval=2)
