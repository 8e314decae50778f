"""The quickstart: the same model on noisy digits, without and with advisor.

Trains ``configs/quickstart/resnet20-ce_1xb64_digits-flip0.6.py`` (plain
cross-entropy) and ``configs/quickstart/resnet20-mfrw-mes_1xb64_digits-
flip0.6.py`` (MFRW-MES advisor) side by side, one process and one thread
each, prints a line per run and epoch with the test accuracy the run just
logged and an ETA, evaluates each final checkpoint on the digits test split
with ``tools/test.py`` and prints the two test accuracies and wall times::

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--seed 0]

The runs and tests are in the repeatable numerics mode (``--repeatable`` of
train.py and test.py; :mod:`mmadvisor.utils.numerics`), so that the table
comes out bit for bit on any x86-64 CPU; ``--fast-numerics`` takes this
CPU's fastest kernels instead (about a third of the time, numbers that
depend on the CPU).

The progress comes from the files MMEngine writes as a run goes (its
``vis_data/scalars.json`` and resolved ``config.py``): the training is
MMEngine's, unchanged. The quickstart owns its work dirs
(``WORK_DIR/<config name>``): it trains there with ``--overwrite``, so a
second quickstart replaces the first one's run.
"""
import argparse
import contextlib
import ctypes
import fcntl
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time
import warnings
from datetime import timedelta
from typing import List, Optional

#: The repository root: the tools and configs the quickstart runs.
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RUNS = {
    'cross-entropy': 'configs/quickstart/resnet20-ce_1xb64_digits-flip0.6.py',
    'MFRW-MES advisor':
    'configs/quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6.py',
}
#: How often the runs' logs are read (seconds).
POLL = 1.0


def progress_line(name: str, epoch: int, max_epochs: Optional[int],
                  loss: Optional[float], top1: Optional[tuple],
                  elapsed: float) -> str:
    """One run's line after ``epoch``: the training loss it last logged,
    its latest test accuracy ``top1`` = (epoch, %) (the quickstart configs
    validate on the digits test split every ``train_cfg.val_interval``
    epochs and after the last), and the time left at the run's pace so far
    (``elapsed`` seconds since it was started)."""
    line = f'[{name}] epoch {epoch}' + (f'/{max_epochs}' if max_epochs
                                        else '')
    if loss is not None:
        line += f'  loss {loss:.3f}'
    if top1 is not None:
        line += f'  test top-1 {top1[1]:.2f} %' + (
            '' if top1[0] == epoch else f' (epoch {top1[0]})')
    if max_epochs:
        left = elapsed / epoch * (max_epochs - epoch)
        line += f'  ETA {timedelta(seconds=round(left))}'
    return line


class RunProgress:
    """Follows one training run through what MMEngine writes as it goes.

    MMEngine's ``LocalVisBackend`` writes into the run's log folder
    ``WORK_DIR/<timestamp>/vis_data/``: the resolved config (``config.py``,
    read for ``train_cfg.max_epochs``) once, and one JSON record per logged
    training iteration (``loss``, ``epoch``) and per validation
    (``accuracy/top1``, ``step`` = the epoch) in ``scalars.json``, appended
    as the run goes. An epoch's line is printed at its validation, else when
    the next epoch's first record shows that it ended, else when the run
    ends.
    """

    def __init__(self, name: str, work_dir: str, started: float) -> None:
        self.name = name
        self.work_dir = work_dir
        self.started = started
        self.old = set(self._scalars())  # an earlier run's, if any
        self.path: Optional[str] = None
        self.offset = 0
        self.max_epochs: Optional[int] = None
        self.epoch = 0  # of the last training record
        self.shown = 0  # the last epoch with a line
        self.loss: Optional[float] = None
        self.top1: Optional[tuple] = None

    def _scalars(self) -> List[str]:
        return glob.glob(
            osp.join(self.work_dir, '*', 'vis_data', 'scalars.json'))

    def _line(self, epoch: int, now: float) -> str:
        self.shown = epoch
        return progress_line(self.name, epoch, self.max_epochs, self.loss,
                             self.top1, now - self.started)

    def poll(self, now: float, ended: bool = False) -> List[str]:
        """The lines of the epochs that ended since the last call (all of
        them once the run has ``ended``)."""
        lines = []
        if self.path is None:
            new = sorted(set(self._scalars()) - self.old)
            if new:
                self.path = new[0]
        if self.path is not None:
            if self.max_epochs is None:
                self.max_epochs = read_max_epochs(
                    osp.join(osp.dirname(self.path), 'config.py'))
            with open(self.path, 'rb') as f:
                f.seek(self.offset)
                chunk = f.read()
            complete = chunk[:chunk.rfind(b'\n') + 1]  # a partial line waits
            self.offset += len(complete)
            for text in complete.decode().splitlines():
                record = json.loads(text)
                if 'accuracy/top1' in record:
                    self.top1 = (record['step'], record['accuracy/top1'])
                    lines.append(self._line(record['step'], now))
                elif 'epoch' in record:
                    if self.shown < self.epoch < record['epoch']:
                        lines.append(self._line(self.epoch, now))
                    self.epoch, self.loss = record['epoch'], record.get(
                        'loss')
        if ended and self.shown < self.epoch:
            lines.append(self._line(self.epoch, now))
        return lines


