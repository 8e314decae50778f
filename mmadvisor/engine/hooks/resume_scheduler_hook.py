"""Resume on the config's learning-rate schedule, or stop with the reason."""
import copy
import math
from collections import Counter
from typing import Any, List, Optional, Tuple

import numpy as np
from mmengine.hooks import Hook
from mmengine.optim.scheduler import _ParamScheduler
from mmengine.runner import IterBasedTrainLoop
from mmpretrain.registry import HOOKS

#: Scheduler state that records where the schedule is, not what it is.
PROGRESS = ('last_step', '_global_step', '_last_value', 'base_values',
            '_get_value_called_within_step')


def _schedulers(runner) -> List[Tuple[str, Any]]:
    """``(name, scheduler)`` of the runner, in the order MMEngine saves
    them (``param_scheduler[i]`` or ``param_scheduler.KEY[i]``); none while
    they are still configs (a runner that only tests or validates never
    builds them)."""
    scheds = runner.param_schedulers
    if not scheds:
        return []
    if isinstance(scheds, dict) and 'type' not in scheds:
        named = [(f'param_scheduler.{key}[{i}]', s)
                 for key, group in scheds.items()
                 for i, s in enumerate(group if isinstance(group, list)
                                       else [group])]
    else:
        named = [(f'param_scheduler[{i}]', s)
                 for i, s in enumerate(scheds if isinstance(scheds, list)
                                       else [scheds])]
    return [(name, s) for name, s in named
            if isinstance(s, _ParamScheduler)]


def _definition(state: dict) -> dict:
    return {k: v for k, v in state.items()
            if k not in PROGRESS and k != 'optimizer'}


def _same(a, b) -> bool:
    if isinstance(a, Counter) or isinstance(b, Counter):
        return Counter(a) == Counter(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def _show(value) -> str:
    if isinstance(value, Counter):
        return str(sorted(value.elements()))
    return repr(value)


class _Groups:
    """The optimizer seen by a replayed scheduler: parameter groups only."""

    def __init__(self, groups: List[dict]) -> None:
        self.param_groups = groups
        self._global_step = 0

        def step():
            pass

        step._with_counter = True
        self.step = step


def _replay(classes: List[type], states: List[dict], groups: List[dict],
            iters: int, iters_per_epoch: Optional[int]
            ) -> Tuple[List[list], List[Any]]:
    """Run schedulers from step 0 for ``iters`` training iterations.

    Each scheduler is rebuilt from its state with its progress reset, then
    takes the initial step its ``__init__`` takes; after every iteration
    the iteration-based ones step, after every ``iters_per_epoch`` the
    epoch-based ones (as ``ParamSchedulerHook`` does).

    Returns:
        tuple: the parameter values of every group after each step, and the
        schedulers at the end.
    """
    optimizer = _Groups(copy.deepcopy(groups))
    names = sorted({s['param_name'] for s in states})
    for group in optimizer.param_groups:
        for name in names:
            group[name] = group[f'initial_{name}']
    scheds = []
    for cls, state in zip(classes, states):
        sched = object.__new__(cls)
        sched.__dict__.update(copy.deepcopy(_definition(state)))
        sched.optimizer = optimizer
        sched.base_values = [
            g[f'initial_{sched.param_name}'] for g in optimizer.param_groups
        ]
        sched.last_step = -1
        sched._global_step = -1
        sched.step()
        scheds.append(sched)

    def values():
        return [[g[n] for n in names] for g in optimizer.param_groups]

    trace = [values()]
    for it in range(1, iters + 1):
        for sched in scheds:
            if not sched.by_epoch:
                sched.step()
        if iters_per_epoch and it % iters_per_epoch == 0:
            for sched in scheds:
                if sched.by_epoch:
                    sched.step()
        trace.append(values())
    return trace, scheds


def _values(trace_step: list) -> str:
    return ', '.join(f'{v:.6g}' for v in trace_step[0])


def _close(a: list, b: list) -> bool:
    return all(
        math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-15)
        for ga, gb in zip(a, b) for x, y in zip(ga, gb))


