"""``MetaOptimWrapper(low_memory=True)``: the exact step, recomputing phase
1's forward instead of holding its activations through the meta step."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.structures import DataSample
from torch.profiler import ProfilerActivity, profile
from torch.utils.data import DataLoader, Dataset
from torch.utils.flop_counter import FlopCounterMode

from mmadvisor.datasets.samplers import MetaSampler

spec = importlib.util.spec_from_file_location(
    'meta_step_reference',
    osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'reference',
             'meta_step_reference.py'))
reference_cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference_cases)
REFERENCE = torch.load(reference_cases.PATH, weights_only=True)
#: The reference cases whose step reaches the backbone with the
#: forward-mode meta-gradient (low_memory's domain).
FORWARD_CASES = [
    name for name, (_, options, _) in reference_cases.CASES.items()
    if options.get('meta_gradient', 'forward') == 'forward'
    and options.get('virtual_params') is None
]


@pytest.mark.parametrize('name', FORWARD_CASES)
def test_low_memory_gives_the_exact_steps_reference(name):
    """Parameters, buffers (batch norm), SGD momentum, the advisor's Adam
    moments and the logs after three iterations: the saved exact-step
    reference, within the float32 rounding tolerance of the reference test
    (same derivation)."""
    actual = reference_cases.run_case(name, low_memory=True)
    exact = reference_cases.run_case(name, dtype=torch.float64,
                                     low_memory=True)
    half = reference_cases.CASES[name][1].get('amp') == 'float16'
    assert reference_cases.compare(actual, REFERENCE[name], exact, name,
                                   half) == []


class _Images(Dataset):
    """Random 3x16x16 uint8 images, labels i % 3."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randint(0, 256, (n, 3, 16, 16), generator=g,
                               dtype=torch.uint8)

    def __len__(self):
        return len(self.x)

    def get_gt_labels(self):
        return [i % 3 for i in range(len(self))]

    def __getitem__(self, i):
        return dict(inputs=self.x[i],
                    data_samples=DataSample().set_gt_label(i % 3))


def _conv_run(iters=3, **options):
    """A CIFAR ResNet-20 (convolutions, batch norm) with MFRW-MES, SGD
    with momentum mirrored in the virtual step: ``iters`` iterations."""
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='AdvisorClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor', mean=[128.] * 3,
                               std=[64.] * 3),
        backbone=dict(type='CifarResNet', depth=20, stem_channels=8,
                      base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='AdvisorHead', num_classes=3, in_channels=32,
                  advisor=dict(type='Advisor', embed_dims=4),
                  loss=dict(type='MetaEqualizationLoss', rho=0.9))))
    meta = _Images(32, seed=2)
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='MetaOptimWrapperConstructor',
        optim_wrapper_cfg=dict(
            type='MetaOptimWrapper',
            optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                           weight_decay=5e-4),
            meta_optimizer=dict(type='Adam', lr=1e-2),
            meta_dataloader=DataLoader(
                meta, batch_size=32, collate_fn=pseudo_collate,
                sampler=MetaSampler(meta, seed=3)),
            mirror_optimizer=True, **options)))(model)
    train = _Images(32, seed=1)
    batch = pseudo_collate([train[i] for i in range(32)])
    for _ in range(iters):
        model.train_step(batch, wrapper)
    return model, wrapper, batch


def test_low_memory_equals_the_exact_step_on_a_conv_net():
    model, wrapper, _ = _conv_run()
    low, low_wrapper, _ = _conv_run(low_memory=True)
    start = _conv_run(iters=0)[0].state_dict()
    for key, value in model.state_dict().items():
        other = low.state_dict()[key]
        if value.is_floating_point():
            # the same operations on the same batch: equal up to rounding
            # (bit-identical where the kernels are deterministic)
            scale = max(value.abs().max().item(), 1e-3)
            assert (other - value).abs().max().item() <= 1e-6 * scale, key
        else:
            assert torch.equal(other, value), key  # num_batches_tracked
    # batch norm's running statistics were updated once per iteration
    assert low.state_dict()['backbone.bn1.num_batches_tracked'] == 3
    moved = [k for k, v in start.items()
             if v.is_floating_point() and not torch.equal(v, model.state_dict()[k])]
    assert any(k.startswith('head.advisor') for k in moved)
    assert any(k.startswith('backbone') for k in moved)
    for a, b in zip(wrapper.meta_optimizer.state.values(),
                    low_wrapper.meta_optimizer.state.values()):
        assert torch.allclose(a['exp_avg'], b['exp_avg'], rtol=1e-5,
                              atol=1e-12)


