import pytest
from mmengine.config import Config

from mmadvisor.utils.launch import apply_amp


def test_amp_keeps_the_meta_wrapper():
    cfg = Config(dict(optim_wrapper=dict(type='MetaOptimWrapper')))
    apply_amp(cfg)
    assert cfg.optim_wrapper.type == 'MetaOptimWrapper'
    assert cfg.optim_wrapper.amp is True


def test_amp_on_plain_config_is_mmpretrains():
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD'))))
    apply_amp(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'


def test_amp_refuses_unknown_wrappers():
    cfg = Config(dict(optim_wrapper=dict(type='MyWrapper')))
    with pytest.raises(ValueError, match="type='MyWrapper'"):
        apply_amp(cfg)
