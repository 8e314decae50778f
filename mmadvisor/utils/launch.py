"""Launch-time helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import datetime
import logging
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.logging import print_log

META_WRAPPERS = ('MetaOptimWrapper', 'mmpretrain.MetaOptimWrapper')


def load_config(path: str) -> Config:
    """``Config.fromfile(path)``, with what to do when an ``mmadvisor::``
    base cannot be found because this copy of mmadvisor was never
    installed (a clone on ``PYTHONPATH``): MMEngine then stops at the
    missing ``mmadvisor/.mim/model-index.yml``, which ``pip install`` (or
    ``pip install -e .``) writes.

    Raises:
        SystemExit: An uninstalled mmadvisor behind an ``mmadvisor::`` base.
    """
    try:
        return Config.fromfile(path)
    except FileNotFoundError as err:
        missing = str(getattr(err, 'filename', '') or '')
        root = osp.dirname(osp.dirname(osp.abspath(__file__)))
        if missing != osp.join(root, '.mim', 'model-index.yml'):
            raise
        raise SystemExit(
            f'{path} inherits an mmadvisor:: config, which resolves through '
            f'the installed package, but mmadvisor is imported from '
            f'{root}, which was never installed ({missing} is missing). '
            'Install it from the clone: pip install -r requirements.txt '
            '-e . (README, Quickstart).') from None


def apply_amp(cfg: Config) -> None:
    """Turn on mixed precision without replacing the meta optim wrapper.

    With ``MetaOptimWrapper`` this sets ``optim_wrapper.amp=True`` (autocast
    through the four phases, bf16 where available, fp16 with loss scaling
    otherwise). A plain ``OptimWrapper`` becomes MMEngine's
    ``AmpOptimWrapper`` as in MMPretrain. Any other wrapper type stops with
    an error instead of being silently replaced.
    """
    if not torch.cuda.is_available() and not cpu_has_fast_bf16():
        print_log(
            '--amp without a GPU: this CPU has no native bfloat16 matrix '
            'units (oneDNN reports no AVX512-BF16/AMX), so bfloat16 autocast '
            'runs far slower than float32 here (a run measured ~23x); '
            'drop --amp on this machine, it is meant for GPUs.',
            logger='current', level=logging.WARNING)
    wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper_type in META_WRAPPERS:
        cfg.optim_wrapper.amp = True
    elif wrapper_type == 'AmpOptimWrapper':
        pass
    elif wrapper_type == 'OptimWrapper':
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        raise ValueError(
            f'--amp does not know how to enable mixed precision for '
            f"optim_wrapper.type='{wrapper_type}'; configure it in the "
            'config instead.')


def cpu_has_fast_bf16() -> bool:
    """Whether oneDNN finds native bfloat16 matrix instructions on this CPU
    (AVX512-BF16 or AMX); without them CPU autocast to bfloat16 is emulated
    and slow."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def init_cpu_distributed(cfg: Config) -> None:
    """Start the process group with gloo when no GPU is present.

    MMEngine's ``pytorch`` launcher calls ``torch.cuda.set_device``
    unconditionally, which fails on CPU-only machines. Here (``torchrun``
    sets the environment) we initialise the group with gloo first; the
    runner then finds it initialised and skips its own init.
    """
    if torch.cuda.is_available() or torch_dist.is_initialized():
        return
    if 'RANK' not in os.environ:
        raise RuntimeError('--launcher pytorch needs torchrun (RANK, '
                           'WORLD_SIZE, MASTER_ADDR are not set).')
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    timeout = dist_timeout(cfg)
    kwargs = {} if timeout is None else dict(
        timeout=datetime.timedelta(seconds=timeout))
    torch_dist.init_process_group(backend='gloo', **kwargs)


def dist_timeout(cfg: Config) -> Optional[float]:
    """``env_cfg.dist_cfg.timeout`` in seconds (``--dist-timeout``), or
    ``None`` for torch's default (30 minutes)."""
    timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout')
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(
            timeout, (int, float)) or timeout <= 0:
        raise ValueError(
            f'env_cfg.dist_cfg.timeout={timeout!r} must be a positive number '
            'of seconds (--dist-timeout 600), how long a rank waits in a '
            'collective for the others.')
    return float(timeout)


def launch_rank() -> int:
    """This process's global rank as the launcher set it (before the
    process group exists): torchrun's ``RANK``, slurm's ``SLURM_PROCID``
    or Open MPI's ``OMPI_COMM_WORLD_RANK``; 0 without a launcher."""
    for name in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK'):
        if name in os.environ:
            return int(os.environ[name])
    return 0


def finish_distributed() -> None:
    """Tear the process group down in order at the end of a run.

    Without it, every rank's interpreter exits with the group alive and
    its backend threads still connected to the other ranks; with gloo a
    rank then ends, now and then, in ``terminate called without an active
    exception`` (SIGABRT) after a complete run, which ``torchrun`` reports
    as a failed run. A barrier first, so no rank destroys the group while
    another is still in a collective.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()


def add_repeatable_numerics_hook(cfg: Config) -> None:
    """Add ``RepeatableNumericsHook`` to ``cfg.custom_hooks`` unless the
    config lists it (by type, with or without a scope): ``--repeatable``
    of train.py and test.py. The work dir's dumped config then records
    that the run was in the mode (see :mod:`mmadvisor.utils.numerics`)."""
    hooks = list(cfg.get('custom_hooks') or [])
    for hook in hooks:
        kind = hook.get('type') if isinstance(hook, dict) else type(hook)
        name = kind.__name__ if isinstance(kind, type) else \
            str(kind).split('.')[-1]
        if name == 'RepeatableNumericsHook':
            return
    cfg.custom_hooks = hooks + [dict(type='RepeatableNumericsHook')]
