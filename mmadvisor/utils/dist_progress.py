"""Which rank stopped answering: progress reports in the process-group store.

When one rank stalls (stopped, hung in data loading, deadlocked), the others
wait in their next collective until the process group's timeout and then
fail with the backend's message (gloo: ``Timed out waiting 1800000ms for
recv operation to complete``), which names no rank. Each rank therefore
writes where it is (:func:`report`, called by :class:`DistProgressHook`
before and after every training iteration) into the key-value store of the
default process group, which lives in the launcher (``torchrun``) and stays
readable when a rank stalls; :func:`explain_failure` turns a collective's
failure into a message naming the ranks that fell behind.
"""
import time
from typing import Dict, List, Optional, Tuple

import torch.distributed as torch_dist

KEY = 'mmadvisor/progress/{}'


def _store():
    """The default process group's store (``None`` when not distributed)."""
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return None
    try:
        from torch.distributed.distributed_c10d import _get_default_store
        return _get_default_store()
    except Exception:  # a backend without a store: no reports
        return None


def report(step: int, phase: str) -> None:
    """Record that this rank reached ``phase`` (``'started'`` or
    ``'finished'``) of training iteration ``step`` (1-based)."""
    store = _store()
    if store is None:
        return
    try:
        store.set(KEY.format(torch_dist.get_rank()),
                  f'{step} {phase} {time.time():.3f}')
    except Exception:  # reporting must never break training
        pass


def read_reports(world_size: int) -> Dict[int, Tuple[int, str, float]]:
    """``rank -> (iteration, phase, unix time)`` of every rank that
    reported."""
    store = _store()
    out: Dict[int, Tuple[int, str, float]] = {}
    if store is None:
        return out
    for rank in range(world_size):
        key = KEY.format(rank)
        try:
            if not store.check([key]):
                continue
            step, phase, stamp = store.get(key).decode().split()
            out[rank] = (int(step), phase, float(stamp))
        except Exception:
            continue
    return out


def _position(report_: Tuple[int, str, float]) -> Tuple[int, int]:
    step, phase, _ = report_
    return step, 1 if phase == 'finished' else 0


def is_collective_failure(err: BaseException) -> bool:
    """Whether ``err`` is a distributed backend failing (timeout, lost
    peer), as opposed to an error of the training code."""
    dist_error = getattr(torch_dist, 'DistError', ())
    if dist_error and isinstance(err, dist_error):
        return True
    text = str(err).lower()
    return isinstance(err, RuntimeError) and any(
        s in text for s in ('gloo', 'nccl', 'timed out waiting',
                            'connection closed by peer',
                            'connection reset by peer'))


def explain_failure(err: BaseException,
                    timeout: Optional[float]) -> Optional[str]:
    """A message naming the ranks that stopped answering, or ``None`` when
    ``err`` is not a collective's failure or the group is gone."""
    if not is_collective_failure(err) or _store() is None:
        return None
    rank, world = torch_dist.get_rank(), torch_dist.get_world_size()
    reports = read_reports(world)
    now = time.time()
    mine = reports.get(rank)
    ahead = max((_position(r) for r in reports.values()), default=None)
    behind: List[int] = sorted(
        r for r in range(world) if r not in reports
        or _position(reports[r]) < (ahead or (0, 0)))
    if not behind:
        # All reached the same point: one of the others stalled inside it.
        behind = [r for r in range(world) if r != rank]
    lines = []
    for r in behind:
        if r in reports:
            step, phase, stamp = reports[r]
            lines.append(f'rank {r} last reported: {phase} iteration '
                         f'{step}, {now - stamp:.0f} s ago')
        else:
            lines.append(f'rank {r} never reported an iteration')
    where = (f'in iteration {mine[0]}' if mine else 'before training')
    limit = f'{timeout:g} s' if timeout else 'the process-group timeout'
    who = ', '.join(f'rank {r}' for r in behind) or 'another rank'
    return (
        f'{who} stopped answering: rank {rank} waited {limit} for it in a '
        f'collective {where} ({type(err).__name__}: '
        f'{str(err).strip().splitlines()[0][:200]}). '
        + ('; '.join(lines) + '. ' if lines else '')
        + 'Check that process (stopped, hung loading data, out of memory, '
        'killed); if it is only slower (e.g. a long evaluation on one '
        'rank), raise the limit with --dist-timeout SECONDS '
        '(env_cfg.dist_cfg.timeout).')
