"""Autocast choice and float16 loss scaling of the bilevel step."""
import pytest
import torch

from mmadvisor.engine.optimizers.mixed_precision import (LossScaling,
                                                         autocast, parse_amp)


def test_parse_amp():
    assert parse_amp(False) is None and parse_amp(None) is None
    assert parse_amp('float16') is torch.float16
    assert parse_amp('bfloat16') is torch.bfloat16
    # on this CPU-only machine True means bfloat16
    if not torch.cuda.is_available():
        assert parse_amp(True) is torch.bfloat16
    with pytest.raises(ValueError, match="amp='fp8' must be"):
        parse_amp('fp8')


def test_autocast_only_for_a_dtype():
    x = torch.randn(4, 4)
    with autocast('cpu', None):
        assert (x @ x).dtype == torch.float32
    with autocast('cpu', torch.bfloat16):
        assert (x @ x).dtype == torch.bfloat16


def test_disabled_scaling_is_the_identity():
    scaling = LossScaling(False)
    loss = torch.tensor(3.0)
    assert scaling.scale(loss) is loss
    grads = [torch.tensor([1.0, float('inf')]), None]
    assert scaling.unscale(grads) == grads
    assert not scaling.overflowed(grads)  # nothing to skip without scaling
    assert scaling.state_dict() == {}


def test_scale_unscale_and_overflow():
    scaling = LossScaling(True, init_scale=8.0)
    w = torch.tensor([2.0], requires_grad=True)
    loss = (w * 3).sum()
    grad, = torch.autograd.grad(scaling.scale(loss), [w])
    assert grad.item() == 24.0  # 3 x 8
    assert scaling.unscale([grad, None])[0].item() == 3.0
    assert scaling.unscale([grad, None])[1] is None
    assert scaling.overflowed([torch.tensor([float('inf')])])
    assert scaling.overflowed([torch.tensor([float('nan')])])
    assert not scaling.overflowed([grad, None])


def test_step_skips_an_overflow_and_lowers_the_scale():
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=0.5)
    scaling = LossScaling(True, init_scale=4.0)
    calls = []
    # a finite step: the gradient reaches the optimizer unscaled
    scaling.backward((w * 2).sum())
    assert w.grad.item() == 8.0  # scaled by 4
    scaling.step(opt, lambda: calls.append(w.grad.item()))
    assert calls == [2.0]  # clipping sees the unscaled gradient
    assert w.item() == 0.0  # 1 - 0.5 * 2
    opt.zero_grad()
    # an overflow: no step, the scale halves
    scaling.backward((w * float('inf')).sum())
    scaling.step(opt, lambda: None)
    assert w.item() == 0.0
    assert scaling.scaler.get_scale() == 2.0
    state = scaling.state_dict()
    fresh = LossScaling(True)
    fresh.load_state_dict(state)
    assert fresh.scaler.get_scale() == 2.0


def test_step_without_scaling_is_backward_then_step():
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=0.25)
    scaling = LossScaling(False)
    scaling.backward((w * 4).sum())
    scaling.step(opt, lambda: None)
    assert w.item() == 0.0
