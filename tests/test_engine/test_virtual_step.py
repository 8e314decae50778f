import pytest
import torch

from mmadvisor.engine.optimizers.virtual_step import (sgd_hparams,
                                                      virtual_sgd_step)


@pytest.mark.parametrize('momentum,dampening,weight_decay,nesterov', [
    (0.0, 0.0, 0.0, False),
    (0.9, 0.0, 5e-4, False),
    (0.9, 0.1, 1e-3, False),
    (0.9, 0.0, 5e-4, True),
])
def test_mirrors_torch_sgd(momentum, dampening, weight_decay, nesterov):
    torch.manual_seed(0)
    params = [torch.randn(4, 3, requires_grad=True),
              torch.randn(3, requires_grad=True)]
    sgd = torch.optim.SGD(params, lr=0.05, momentum=momentum,
                          dampening=dampening, weight_decay=weight_decay,
                          nesterov=nesterov)
    names = {id(params[0]): 'w', id(params[1]): 'b'}
    # Two real steps first, so that momentum buffers exist (and once
    # without, at step 0).
    for step in range(3):
        grads = [torch.randn_like(p) for p in params]
        hparams = sgd_hparams(sgd, names, mirror_optimizer=True)
        before = [p.detach().clone() for p in params]
        virtual = virtual_sgd_step(
            dict(w=params[0], b=params[1]), dict(w=grads[0], b=grads[1]),
            hparams, mirror_optimizer=True)
        # The virtual step touches neither the parameters nor the state.
        assert all(torch.equal(p, q) for p, q in zip(params, before))
        for p, g in zip(params, grads):
            p.grad = g.clone()
        sgd.step()
        assert torch.allclose(virtual['w'], params[0], atol=1e-7), step
        assert torch.allclose(virtual['b'], params[1], atol=1e-7), step


def test_plain_step_is_gradient_descent_and_differentiable():
    w = torch.randn(3, requires_grad=True)
    theta = torch.randn(3, requires_grad=True)
    grad = w * theta  # a gradient that depends on theta
    sgd = torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=1.0)
    virtual = virtual_sgd_step(
        dict(w=w), dict(w=grad), sgd_hparams(sgd, {id(w): 'w'}, False),
        mirror_optimizer=False)
    # Momentum and weight decay ignored without mirroring (eq. 2.3).
    assert torch.allclose(virtual['w'], w - 0.1 * w * theta)
    (d_theta, ) = torch.autograd.grad(virtual['w'].sum(), theta)
    assert torch.allclose(d_theta, -0.1 * w.detach())


@pytest.mark.parametrize('hp,slope', [
    (dict(lr=0.1), 0.1),
    (dict(lr=0.1, momentum=0.9, momentum_buffer=None), 0.1),
    (dict(lr=0.1, momentum=0.9, dampening=0.2, momentum_buffer=1), 0.08),
    (dict(lr=0.1, momentum=0.9, nesterov=True, momentum_buffer=1), 0.19),
])
def test_slope_is_the_derivative_of_the_step(hp, slope):
    """d w_hat / d g, by hand and by autograd through the step."""
    from mmadvisor.engine.optimizers.virtual_step import virtual_step_slope
    assert virtual_step_slope(hp, True) == pytest.approx(slope)
    w = torch.randn(3)
    g = torch.randn(3, requires_grad=True)
    hp = dict(hp, weight_decay=0.01)
    if hp.get('momentum_buffer') is not None:
        hp['momentum_buffer'] = torch.randn(3)
    out = virtual_sgd_step(dict(w=w), dict(w=g), dict(w=hp), True)['w']
    (d, ) = torch.autograd.grad(out.sum(), g)
    assert torch.allclose(d, torch.full((3, ), -slope))


def test_mirroring_needs_sgd():
    w = torch.randn(3, requires_grad=True)
    with pytest.raises(ValueError, match='classifier optimizer is Adam'):
        sgd_hparams(torch.optim.Adam([w]), {id(w): 'w'}, True)


def test_wrapper_mirrors_optimizer_state(toy):
    """With mirror_optimizer the virtual model equals a real SGD step."""
    import copy
    model = toy['classifier'](dtype=torch.float64)
    wrapper = toy['wrapper'](model, toy['meta'], mirror_optimizer=True)
    wrapper.optimizer.param_groups[0].update(momentum=0.9,
                                             weight_decay=5e-4)
    batch = toy['batch'](toy['train'], range(12))
    model.train_step(batch, wrapper)  # creates momentum buffers
    data = model.data_preprocessor(batch, True)
    y = torch.cat([s.gt_label for s in data['data_samples']])
    feats = model.head.pre_logits(model.extract_feat(data['inputs']))
    pre, logits = model.head.pre_loss(feats, y)
    beta = torch.ones_like(logits)
    from mmadvisor.engine.optimizers.train_batch import TrainBatch
    virtual, _ = wrapper.virtual_train(
        model, TrainBatch(data['inputs'], feats, y, pre, beta, logits,
                           data['data_samples']))

    real = copy.deepcopy(model)
    real_params = [p for n, p in real.named_parameters()
                   if not n.startswith('head.advisor')]
    real_opt = torch.optim.SGD(real_params, lr=0.1)
    real_opt.load_state_dict(wrapper.optimizer.state_dict())
    feats = real.head.pre_logits(real.extract_feat(data['inputs']))
    # Same advisor, same beta: the loss the virtual step differentiated.
    with torch.no_grad():
        advice = real.head.advise(feats, pre)
    real.head.advised_loss(feats, y, advice, beta).backward()
    real_opt.step()
    for name, p in real.named_parameters():
        if name in virtual:
            assert torch.allclose(virtual[name], p, atol=1e-10), name
    assert len(virtual) == len(real_params)
