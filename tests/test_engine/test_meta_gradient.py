"""The meta-gradient's pieces: the feature JVP and the two exact forms."""
import contextlib
import copy

import pytest
import torch

from mmadvisor.engine.optimizers.meta_gradient import (
    double_backward_meta_gradient, feature_jvp, forward_meta_gradient,
    meta_tangents)
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
    tangents = meta_tangents(meta_loss(leaves), leaves,
                             {n: 0.3 for n in names}, scaling, list)
    fwd = forward_meta_gradient(model, tangents, batch, advisor,
                                contextlib.nullcontext)
    assert len(dbl) == len(fwd) == len(advisor)
    for a, b in zip(fwd, dbl):
        assert torch.allclose(a, b, rtol=1e-8, atol=1e-12)
    assert max(g.abs().max() for g in fwd) > 0


def _conv_classifier():
    """A small conv net with batch norm (cuDNN-style layers on the CPU)."""
    from mmpretrain.registry import MODELS
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='AdvisorClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor'),
        backbone=dict(type='CifarResNet', depth=20, stem_channels=4,
                      base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='AdvisorHead', num_classes=3, in_channels=16,
                  advisor=dict(type='Advisor', embed_dims=4)))).double()


def test_recorded_primals_give_the_same_tangent_for_fewer_flops():
    from torch.utils.flop_counter import FlopCounterMode

    from mmadvisor.engine.optimizers.meta_gradient import \
        record_linear_outputs
    model = _conv_classifier().train()
    inputs = torch.randn(6, 3, 8, 8, dtype=torch.float64)
    g = torch.Generator().manual_seed(1)
    tangents = {
        n: torch.randn(p.shape, generator=g, dtype=torch.float64)
        for n, p in model.named_parameters() if n.startswith('backbone.')
    }
    with FlopCounterMode(display=False) as forward:
        with record_linear_outputs(model) as primals:
            feats = _features(model, inputs)
    assert len(primals) == sum(
        isinstance(m, torch.nn.Conv2d) for m in model.backbone.modules())
    with FlopCounterMode(display=False) as full:
        plain = feature_jvp(model, inputs, tangents)
    with FlopCounterMode(display=False) as reused:
        cached = feature_jvp(model, inputs, tangents, primals=primals)
    assert torch.allclose(cached, plain, rtol=1e-10, atol=1e-12)
    assert cached.abs().max() > 1e-3
    # the floor: two products per layer (2F), less the first convolution's
    # input product (the images have no tangent): 2 x (6 x 8 x 8 outputs)
    # x 4 channels x (3 x 3 x 3) = 82 944 FLOPs
    f = forward.get_total_flops()
    assert reused.get_total_flops() == 2 * f - 82944
    # forward mode from scratch also recomputes the primals (>= F more)
    assert full.get_total_flops() - reused.get_total_flops() >= f > 0
    assert feats.shape == cached.shape
    # tangents on the last stage only: the earlier layers cost nothing
    last = {n: t for n, t in tangents.items() if 'layer3' in n}
    with FlopCounterMode(display=False) as partial:
        late = feature_jvp(model, inputs, last, primals=primals)
    assert partial.get_total_flops() < reused.get_total_flops() / 2
    assert torch.allclose(late, feature_jvp(model, inputs, last),
                          rtol=1e-10, atol=1e-12)


def test_a_feature_path_that_changes_between_passes_stops():
    from mmadvisor.engine.optimizers.meta_gradient import \
        record_linear_outputs
    model = _conv_classifier().train()
    inputs = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    tangents = {n: torch.ones_like(p) for n, p in model.named_parameters()
                if n.startswith('backbone.')}
    with record_linear_outputs(model) as primals:
        _features(model, inputs)
        _features(model, inputs)  # recorded twice, replayed once
    with pytest.raises(RuntimeError, match='less often in the tangent pass'):
        feature_jvp(model, inputs, tangents, primals=primals)
    with record_linear_outputs(model) as primals:
        pass  # nothing recorded for a layer that then runs
    primals[model.backbone.conv1] = []
    with pytest.raises(RuntimeError, match='more often in the tangent pass'):
        feature_jvp(model, inputs, tangents, primals=primals)
    # the model's own forward is back after an error
    assert 'forward' not in vars(model.backbone.conv1)
