"""Two real torchrun processes (gloo, CPU) against one process."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))


def torchrun(nproc, *args, port):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run',
         f'--nproc_per_node={nproc}', f'--master_port={port}', *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def flat_tensors(obj, prefix=''):
    """Every tensor inside nested dicts/lists, keyed by its path."""
    out = {}
    if torch.is_tensor(obj):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flat_tensors(v, f'{prefix}/{k}'))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out.update(flat_tensors(v, f'{prefix}/{i}'))
    return out


@pytest.mark.parametrize('kind', ['resnet', 'mlp'])
def test_ranks_hold_identical_state(tmp_path, kind):
    torchrun(2, osp.join(HERE, 'dist_check.py'), str(tmp_path), '8', '5',
             kind, port=29611 if kind == 'resnet' else 29612)
    r0 = torch.load(tmp_path / 'rank0.pth', weights_only=True)
    r1 = torch.load(tmp_path / 'rank1.pth', weights_only=True)
    assert r0['wrapper'] == 'MetaDistributedDataParallel'
    t0 = flat_tensors(dict(state=r0['state'], optim=r0['optim']))
    t1 = flat_tensors(dict(state=r1['state'], optim=r1['optim']))
    assert t0.keys() == t1.keys()
    # The MES draws differ per rank by design: exclude that generator.
    for key in t0:
        if key.endswith('beta_rng'):
            continue
        assert torch.equal(t0[key], t1[key]), key
    assert any('head.advisor' in k for k in t0)
    assert r0['optim']['meta_consumed'] == r1['optim']['meta_consumed'] == 15


@pytest.mark.parametrize('mode', ['forward', 'double_backward'])
def test_two_processes_equal_one_process_with_double_batch(tmp_path, mode):
    two, one = tmp_path / 'two', tmp_path / 'one'
    torchrun(2, osp.join(HERE, 'dist_check.py'), str(two), '8', '5', 'mlp',
             mode, port=29613)
    torchrun(1, osp.join(HERE, 'dist_check.py'), str(one), '16', '10',
             'mlp', mode, port=29614)
    a = torch.load(two / 'rank0.pth', weights_only=True)
    b = torch.load(one / 'rank0.pth', weights_only=True)
    # Design (MetaOptimWrapper docstring): the virtual gradient, the meta-
    # gradient and the classifier gradient are averaged over ranks, so the
    # classifier, the advisor and both optimizers' states follow the
    # single-process run on the global batch up to float rounding.
    for name, value in b['state'].items():
        assert torch.allclose(a['state'][name], value, rtol=1e-4,
                              atol=1e-6), name
    for part in ('optimizer', 'meta_optimizer'):
        fa = flat_tensors(a['optim'][part]['state'])
        fb = flat_tensors(b['optim'][part]['state'])
        assert fa.keys() == fb.keys()
        for key in fa:
            assert torch.allclose(fa[key], fb[key], rtol=1e-4,
                                  atol=1e-6), (part, key)
    # ... and training moved them (not a vacuous comparison).
    init = torch.load(one / 'rank0_init.pth', weights_only=True)['state']
    for prefix in ('backbone.', 'head.fc.', 'head.advisor.'):
        assert any(not torch.allclose(init[k], v, atol=1e-6)
                   for k, v in b['state'].items() if k.startswith(prefix))
    assert a['optim']['meta_consumed'] == 15
    assert b['optim']['meta_consumed'] == 30


def test_dist_train_script(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT='29615', PYTHON=sys.executable,
               PYTHONWARNINGS='ignore')
    config = osp.join(ROOT, 'configs', 'quickstart',
                      'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', config, '2', '--work-dir',
         str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1',
         'train_dataloader.dataset.dataset.dataset.indices=200',
         'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
         'train_dataloader.batch_size=16',
         'optim_wrapper.meta_dataloader.batch_size=10',
         'val_dataloader.dataset.indices=40',
         'test_dataloader.dataset.indices=40', 'train_cfg.val_interval=1'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert osp.exists(tmp_path / 'epoch_1.pth')
    assert 'loss_meta' in log and 'accuracy/top1' in log
    assert 'terminate called' not in log  # the group ends in order
