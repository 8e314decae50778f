"""tools/train.py --repeatable: the same weights under two CPU profiles.

One machine plays two x86-64 CPUs. Profile A is this CPU as it is
(AVX-512 here). Profile B restricts what the libraries may use, as on an
older CPU: MKL to SSE4.2, oneDNN to SSE4.1, ATen to its AVX2 kernels. The
quickstart's advisor config (CIFAR ResNet-20: convolutions, batch norm, and
the advisor's meta step with its double backward) trains 4 iterations on
100 digits under each. With ``--repeatable`` the two checkpoints must be
bit-identical; without it (the control) they must differ, or the profiles
would prove nothing. Here it is ATen's and oneDNN's kernels that tell the
profiles apart (MKL on this AMD CPU gives the same bits with and without
the SSE4.2 limit; NNPACK takes its kernels from the CPU's features and no
variable emulates another CPU for it: the mode switches it off).
``ONEDNN_VERBOSE=1`` in profile B shows whether oneDNN ran at all.
"""
import os
import os.path as osp
import re
import subprocess
import sys

import mmpretrain
import pytest
import torch
from test_train_test_tools import CONFIG, ROOT

from mmadvisor.utils.numerics import REPEATABLE_ENV, export_line

MIM_TRAIN = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                     'train.py')

# The quickstart's model (CifarResNet-20, the advisor, the meta step) on
# 200 digits: 100 noisy training images, a 10-per-class meta set; 4
# iterations of 32, no validation.
TINY = [
    'train_dataloader.dataset.dataset.dataset.indices=200',
    'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
    'train_dataloader.batch_size=32',
    'optim_wrapper.meta_dataloader.batch_size=16', 'train_cfg.max_epochs=1',
    'default_hooks.logger.interval=1'
]
PROFILES = {
    'A': {},
    'B': dict(MKL_ENABLE_INSTRUCTIONS='SSE4_2', ONEDNN_MAX_CPU_ISA='SSE41',
              ATEN_CPU_CAPABILITY='avx2', ONEDNN_VERBOSE='1'),
}


def tool(profile, *args, env=None, cwd=ROOT, check=True):
    """Run a tool in a clean environment plus the profile's variables (one
    thread outside the mode too: this machine's rule for tests) and
    ``env``."""
    environ = {k: v for k, v in os.environ.items()
               if k not in REPEATABLE_ENV and not k.startswith(
                   ('MKL_', 'ONEDNN', 'DNNL'))}
    environ.update(OMP_NUM_THREADS='1', PYTHONWARNINGS='default')
    environ.update(PROFILES[profile])
    environ.update(env or {})
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, (proc.stdout[-3000:] +
                                      proc.stderr[-3000:])
    return proc


def train(work_dir, profile, *flags):
    proc = tool(profile, 'tools/train.py', CONFIG, '--work-dir',
                str(work_dir), '--no-validate', *flags, '--cfg-options',
                *TINY)
    return proc, torch.load(work_dir / 'epoch_1.pth',
                            weights_only=True)['state_dict']


def differing(a, b):
    assert a.keys() == b.keys()
    return {k: float((a[k].double() - b[k].double()).abs().max())
            for k in a if not torch.equal(a[k], b[k])}


@pytest.fixture(scope='module')
def repeatable(tmp_path_factory):
    """Both profiles trained with --repeatable."""
    work_dir = tmp_path_factory.mktemp('repeatable')
    return work_dir, {
        profile: train(work_dir / profile, profile, '--repeatable')
        for profile in PROFILES
    }


def test_repeatable_weights_are_identical_across_cpu_profiles(repeatable):
    _, runs = repeatable
    (proc_a, a), (proc_b, b) = runs['A'], runs['B']
    assert differing(a, b) == {}
    assert any(k.startswith('head.advisor.') for k in a)
    for proc in (proc_a, proc_b):
        log = proc.stdout + proc.stderr
        assert ('repeatable numerics: ATen DEFAULT kernels, MKL CNR branch '
                'COMPATIBLE, oneDNN off, NNPACK off, 1 thread') in log
        assert "dict(type='RepeatableNumericsHook')" in log  # the config
    # B's own ATen choice is overridden, and said once; oneDNN never ran.
    err_b = proc_b.stderr
    assert err_b.count('ATEN_CPU_CAPABILITY=avx2 -> default') == 1
    assert 'onednn_verbose' not in proc_b.stdout + err_b


