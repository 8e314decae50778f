# Copyright (c) mmadvisor contributors.
"""Tests of mmadvisor.models.backbones: CifarResNet and ResNetLT."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmpretrain.models.backbones.resnet import BasicBlock
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mmadvisor  # noqa: F401  (registers the backbones)
from mmadvisor.models.backbones.cifar_resnet import ZeroPadShortcut

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CIFAR_DEPTHS = {20: 3, 32: 5, 44: 7, 56: 9, 110: 18}


def build(type_, **kwargs):
    return MODELS.build(dict(type=type_, **kwargs))


def basic_block_params(c_in, c_out, projection):
    """Parameters of one BasicBlock: two 3x3 convs, two BNs, shortcut."""
    convs = 9 * c_in * c_out + 9 * c_out * c_out
    norms = 2 * (2 * c_out)  # weight and bias of each BN
    shortcut = (c_in * c_out + 2 * c_out) if projection else 0
    return convs + norms + shortcut


def cifar_resnet_params(n, projection):
    """Parameters of the CIFAR ResNet with n blocks per stage, no head."""
    total = 9 * 3 * 16 + 2 * 16  # stem: 3x3 conv 3->16 and its BN
    c_in = 16
    for c in (16, 32, 64):
        changes = c_in != c
        total += basic_block_params(c_in, c, projection and changes)
        total += (n - 1) * basic_block_params(c, c, False)
        c_in = c
    return total


def count(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters()
               if p.requires_grad or not trainable_only)


@pytest.mark.parametrize('depth,n', sorted(CIFAR_DEPTHS.items()))
def test_cifar_resnet_shapes_and_blocks(depth, n):
    model = build('CifarResNet', depth=depth)
    model.eval()
    assert [len(getattr(model, name)) for name in model.res_layers] == [n] * 3
    assert all(
        isinstance(block, BasicBlock) for name in model.res_layers
        for block in getattr(model, name))
    assert not hasattr(model, 'maxpool')
    assert model.conv1.kernel_size == (3, 3) and model.conv1.stride == (1, 1)
    assert model.conv1.out_channels == 16
    outs = model(torch.rand(2, 3, 32, 32))
    assert isinstance(outs, tuple) and len(outs) == 1
    assert outs[0].shape == (2, 64, 8, 8)


def test_cifar_resnet_out_indices():
    model = build('CifarResNet', depth=20, out_indices=(0, 1, 2))
    model.eval()
    shapes = [tuple(o.shape) for o in model(torch.rand(1, 3, 32, 32))]
    assert shapes == [(1, 16, 32, 32), (1, 32, 16, 16), (1, 64, 8, 8)]


def test_cifar_resnet32_param_count_by_hand():
    # Stem 464; stage 1: 5 * (2*9*16*16 + 4*16) = 23360; stage 2 first block
    # 9*16*32 + 9*32*32 + 4*32 + (16*32 + 2*32) = 14528, then
    # 4 * (2*9*32*32 + 4*32) = 74240; stage 3 first block
    # 9*32*64 + 9*64*64 + 4*64 + (32*64 + 2*64) = 57728, then
    # 4 * (2*9*64*64 + 4*64) = 295936. Sum: 466256.
    assert cifar_resnet_params(5, projection=True) == 466256
    assert count(build('CifarResNet', depth=32)) == 466256
    # Option A drops the two projections (576 + 2176 = 2752 parameters);
    # with a 10-class linear head (64*10 + 10) that is the paper's 0.46M.
    model_a = build('CifarResNet', depth=32, shortcut='A')
    assert count(model_a) == 466256 - 2752 == cifar_resnet_params(5, False)
    assert count(model_a) + 64 * 10 + 10 == 464154


@pytest.mark.parametrize('depth,n', sorted(CIFAR_DEPTHS.items()))
def test_cifar_resnet_param_counts_all_depths(depth, n):
    for shortcut, projection in (('B', True), ('A', False)):
        model = build('CifarResNet', depth=depth, shortcut=shortcut)
        assert count(model) == cifar_resnet_params(n, projection)


def test_zero_pad_shortcut_values():
    x = torch.arange(2 * 16 * 4 * 4, dtype=torch.float).view(2, 16, 4, 4)
    y = ZeroPadShortcut(16, 32, stride=2)(x)
    assert y.shape == (2, 32, 2, 2)
    assert torch.equal(y[:, :16], x[:, :, ::2, ::2])
    assert torch.equal(y[:, 16:], torch.zeros(2, 16, 2, 2))
    with pytest.raises(ValueError, match='out_channels=8 < in_channels=16'):
        ZeroPadShortcut(16, 8)


@pytest.mark.parametrize('shortcut', ['A', 'B'])
def test_cifar_resnet_every_param_gets_gradient(shortcut):
    torch.manual_seed(0)
    model = build('CifarResNet', depth=20, shortcut=shortcut)
    model.train()
    out = model(torch.randn(4, 3, 32, 32))[0]
    (out**2).mean().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize('frozen_stages', [0, 1, 2])
def test_cifar_resnet_frozen_stages(frozen_stages):
    torch.manual_seed(0)
    model = build('CifarResNet', depth=20, frozen_stages=frozen_stages)
    model.train()
    frozen = [model.conv1, model.norm1] + [
        getattr(model, f'layer{i}') for i in range(1, frozen_stages + 1)
    ]
    frozen_ids = {id(p) for m in frozen for p in m.parameters()}
    assert all(not p.requires_grad for m in frozen for p in m.parameters())
    # conv1 has no train/eval behaviour; mmpretrain switches the rest.
    assert all(not m.training for m in frozen[1:])
    trainable = [p for p in model.parameters() if id(p) not in frozen_ids]
    assert trainable and all(p.requires_grad for p in trainable)

    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    buffers = {n: b.clone() for n, b in model.norm1.named_buffers()}
    optim = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1)
    model(torch.randn(4, 3, 32, 32))[0].sum().backward()
    optim.step()
    for name, p in model.named_parameters():
        changed = not torch.equal(p, before[name])
        assert changed == (id(p) not in frozen_ids), name
    # The frozen stem's BN is in eval mode: its running stats do not move.
    for name, b in model.norm1.named_buffers():
        assert torch.equal(b, buffers[name]), name


def test_cifar_resnet_norm_eval():
    model = build('CifarResNet', depth=20, norm_eval=True)
    model.train()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and all(not bn.training for bn in bns)


def test_cifar_resnet_init_weights_zero_init_residual():
    model = build('CifarResNet', depth=20)
    model.init_weights()
    blocks = [b for n in model.res_layers for b in getattr(model, n)]
    assert all(torch.all(b.norm2.weight == 0) for b in blocks)
    model = build('CifarResNet', depth=20, zero_init_residual=False)
    model.init_weights()
    blocks = [b for n in model.res_layers for b in getattr(model, n)]
    assert all(torch.all(b.norm2.weight == 1) for b in blocks)


def test_cifar_resnet_errors():
    with pytest.raises(ValueError, match=r'depth=18 .*\[20, 32, 44, 56, 110'):
        build('CifarResNet', depth=18)
    with pytest.raises(ValueError, match="shortcut='C'"):
        build('CifarResNet', depth=20, shortcut='C')
    with pytest.raises(ValueError, match=r'out_indices=\(3,\)'):
        build('CifarResNet', depth=20, out_indices=(3, ))
    with pytest.raises(ValueError, match='frozen_stages=4'):
        build('CifarResNet', depth=20, frozen_stages=4)


def test_image_classifier_with_cifar_resnet_loss():
    """The model base configs/_base_/models/resnet32_cifar.py (at depth 20)
    builds, trains, and its loss is the cross-entropy of its logits."""
    torch.manual_seed(0)
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'models', 'resnet32_cifar.py'))
    cfg.model.backbone.depth = 20
    model = MODELS.build(cfg.model)
    model.train()
    inputs = torch.randn(4, 3, 32, 32)
    labels = [0, 3, 5, 9]
    samples = [DataSample().set_gt_label(i) for i in labels]
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss'}
    # the same batch (train-mode batch norm: the same statistics) gives the
    # same logits; their mean cross-entropy is the loss
    logits = model(inputs, mode='tensor')
    expected = F.cross_entropy(logits, torch.tensor(labels))
    assert losses['loss'].item() == pytest.approx(expected.item(), rel=1e-6)
    losses['loss'].backward()
    assert model.backbone.conv1.weight.grad is not None


@pytest.mark.parametrize('size,spatial', [(224, 7), (64, 2)])
def test_resnet_lt10_shapes(size, spatial):
    model = build('ResNetLT', depth=10)
    model.eval()
    assert [len(getattr(model, name)) for name in model.res_layers] == [1] * 4
    out = model(torch.rand(1, 3, size, size))
    assert len(out) == 1 and out[0].shape == (1, 512, spatial, spatial)
    assert model.feat_dim == 512


def test_resnet_lt10_param_count_by_hand():
    # Stem: 7x7 conv 3->64 + BN; stage 1: one block 64->64, no projection;
    # stages 2-4: one block each with a 1x1 conv + BN projection:
    # 9536 + 73984 + 230144 + 919040 + 3673088 = 4905792.
    expected = 7 * 7 * 3 * 64 + 2 * 64
    expected += basic_block_params(64, 64, False)
    for c_in, c in ((64, 128), (128, 256), (256, 512)):
        expected += basic_block_params(c_in, c, True)
    assert expected == 4905792
    assert count(build('ResNetLT', depth=10)) == expected


def test_resnet_lt_keeps_stock_depths():
    stock = build('ResNet', depth=18)
    ours = build('ResNetLT', depth=18)
    assert count(stock) == count(ours)
    assert [len(getattr(ours, n)) for n in ours.res_layers] == [2, 2, 2, 2]
    ours = build('ResNetLT', depth=50, out_indices=(2, 3))
    ours.eval()
    shapes = [tuple(o.shape) for o in ours(torch.rand(1, 3, 64, 64))]
    assert shapes == [(1, 1024, 4, 4), (1, 2048, 2, 2)]


def test_resnet_lt_frozen_stages_and_error():
    model = build('ResNetLT', depth=10, frozen_stages=1)
    model.train()
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())
    with pytest.raises(ValueError, match=r'depth=12 .*\[10, 18, 34'):
        build('ResNetLT', depth=12)
