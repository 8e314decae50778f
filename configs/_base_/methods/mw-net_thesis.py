# MW-Net as the thesis' tables train it (2.1-2.4, 3.1, 3.5-3.7): the weight
# net of mw-net.py, meta-trained like the advisors with Adam at lr 1e-4
# (sections 2.5.2, 3.5.2) instead of the authors' lr 1e-3 and weight decay.
_base_ = './mw-net.py'
__method__ = dict(name='MW-Net', zoo='mw_net', token='mw-net')
meta_optimizer = dict(_delete_=True, type='Adam', lr=1e-4)
