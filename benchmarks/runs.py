"""Train one config to its end and test it once, recording what a results
table needs: the harness' shared runner."""
import contextlib
import os
import os.path as osp
import shutil
import subprocess
import time
from typing import Callable, Dict, NamedTuple, Sequence

import numpy as np

#: Training scalars whose per-epoch means are recorded when logged.
EPOCH_SCALARS = ('loss', 'loss_meta', 'advice_w_f', 'advice_s',
                 'advice_sample_weight')


class Finished(NamedTuple):
    """A finished run: its runner, the test metrics (read once, after the
    last epoch), per-epoch curves (``val_top1`` and the means of
    :data:`EPOCH_SCALARS`) and the time spent training / in all."""
    runner: object
    metrics: dict
    curves: Dict[str, list]
    train_s: float
    wall_s: float


def _epoch_means(runner, keys: Sequence[str], n: int) -> Dict[str, float]:
    out = {}
    for key in keys:
        if runner.message_hub.log_scalars.get(f'train/{key}') is not None:
            values = runner.message_hub.get_scalar(f'train/{key}').data[0]
            out[key] = float(np.mean(values[-n:]))
    return out


def train_and_test(build_cfg: Callable, work_dir: str,
                   name: str) -> Finished:
    """Train the config that ``build_cfg()`` returns, in this process, in a
    fresh ``work_dir`` (what a stopped earlier attempt left there is
    removed), with its output in ``work_dir/stdout.log``; then test once."""
    from mmengine.hooks import Hook
    from mmengine.logging import MMLogger
    from mmengine.runner import Runner

    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    curves: Dict[str, list] = dict(val_top1=[])

    class Recorder(Hook):
        """Per-epoch validation top-1 and means of the training scalars."""
        priority = 'LOWEST'

        def before_train_epoch(self, runner):
            self.start = runner.iter

        def after_train_epoch(self, runner):
            for key, value in _epoch_means(runner, EPOCH_SCALARS,
                                           runner.iter - self.start).items():
                curves.setdefault(key, []).append(round(value, 5))

        def after_val_epoch(self, runner, metrics=None):
            curves['val_top1'].append(float(metrics['accuracy/top1']))

    start = time.time()
    with open(osp.join(work_dir, 'stdout.log'), 'w') as log, \
            contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        # A logger of this run's own (an earlier run's writes to its log).
        MMLogger.get_instance(f'experiment:{name}')
        cfg = build_cfg()
        cfg.work_dir = work_dir
        runner = Runner.from_cfg(cfg)
        runner.register_hook(Recorder())
        runner.train()
        train_s = time.time() - start
        metrics = runner.test()
    return Finished(runner, metrics, curves, round(train_s, 1),
                    round(time.time() - start, 1))


def provenance(root: str) -> dict:
    """The commit, device and threads a result was measured with."""
    import torch
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                            cwd=root, capture_output=True, text=True)
    return dict(
        commit=commit.stdout.strip(),
        device=('cuda:' + torch.cuda.get_device_name(0))
        if torch.cuda.is_available() else 'cpu',
        threads=torch.get_num_threads())
