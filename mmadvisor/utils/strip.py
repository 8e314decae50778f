"""Turn an advisor run's checkpoint into a plain classifier checkpoint."""
import os.path as osp
from typing import List

import torch

from .checkpoint_file import load_checkpoint_file

ADVISOR_PREFIX = 'head.advisor.'


def strip_advisor(src: str, dst: str, overwrite: bool = False) -> List[str]:
    """Write ``dst``: ``src``'s weights without ``head.advisor.*``.

    The optimizer, scheduler and message-hub state are dropped too; ``meta``
    keeps ``dataset_meta`` (class names) and the epoch/iteration, minus the
    training config, whose model type a stock install does not know.

    Args:
        src (str): Checkpoint written by an advisor run.
        dst (str): Output path; never ``src`` itself.
        overwrite (bool): Replace an existing ``dst``. Defaults to False.

    Returns:
        list[str]: The removed state-dict keys.

    Raises:
        ValueError: ``dst`` is ``src``, or exists and ``overwrite`` is
            False.
        KeyError: ``src`` has no ``state_dict``.
    """
    if osp.exists(dst) and osp.exists(src) and osp.samefile(src, dst):
        raise ValueError(
            f'the output {dst!r} is the input checkpoint: writing it would '
            'replace the resumable training checkpoint (weights, optimizer, '
            'scheduler, advisor) by a weights-only one. Give another output '
            'path, e.g. classifier.pth.')
    if osp.exists(dst) and not overwrite:
        raise ValueError(
            f'the output {dst!r} exists already: give another path, or pass '
            '--overwrite to replace it.')
    checkpoint = load_checkpoint_file(src)
    state = checkpoint.get('state_dict')
    if state is None:
        raise KeyError(f'{src} has no "state_dict": is it a checkpoint '
                       'written by an MMEngine runner?')
    removed = [k for k in state if k.startswith(ADVISOR_PREFIX)]
    plain = {k: v for k, v in state.items() if k not in removed}
    meta = {
        k: v
        for k, v in checkpoint.get('meta', {}).items()
        if k in ('dataset_meta', 'epoch', 'iter', 'seed', 'mmengine_version')
    }
    torch.save(dict(state_dict=plain, meta=meta), dst)
    return removed
