# Focal loss (Lin et al., ICCV 2017; MMPretrain's FocalLoss) in place of the
# cross-entropy of the model bases:
#   _base_ = [RECIPE, '../_base_/methods/focal.py']
#   model = dict(head=dict(loss={{_base_.loss}}))
#   meta_dataloader = None
__method__ = dict(name='Focal loss', zoo='baselines', token='focal')
loss = dict(_delete_=True, type='FocalLoss', gamma=2.0, alpha=0.25)
