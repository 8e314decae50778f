"""The meta-gradient's pieces: the feature JVP and the two exact forms."""
import contextlib
import copy

import torch

from mmadvisor.engine.optimizers.meta_gradient import (
    double_backward_meta_gradient, feature_jvp, forward_meta_gradient)
from mmadvisor.engine.optimizers.mixed_precision import LossScaling
from mmadvisor.engine.optimizers.train_batch import TrainBatch
from mmadvisor.engine.optimizers.virtual_step import virtual_parameters


def _features(model, inputs):
    return model.head.pre_logits(model.extract_feat(inputs))


def test_feature_jvp_matches_finite_differences(toy):
    model = toy['classifier'](with_bn=True, dtype=torch.float64).train()
    inputs = torch.randn(8, 3, 2, 2, dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    tangents = {
        n: torch.randn(p.shape, generator=g, dtype=torch.float64)
        for n, p in model.named_parameters() if n.startswith('backbone.')
    }
    stats = copy.deepcopy(dict(model.named_buffers()))
    f_dot = feature_jvp(model, inputs, tangents)
    # running statistics untouched
    for name, buffer in model.named_buffers():
        assert torch.equal(buffer, stats[name]), name
    eps = 1e-6

    def shifted(sign):
        m = copy.deepcopy(model)
        with torch.no_grad():
            for n, p in m.named_parameters():
                if n in tangents:
                    p += sign * eps * tangents[n]
        return _features(m, inputs)

    fd = (shifted(1) - shifted(-1)) / (2 * eps)
    assert torch.allclose(f_dot, fd, rtol=1e-6, atol=1e-8)
    assert f_dot.abs().max() > 1e-3
    # no tangent on the path: zero
    assert torch.equal(feature_jvp(model, inputs, {}),
                       torch.zeros_like(f_dot))


def test_forward_form_equals_double_backward_form(toy):
    """Both functions on the same virtual step and meta loss."""
    model = toy['classifier'](with_bn=True, dtype=torch.float64).train()
    data = model.data_preprocessor(toy['batch'](toy['train'], range(12)),
                                   True)
    y = torch.cat([s.gt_label for s in data['data_samples']])
    feats = _features(model, data['inputs'])
    pre, logits = model.head.pre_loss(feats, y)
    beta = torch.ones_like(logits)
    batch = TrainBatch(data['inputs'], feats, y, pre, beta, logits, [])
    optimizer = torch.optim.SGD(
        [p for n, p in model.named_parameters() if 'advisor' not in n],
        lr=0.3)
    names, params = virtual_parameters(model, optimizer)
    advisor = list(model.head.advisor.parameters())
    meta = model.data_preprocessor(toy['batch'](toy['meta'], range(6)),
                                   False)
    meta_y = torch.cat([s.gt_label for s in meta['data_samples']])

    def meta_loss(virtual):
        buffers = {n: b.clone() for n, b in model.named_buffers()}
        out = torch.func.functional_call(model, {**virtual, **buffers},
                                         (meta['inputs'], ),
                                         dict(mode='tensor'))
        return torch.nn.functional.cross_entropy(out, meta_y)

    loss = model.head.advised_loss(feats, y, model.head.advise(feats, pre),
                                   beta)
    scaling = LossScaling(False)
    # double backward: through the graph of the virtual step
    grads = torch.autograd.grad(loss, params, create_graph=True,
                                retain_graph=True)
    virtual = {n: p - 0.3 * g for n, p, g in zip(names, params, grads)}
    dbl = double_backward_meta_gradient(meta_loss(virtual), advisor,
                                        scaling)
    # forward: from the detached virtual step
    leaves = {n: w.detach().requires_grad_() for n, w in virtual.items()}
    fwd = forward_meta_gradient(model, meta_loss(leaves), leaves,
                                {n: 0.3 for n in names}, batch, advisor,
                                scaling, list, contextlib.nullcontext)
    assert len(dbl) == len(fwd) == len(advisor)
    for a, b in zip(fwd, dbl):
        assert torch.allclose(a, b, rtol=1e-8, atol=1e-12)
    assert max(g.abs().max() for g in fwd) > 0