@HOOKS.register_module()
class ResumeSchedulerHook(Hook):
    """Reconcile the resumed learning-rate schedule with the config.

    MMEngine restores every scheduler's whole state on ``--resume``: its
    position *and* its definition (``end``, ``milestones``, ``T_max``...),
    so a resumed run with a larger ``max_epochs`` keeps the first run's
    ``end`` and a milestone of the extended part never fires. This hook
    keeps the position and takes the definition from the config:

    1. ``before_run`` (schedulers built from the config, nothing loaded):
       keep each scheduler's state, i.e. the config's definition;
    2. ``after_load_checkpoint``: keep the checkpoint's scheduler states;
    3. ``before_train`` (after the resume): if the definitions differ,
       replay both from step 0 to the resume point on copies of the
       optimizer's parameter groups. Equal values at every step (e.g. a
       later ``end``, a milestone after the resume point): the run goes on
       with the config's schedulers, placed at the resume point. Different
       values (the config changes the past, e.g. another ``T_max`` of a
       cosine): stop, naming the first step where they differ. A replay
       that does not land where the checkpoint is (e.g. a scheduler that
       needs validation metrics) stops too.

    A checkpoint with another number of schedulers than the config stops
    as well (MMEngine would pair them silently).
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._config_states: Optional[List[dict]] = None
        self._ckpt_states: Optional[list] = None

    def before_run(self, runner) -> None:
        self._config_states = [
            copy.deepcopy(s.state_dict()) for _, s in _schedulers(runner)
        ]

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('param_schedulers')
        if isinstance(states, dict):
            states = [s for key in states for s in states[key]]
        self._ckpt_states = copy.deepcopy(states)

    def before_train(self, runner) -> None:
        scheds = _schedulers(runner)
        if not runner.cfg.get('resume') or self._ckpt_states is None \
                or self._config_states is None or not scheds:
            return
        ckpt, config = self._ckpt_states, self._config_states
        if len(ckpt) != len(config):
            raise ValueError(
                f'the resumed checkpoint has {len(ckpt)} parameter '
                f'schedulers, the config {len(config)}: a resumed run cannot '
                'pair them. Resume with the param_scheduler of the first run, '
                'or start a new run from its weights with --cfg-options '
                'load_from=CKPT (no --resume).')
        changes = self._changes(scheds, ckpt, config)
        if not changes:
            return
        position = self._position(runner)
        groups = [{k: v for k, v in g.items() if k != 'params'}
                  for g in runner.optim_wrapper.param_groups]
        classes = [type(s) for _, s in scheds]
        try:
            old, old_scheds = _replay(classes, ckpt, groups, *position)
            new, new_scheds = _replay(classes, config, groups, *position)
        except Exception as err:  # e.g. a scheduler that needs metrics
            self._stop(changes, runner, f'replaying them failed ({err!r})')
        landed = all(
            s.last_step == c['last_step'] and s._global_step ==
            c['_global_step'] for s, c in zip(old_scheds, ckpt))
        if not landed or not _close(old[-1], [
                [g[n] for n in sorted({c['param_name'] for c in ckpt})]
                for g in runner.optim_wrapper.param_groups]):
            self._stop(changes, runner,
                       'replaying the checkpoint\'s schedule does not '
                       'reproduce its state at the resume point')
        for step, (a, b) in enumerate(zip(old, new)):
            if not _close(a, b):
                self._stop(
                    changes, runner,
                    f'the config\'s schedule gives {_values(b)} instead of '
                    f'{_values(a)} (first parameter group) after {step} of '
                    f'the {position[0]} iterations already trained')
        for (name, live), fresh in zip(scheds, new_scheds):
            state = {k: v for k, v in fresh.__dict__.items()
                     if k != 'optimizer'}
            live.load_state_dict(copy.deepcopy(state))
        runner.logger.info(
            'ResumeSchedulerHook: the run continues on the config\'s '
            f'schedule ({self._describe(changes)}); up to the resume point '
            'it gives the same values as the checkpoint\'s.')

    # --------------------------------------------------------------- helpers
    @staticmethod
    def _changes(scheds, ckpt, config) -> List[Tuple[str, str, Any, Any]]:
        out = []
        for (name, sched), c, f in zip(scheds, ckpt, config):
            dc, df = _definition(c), _definition(f)
            for key in sorted(set(dc) | set(df)):
                if not _same(dc.get(key), df.get(key)):
                    out.append((f'{name} ({type(sched).__name__})', key,
                                dc.get(key), df.get(key)))
        return out

    @staticmethod
    def _describe(changes) -> str:
        return '; '.join(f'{name}.{key}: {_show(old)} in the checkpoint, '
                         f'{_show(new)} in the config'
                         for name, key, old, new in changes[:4])

    @staticmethod
    def _position(runner) -> Tuple[int, Optional[int]]:
        if isinstance(runner.train_loop, IterBasedTrainLoop):
            return runner.iter, None
        return runner.iter, len(runner.train_dataloader)

    def _stop(self, changes, runner, why: str) -> None:
        raise ValueError(
            'the resumed run\'s learning-rate schedule differs from the '
            f'config\'s ({self._describe(changes)}) and cannot be '
            f'reconciled: {why}. A resume continues the first run; change '
            'only what comes after the resume point (epoch '
            f'{runner.epoch}, iteration {runner.iter}), or keep the first '
            "run's param_scheduler, or start a new run from the weights "
            'with --cfg-options load_from=CKPT (no --resume).')
