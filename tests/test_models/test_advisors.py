"""The advisors' initialisation: explicit in their own classes."""
import pytest
import torch
from mmpretrain.registry import MODELS


def _model(advisor, loss=dict(type='MetaEqualizationLoss', rho=0.9)):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='AdvisorClassifier',
        backbone=dict(type='LeNet5', num_classes=-1),
        head=dict(type='AdvisorHead', num_classes=10, in_channels=120,
                  advisor=advisor, loss=loss)))


def _outputs(model, n=64):
    g = torch.Generator().manual_seed(1)
    feats = torch.randn(n, 120, generator=g)
    losses = torch.rand(n, generator=g) * 3
    with torch.no_grad():
        return model.head.advise(feats, losses)


def test_default_init_starts_every_output_at_one_half():
    model = _model(dict(type='Advisor'))
    model.init_weights()
    for layer in (model.head.advisor.feat_embed, model.head.advisor.common,
                  model.head.advisor.mfrw, model.head.advisor.mes,
                  model.head.fc):
        # N(0, 0.01^2): the sample std of thousands of draws is within 10 %
        assert 0.009 < layer.weight.std().item() < 0.011
        assert torch.equal(layer.bias, torch.zeros_like(layer.bias))
    out = _outputs(model)
    for key in ('w_f', 's'):
        assert (out[key] - 0.5).abs().max() < 1e-3, key


def test_init_cfg_none_keeps_pytorchs_default_linear_init():
    """The authors' code: nn.Linear's own (Kaiming-uniform) weights and
    uniform biases, untouched by init_weights; the head's fc is still
    initialised, the outputs start spread around 0.5."""
    model = _model(dict(type='Advisor', init_cfg=None))
    advisor = model.head.advisor
    built = {k: v.clone() for k, v in advisor.state_dict().items()}
    fc = model.head.fc.weight.clone()
    model.init_weights()
    for key, value in advisor.state_dict().items():
        assert torch.equal(value, built[key]), key
    assert not torch.equal(model.head.fc.weight, fc)
    # U(-1/sqrt(fan_in), 1/sqrt(fan_in)): fan_in 120 -> bound 0.0913
    bound = 1 / 120**0.5
    weight = advisor.feat_embed.weight
    assert weight.abs().max() <= bound and weight.abs().max() > 0.9 * bound
    assert advisor.feat_embed.bias.abs().max() > 0
    out = _outputs(model)
    assert (out['w_f'] - 0.5).abs().max() > 0.05


@pytest.mark.parametrize('init_cfg,spread', [
    ('default', False), (None, True)])
def test_mw_net_weights_start_at_one_half_by_default(init_cfg, spread):
    advisor = dict(type='MWNet')
    if init_cfg is None:
        advisor['init_cfg'] = None
    model = _model(advisor, loss=dict(type='CrossEntropyLoss'))
    model.init_weights()
    weights = _outputs(model)['sample_weight']
    assert ((weights - 0.5).abs().max() > 0.02) == spread