def test_test_tool_repeatable(repeatable, tmp_path):
    """test.py --repeatable: the same restart, switches and hook."""
    work_dir, _ = repeatable
    proc = tool('B', 'tools/test.py', CONFIG,
                str(work_dir / 'B' / 'epoch_1.pth'), '--work-dir',
                str(tmp_path), '--repeatable', '--cfg-options',
                'test_dataloader.dataset.indices=64')
    log = proc.stdout + proc.stderr
    assert log.count('ATEN_CPU_CAPABILITY=avx2 -> default') == 1
    assert 'repeatable numerics: ATen DEFAULT kernels' in log
    assert "dict(type='RepeatableNumericsHook')" in log
    assert 'onednn_verbose' not in log
    assert 'accuracy/top1' in log


def test_without_repeatable_the_profiles_differ(tmp_path):
    """The control: the same two trainings without the mode."""
    _, a = train(tmp_path / 'A', 'A')
    proc_b, b = train(tmp_path / 'B', 'B')
    diff = differing(a, b)
    assert len(diff) > len(a) // 4, diff
    assert 'ATEN_CPU_CAPABILITY=avx2 -> default' not in proc_b.stderr
    # oneDNN ran (and chose SSE4.1 kernels) outside the mode.
    assert re.search(r'onednn_verbose.*primitive,exec', proc_b.stdout +
                     proc_b.stderr)


def test_repeatable_under_torchrun(tmp_path):
    """Each rank restarts itself in place; torchrun sees its processes
    finish and the run is in the mode."""
    nproc = 2
    env = {k: v for k, v in os.environ.items() if k not in REPEATABLE_ENV}
    env.update(ATEN_CPU_CAPABILITY='avx2', PYTHONWARNINGS='default')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run',
         f'--nproc_per_node={nproc}', '--master_port=29631',
         'tools/train.py', CONFIG, '--launcher', 'pytorch', '--work-dir',
         str(tmp_path), '--no-validate', '--repeatable', '--cfg-options',
         *TINY],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert log.count('ATEN_CPU_CAPABILITY=avx2 -> default') == nproc
    assert 'repeatable numerics: ATen DEFAULT kernels' in log
    assert (tmp_path / 'epoch_1.pth').is_file()


def test_mmpretrain_train_tool_with_the_hook(tmp_path):
    """MMPretrain's own train.py: the config lists the hook, the user
    exports the environment (README, "Repeatable numerics")."""
    config = tmp_path / 'repeatable.py'
    config.write_text(
        f'_base_ = {CONFIG!r}\n'
        "custom_hooks = [dict(type='DumpGeneratedHook'),\n"
        "                dict(type='ClassCountsCheckHook'),\n"
        "                dict(type='RepeatableNumericsHook')]\n")
    args = [MIM_TRAIN, str(config), '--work-dir', str(tmp_path / 'run'),
            '--cfg-options', *TINY, 'val_dataloader.dataset.indices=64']
    # Not exported: the run stops when the runner builds the hook, with
    # the line to export, before any iteration.
    proc = tool('B', *args, cwd=str(tmp_path), check=False)
    assert proc.returncode != 0
    assert 'ATEN_CPU_CAPABILITY=avx2' in proc.stderr
    assert export_line() in proc.stderr
    assert not (tmp_path / 'run' / 'epoch_1.pth').exists()
    # Exported (over profile B's own values): it trains in the mode.
    proc = tool('B', *args, cwd=str(tmp_path), env=REPEATABLE_ENV)
    log = proc.stdout + proc.stderr
    assert 'repeatable numerics: ATen DEFAULT kernels' in log
    assert 'onednn_verbose' not in log
    assert (tmp_path / 'run' / 'epoch_1.pth').is_file()
