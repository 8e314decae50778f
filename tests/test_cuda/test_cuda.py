"""The bilevel step on a GPU (``pytest -m cuda``; skipped without CUDA).

Run by ``tools/device_check.py`` on a lent machine. Figures (peak memory)
go to ``$MMADVISOR_DEVICE_OUT`` when it is set.
"""
import copy
import importlib.util
import json
import os
import os.path as osp

import pytest
import torch

from benchmarks import step_cost

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(),
                       reason='needs a CUDA device'),
]
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tools_tests():
    """tests/test_tools/test_train_test_tools.py: its tiny quickstart
    options and tool runner (loaded by path: test folders are not
    packages)."""
    spec = importlib.util.spec_from_file_location(
        'tools_tests',
        osp.join(ROOT, 'tests', 'test_tools', 'test_train_test_tools.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(name: str, value) -> None:
    out = os.environ.get('MMADVISOR_DEVICE_OUT')
    if out:
        os.makedirs(out, exist_ok=True)
        path = osp.join(out, 'cuda_figures.json')
        figures = json.load(open(path)) if osp.exists(path) else {}
        figures[name] = value
        with open(path, 'w') as f:
            json.dump(figures, f, indent=1)


def _resnet_step(method_options: dict, dtype=torch.float32, iters=3,
                 amp=False):
    """A small CIFAR ResNet with batch norm (cuDNN) trained a few bilevel
    iterations on CUDA from a fixed seed; returns the model."""
    from mmengine.dataset import pseudo_collate
    from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmpretrain.structures import DataSample

    from mmadvisor.datasets.samplers import MetaSampler
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='AdvisorClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=10),
        backbone=dict(type='CifarResNet', depth=20, stem_channels=8,
                      base_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='AdvisorHead', num_classes=10, in_channels=32,
                  advisor=dict(type='Advisor', embed_dims=16)))).cuda()
    g = torch.Generator().manual_seed(1)

    def batch(n, offset):
        return pseudo_collate([
            dict(inputs=torch.randint(0, 256, (3, 16, 16), generator=g,
                                      dtype=torch.uint8),
                 data_samples=DataSample().set_gt_label((i + offset) % 10))
            for i in range(n)
        ])

    meta = [batch(1, i) for i in range(20)]

    class Meta(torch.utils.data.Dataset):

        def __len__(self):
            return 20

        def get_gt_labels(self):
            return [i % 10 for i in range(20)]

        def __getitem__(self, i):
            return dict(inputs=meta[i]['inputs'][0],
                        data_samples=meta[i]['data_samples'][0])

    loader = torch.utils.data.DataLoader(
        Meta(), batch_size=10, collate_fn=pseudo_collate,
        sampler=MetaSampler(Meta(), shuffle=False, seed=0))
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='MetaOptimWrapperConstructor',
        optim_wrapper_cfg=dict(
            type='MetaOptimWrapper',
            optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
            meta_optimizer=dict(type='Adam', lr=1e-3), meta_dataloader=loader,
            amp=amp, **method_options)))(model)
    logs = [model.train_step(batch(16, it), wrapper) for it in range(iters)]
    return model, wrapper, logs


def test_forward_mode_equals_double_backward_on_cudnn():
    assert torch.backends.cudnn.enabled
    fwd, _, _ = _resnet_step({})
    dbl, _, _ = _resnet_step(dict(meta_gradient='double_backward'))
    for (name, a), b in zip(fwd.state_dict().items(),
                            dbl.state_dict().values()):
        if a.is_floating_point():
            assert torch.allclose(a, b, rtol=1e-3, atol=1e-5), name
    # the advisor moved
    fresh = _resnet_step({}, iters=0)[0]
    assert not torch.equal(fwd.head.advisor.common.weight,
                           fresh.head.advisor.common.weight)


