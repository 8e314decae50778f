"""Launch-time helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

META_WRAPPERS = ('MetaOptimWrapper', 'mmpretrain.MetaOptimWrapper')


def apply_amp(cfg: Config) -> None:
    """Turn on mixed precision without replacing the meta optim wrapper.

    With ``MetaOptimWrapper`` this sets ``optim_wrapper.amp=True`` (autocast
    through the four phases, bf16 where available, fp16 with loss scaling
    otherwise). A plain ``OptimWrapper`` becomes MMEngine's
    ``AmpOptimWrapper`` as in MMPretrain. Any other wrapper type stops with
    an error instead of being silently replaced.
    """
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
    torch_dist.init_process_group(backend='gloo')