def _peak_live_bytes(model, wrapper, batch) -> int:
    """The peak of the bytes of tensors allocated during one iteration and
    still alive (torch's profiler: allocations and frees, deterministic)."""
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        model.train_step(batch, wrapper)
    events = sorted((e.start_ns(), e.nbytes())
                    for e in prof.profiler.kineto_results.events()
                    if e.name() == '[memory]')
    live = peak = 0
    for _, nbytes in events:
        live += nbytes
        peak = max(peak, live)
    return peak


def test_low_memory_never_holds_both_batches_activations():
    """The exact step holds phase 1's activations while the meta batch's
    are alive (meta batch = training batch here: ~2x cross-entropy's
    peak); low_memory does not: its peak is the recomputed forward's graph
    plus the forward-mode tangent pass's few layers in flight (1.43-1.47x
    for this 20-layer net, measured with ATen's AVX-512 and default
    kernels and oneDNN's AVX2 and SSE4.1 paths; the share falls with depth:
    1.23x for ResNet-32 at batch 128). Checked on the live tensor bytes
    (no allocator in between), the cross-entropy step of the same model as
    the yardstick."""
    exact = _peak_live_bytes(*_conv_run(iters=1))
    low = _peak_live_bytes(*_conv_run(iters=1, low_memory=True))
    fast = _peak_live_bytes(*_conv_run(iters=1, virtual_params=['head.fc']))
    model, _, batch = _conv_run(iters=0)
    plain = MODELS.build(dict(
        type='ImageClassifier', data_preprocessor=model.data_preprocessor,
        backbone=dict(type='CifarResNet', depth=20, stem_channels=8,
                      base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=3, in_channels=32)))
    from mmengine.optim import OptimWrapper
    sgd = OptimWrapper(torch.optim.SGD(plain.parameters(), lr=0.1,
                                       momentum=0.9))
    plain.train_step(batch, sgd)
    ce = _peak_live_bytes(plain, sgd, batch)
    assert exact > 1.8 * ce, (exact, ce)
    assert low < 1.6 * ce, (low, ce)
    # a virtual step of the fc builds no graph of the backbone on the
    # meta batch (1.18-1.22x: the meta forward's layers in flight)
    assert fast < 1.3 * ce, (fast, ce)


def test_low_memory_costs_one_more_feature_forward():
    """FLOPs (torch's counter): low_memory = exact + one forward of the
    backbone on the training batch, counted independently."""

    def flops(fn):
        counter = FlopCounterMode(display=False)
        with counter:
            fn()
        return counter.get_total_flops()

    model, wrapper, batch = _conv_run(iters=1)
    low, low_wrapper, _ = _conv_run(iters=1, low_memory=True)
    exact = flops(lambda: model.train_step(batch, wrapper))
    lowf = flops(lambda: low.train_step(batch, low_wrapper))
    inputs = model.data_preprocessor(batch, True)['inputs']
    with torch.no_grad():
        forward = flops(lambda: model.extract_feat(inputs))
    assert lowf - exact == forward > 0


def test_low_memory_needs_the_forward_meta_gradient():
    with pytest.raises(ValueError, match="low_memory=True needs "
                       "meta_gradient='forward'"):
        _conv_run(iters=0, low_memory=True, meta_gradient='double_backward')
    with pytest.raises(ValueError, match="low_memory='yes'"):
        _conv_run(iters=0, low_memory='yes')