@pytest.mark.parametrize('amp', ['bfloat16', 'float16'])
def test_mixed_precision_is_finite_and_close_to_float32(amp):
    if amp == 'bfloat16' and not torch.cuda.is_bf16_supported():
        pytest.skip('no bfloat16 on this GPU')
    _, _, ref = _resnet_step({}, iters=6)
    _, wrapper, low = _resnet_step({}, amp=amp, iters=6)
    assert wrapper.loss_scaling.enabled == (amp == 'float16')
    worst = 0.0
    for a, b in zip(ref, low):
        assert all(torch.isfinite(torch.tensor(v)) for v in b.values())
        # float16 skips the meta update of an iteration whose scaled
        # gradients overflow (dynamic loss scaling): compare what both have
        for key in set(a) & set(b):
            worst = max(worst, abs(a[key] - b[key]) / abs(a[key]))
    assert worst < 0.1  # each logged value within 10 % of float32
    assert sum('loss_meta' in log for log in low) >= 1
    _record(f'max_relative_log_diff_{amp}_vs_fp32', worst)


def test_train_tool_with_amp_end_to_end(tmp_path):
    tools = _tools_tests()
    proc = tools.train(tmp_path, 'train_cfg.max_epochs=1', '--amp')
    log = proc.stdout + proc.stderr
    assert 'loss_meta' in log
    ckpt = torch.load(tmp_path / 'epoch_1.pth', map_location='cpu',
                      weights_only=True)
    assert all(torch.isfinite(v).all() for v in ckpt['state_dict'].values()
               if v.is_floating_point())


@pytest.mark.parametrize('method', ['ce', 'mfrw-mes', 'low-memory', 'fast'])
def test_working_memory_resnet50_224(method):
    """Working memory above the model and optimizers (max_memory_allocated
    minus what they hold), and the time of an iteration, on the card."""
    torch.cuda.empty_cache()
    memory = step_cost.working_memory('resnet50', method, 'cuda', iters=1)
    assert 0 < memory['work_mib'] < torch.cuda.get_device_properties(
        0).total_memory / 2**20
    result = step_cost.measure('resnet50', method, 'cuda', iters=1,
                               warmup=1, flops=False)
    _record(f'resnet50_b32_224_{method}_work_mib', memory['work_mib'])
    _record(f'resnet50_b32_224_{method}_ms', result['median_s'] * 1e3)


def test_strip_and_stock_inference_on_cuda(tmp_path):
    from mmengine.config import Config
    from mmpretrain.apis import get_model
    tools = _tools_tests()
    tools.train(tmp_path, 'train_cfg.max_epochs=1')
    stripped = tmp_path / 'classifier.pth'
    tools.run(['tools/model_converters/strip_advisor.py',
               str(tmp_path / 'epoch_1.pth'), str(stripped)])
    cfg = Config.fromfile(tools.CONFIG)
    cfg.merge_from_dict(_options(tools.TINY))
    stock = copy.deepcopy(cfg.model)
    stock.type = 'ImageClassifier'
    stock.head = dict(type='LinearClsHead', num_classes=stock.head.num_classes,
                      in_channels=stock.head.in_channels)
    model = get_model(Config(dict(model=stock)), pretrained=str(stripped),
                      device='cuda')
    x = torch.randn(4, 3, 32, 32, device='cuda')
    state = torch.load(tmp_path / 'epoch_1.pth', map_location='cuda',
                       weights_only=True)['state_dict']
    trained = get_model(Config(dict(model=stock)), device='cuda')
    trained.load_state_dict(
        {k: v for k, v in state.items() if '.advisor.' not in k})
    model.eval(), trained.eval()
    with torch.no_grad():
        assert torch.allclose(model(x, mode='tensor'),
                              trained(x, mode='tensor'))


def _options(pairs):
    """--cfg-options strings as a dict (values parsed like MMEngine)."""
    from mmengine.config import DictAction
    import argparse
    ns = argparse.Namespace()
    DictAction(option_strings=[], dest='o')(None, ns, pairs)
    return {k: v for k, v in ns.o.items()}
