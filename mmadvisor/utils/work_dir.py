"""One run per work dir: what an earlier run left there, and the guard.

MMEngine trains into ``work_dir`` whatever it holds: a second run of a
config (e.g. with other ``--cfg-options`` and no ``--work-dir``) overwrites
the first run's checkpoints, ``generated/`` noise and meta split and
``advice/`` records, and leaves a mix of both runs behind. ``tools/train.py``
calls :func:`check_work_dir` before it builds the runner.
"""
import os
import os.path as osp
import re
import shutil
from typing import List

#: Timestamped log folders of MMEngine runs (``20261128_101500``).
LOG_DIR = re.compile(r'\d{8}_\d{6}')
#: What a run writes besides its logs and checkpoints.
RUN_OUTPUTS = ('last_checkpoint', 'generated', 'advice')
#: The checkpoints MMEngine's ``CheckpointHook`` writes (default names:
#: ``epoch_N.pth``, ``iter_N.pth``, ``best_<metric>_epoch_N.pth``). Other
#: files (e.g. a ``classifier.pth`` stripped into the work dir) are the
#: user's and are never deleted.
RUN_CHECKPOINT = re.compile(r'(?:best_.+_)?(?:epoch|iter)_\d+\.pth')


class WorkDirError(RuntimeError):
    """The work dir holds another run."""


def earlier_run(work_dir: str) -> List[str]:
    """The outputs of an earlier run in ``work_dir`` that a new run would
    overwrite or mix with: its checkpoints (:data:`RUN_CHECKPOINT`),
    ``last_checkpoint``, ``generated/`` and ``advice/``. Log folders alone
    do not count (each run logs into a folder of its own), nor do files a
    run does not write."""
    if not osp.isdir(work_dir):
        return []
    return sorted(
        name for name in os.listdir(work_dir)
        if name in RUN_OUTPUTS or RUN_CHECKPOINT.fullmatch(name))


def check_work_dir(work_dir: str, resume: bool, overwrite: bool,
                   main_process: bool = True) -> List[str]:
    """Refuse a work dir that holds another run, unless resuming it or
    told to overwrite it.

    Args:
        work_dir (str): The new run's work dir.
        resume (bool): The new run continues the one in ``work_dir``.
        overwrite (bool): Delete the earlier run's outputs (and its log
            folders) first, saying what before it deletes; only
            ``main_process`` deletes. Files a run does not write stay.
        main_process (bool): Whether this is the process of rank 0.

    Returns:
        list[str]: What was deleted (empty unless ``overwrite``).

    Raises:
        WorkDirError: ``work_dir`` holds another run and neither ``resume``
            nor ``overwrite`` is set.
    """
    found = earlier_run(work_dir)
    if not found or resume:
        return []
    if not overwrite:
        shown = ', '.join(found[:6]) + (', ...' if len(found) > 6 else '')
        raise WorkDirError(
            f'work dir {work_dir!r} already holds a run ({shown}): training '
            'again there would overwrite its checkpoints, generated/ noise '
            'and meta split and advice/ records, and leave a mix of two '
            'runs. Pass --resume to continue that run, --work-dir NEW_DIR '
            'for a separate run, or --overwrite to delete the earlier run '
            'first.')
    logs = [n for n in os.listdir(work_dir)
            if LOG_DIR.fullmatch(n) and osp.isdir(osp.join(work_dir, n))]
    removed = sorted(found + logs)
    if main_process:
        kept = sorted(set(os.listdir(work_dir)) - set(removed))
        print(f'--overwrite: deleting the earlier run in {work_dir}: '
              f'{", ".join(removed)}' + (
                  f' (kept, not written by a run: {", ".join(kept)})'
                  if kept else ''), flush=True)
        for name in removed:
            path = osp.join(work_dir, name)
            if osp.isdir(path) and not osp.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    return removed