def read_max_epochs(config: str) -> Optional[int]:
    """``train_cfg.max_epochs`` of a run's resolved config, if written."""
    if not osp.isfile(config):
        return None
    from mmengine.config import Config
    cfg = Config.fromfile(config, import_custom_modules=False)
    return cfg.get('train_cfg', {}).get('max_epochs')


def follow(runs: dict, ends: dict) -> None:
    """Print the runs' progress lines until every process has ended; note
    when each ended in ``ends``."""
    while True:
        now = time.time()
        for name, (proc, _) in runs.items():
            if proc.poll() is not None:
                ends.setdefault(name, now)
        for name, (_, progress) in runs.items():
            for line in progress.poll(now, ended=name in ends):
                print(line, flush=True)
        if all(name in ends for name in runs):
            return
        time.sleep(POLL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--seed', type=int, default=0,
                        help='randomness.seed of both runs')
    parser.add_argument('--sequential', action='store_true',
                        help='run one after the other instead of in parallel')
    parser.add_argument(
        '--fast-numerics', action='store_true',
        help="this CPU's fastest kernels (oneDNN, NNPACK, AVX-512/AVX2) "
        'instead of the repeatable numerics mode: about a third of the '
        'time, but the accuracies then depend on the CPU (README, '
        '"Repeatable numerics")')
    parser.add_argument('--update-readme', action='store_true',
                        help="write the table into README.md's quickstart "
                        'section')
    # Tests: more --cfg-options for both runs and both tests (a tiny run).
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    with work_dir_lock(osp.join(ROOT, args.work_dir)):
        run(args)


@contextlib.contextmanager
def work_dir_lock(work_dir: str):
    """Hold ``WORK_DIR/quickstart.lock`` while the quickstart trains there:
    a second quickstart on the same work dirs would ``--overwrite`` the
    first one's running runs. Stops at once, naming the other one's
    process, if it is held (the lock goes with the process that holds it,
    however it ends)."""
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, 'quickstart.lock')
    with open(path, 'a+') as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            owner = f.read().strip() or 'another process'
            sys.exit(f'quickstart: {work_dir} is in use by another '
                     f'quickstart ({owner}), which trains there: wait for it '
                     'to end, or give this one other work dirs with '
                     '--work-dir DIR.')
        f.seek(0)
        f.truncate()
        f.write(f'pid {os.getpid()}\n')
        f.flush()
        yield


def _die_with_parent() -> None:
    """In a child, before it runs: have Linux send it SIGTERM when the
    quickstart's process ends, however it ends (even ``kill -9``)."""
    try:
        ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:  # not glibc: the finally clause of run() remains
        pass


