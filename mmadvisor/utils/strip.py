"""Turn an advisor run's checkpoint into a plain classifier checkpoint."""
from typing import List

import torch

ADVISOR_PREFIX = 'head.advisor.'


def strip_advisor(src: str, dst: str) -> List[str]:
    """Write ``dst``: ``src``'s weights without ``head.advisor.*``.

    The optimizer, scheduler and message-hub state are dropped too; ``meta``
    keeps ``dataset_meta`` (class names) and the epoch/iteration, minus the
    training config, whose model type a stock install does not know.

    Args:
        src (str): Checkpoint written by an advisor run.
        dst (str): Output path.

    Returns:
        list[str]: The removed state-dict keys.

    Raises:
        KeyError: ``src`` has no ``state_dict``.
    """
    checkpoint = torch.load(src, map_location='cpu', weights_only=True)
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