def run(args) -> None:
    """Train, follow, test and report both runs; the trainings are stopped
    if this process stops first (an error, Ctrl-C, a SIGTERM; a SIGKILL
    through :func:`_die_with_parent`)."""
    procs = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('quickstart: stopped '
                                                      '(SIGTERM)'))
    try:
        _run(args, procs)
    finally:
        for proc, *_ in procs.values():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _run(args, procs) -> None:
    start = time.time()
    env = dict(os.environ, OMP_NUM_THREADS='1')
    numerics = []
    if not args.fast_numerics:
        # The runs start in the mode's environment (no restart in each; a
        # variable of this shell that the mode overrides is named once).
        with warnings.catch_warnings():  # the imports' own
            warnings.simplefilter('ignore')
            from mmadvisor.utils.numerics import (export_line,
                                                  repeatable_environ)
        env = repeatable_environ(env)
        numerics = ['--repeatable']
        print(f'repeatable numerics: {export_line()[7:]}, oneDNN and NNPACK '
              'off (--fast-numerics: this CPU\'s fastest kernels)',
              flush=True)
    env['PYTHONWARNINGS'] = 'ignore'
    ends = {}
    for name, config in RUNS.items():
        work_dir = osp.join(args.work_dir, osp.basename(config)[:-3])
        os.makedirs(osp.join(ROOT, work_dir), exist_ok=True)
        log = open(osp.join(ROOT, work_dir, 'quickstart_train.log'), 'w')
        # --overwrite: the work dir is the quickstart's own; a rerun
        # replaces the earlier quickstart's run there.
        cmd = [sys.executable, 'tools/train.py', config, '--work-dir',
               work_dir, '--overwrite', *numerics, '--cfg-options',
               f'randomness.seed={args.seed}', *args.cfg_options]
        print(f'[{name}] {" ".join(cmd[1:])}  (log: {log.name})', flush=True)
        t0 = time.time()
        progress = RunProgress(name, osp.join(ROOT, work_dir), t0)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT,
                                preexec_fn=_die_with_parent)
        procs[name] = (proc, work_dir, config, t0, progress)
        if args.sequential:
            follow({name: (proc, progress)}, ends)
    follow({name: (run[0], run[4]) for name, run in procs.items()}, ends)
    rows = []
    for name, (proc, work_dir, config, t0, _) in procs.items():
        if proc.wait() != 0:
            sys.exit(f'[{name}] training failed: see '
                     f'{osp.join(work_dir, "quickstart_train.log")}')
        train_time = ends[name] - t0
        with open(osp.join(ROOT, work_dir, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
        out = osp.join(work_dir, 'test_metrics.json')
        print(f'[{name}] testing {checkpoint}', flush=True)
        test_options = (['--cfg-options', *args.cfg_options]
                        if args.cfg_options else [])
        subprocess.run(
            [sys.executable, 'tools/test.py', config, checkpoint,
             '--work-dir', work_dir, '--out', out, '--out-item', 'metrics',
             *numerics,
             *test_options],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        with open(osp.join(ROOT, out)) as f:
            accuracy = json.load(f)['accuracy/top1']
        rows.append((name, accuracy, train_time, checkpoint))
    lines = [
        'Digits, Flip noise p=0.6, meta set 10 images per class, seed '
        f'{args.seed}: final-epoch test accuracy', '',
        '| method | test top-1 (%) | train time (s) |', '|---|---|---|'
    ] + [f'| {name} | {acc:.2f} | {secs:.0f} |' for name, acc, secs, _ in rows]
    mode = ('fast numerics' if args.fast_numerics else
            'repeatable numerics')
    lines += ['', f'total wall time: {time.time() - start:.0f} s '
              f'({os.cpu_count()} CPU cores, two runs in parallel, {mode})'
              if not args.sequential else
              f'total wall time: {time.time() - start:.0f} s (sequential, '
              f'{mode})']
    print('\n' + '\n'.join(lines))
    for name, _, _, ckpt in rows:
        print(f'[{name}] checkpoint: {ckpt}')
    if args.update_readme:
        sys.path.insert(0, ROOT)  # the README writer is benchmarks/'s
        from benchmarks.readme import update_marked_section
        update_marked_section(
            osp.join(ROOT, 'README.md'), 'quickstart-table',
            '`python tools/quickstart.py`\n\n' + '\n'.join(lines))


if __name__ == '__main__':
    main()
