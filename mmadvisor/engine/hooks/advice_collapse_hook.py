"""Warn once when the advisor's advice collapses or does not move."""
from typing import Dict, List

import numpy as np

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class AdviceCollapseHook(Hook):
    r"""Warn once when the advice vanishes or freezes, and once when it
    has not moved from where it started.

    The classifier's fc sees :math:`W_f \odot f` (MFRW, section 3.4.1)
    and the MES loss weighs the other classes with ``s`` (section 3.4.2);
    both are sigmoid outputs of the advisor. With a meta-optimizer
    learning rate that is too high, a few advisor steps push the sigmoids
    into saturation: :math:`W_f` drops towards 0 (the classifier learns
    from almost nothing) and every entry ends fully on or off, where the
    sigmoid has no gradient, so the advisor stops learning for good. The
    log only shows a small or constant ``advice_w_f``.

    After each training iteration this hook reads the batch means that
    :class:`MetaOptimWrapper` logs (``advice_w_f``, ``advice_s``,
    ``advice_sample_weight``) and warns once, naming the iteration and the
    meta-optimizer's learning rate, when

    1. the mean :math:`W_f` falls below ``min_w_f``, or
    2. a mean stays the same (within ``1e-7``) for ``patience``
       iterations in a row: different batches give exactly the same mean
       only when the sigmoid is saturated.

    The opposite failure is an advisor that learns too slowly for the run:
    the thesis' meta learning rate (1e-4) is tuned for its 20-40k meta
    steps, and in a run of a few hundred the outputs stay at the sigmoid's
    0.5 where they start (MFRW then halves every feature, MES suppresses
    every other class by half, and the run is cross-entropy in disguise).
    So the hook also warns once when

    3. after ``still_after`` advisor updates (iterations that log
       ``loss_meta``), no advice mean has moved by ``min_move`` from where
       it started (the mean of the first ten logged values against the
       mean of the last ten).

    It does not stop the run: the thresholds are judgements, not errors.
    Runs without an advisor are not checked.

    Args:
        min_w_f (float): The mean :math:`W_f` below which the advice counts
            as vanished (the advisor starts near 0.5). Defaults to 0.01.
        patience (int): Iterations with an unchanged mean that count as
            frozen. Defaults to 50.
        still_after (int): Advisor updates after which advice that has not
            moved is reported. Defaults to 100 (the Fashion-MNIST
            benchmark's slowest advisor, the fast preset at lr 1e-4, has
            moved by 0.007-0.02 there).
        min_move (float): The least change of a mean that counts as moving.
            Defaults to 0.005.
    """

    priority = 'NORMAL'

    def __init__(self, min_w_f: float = 0.01, patience: int = 50,
                 still_after: int = 100, min_move: float = 0.005) -> None:
        if not 0 < min_w_f < 1:
            raise ValueError(f'min_w_f={min_w_f!r} must lie in (0, 1), '
                             'e.g. 0.01.')
        if not isinstance(patience, int) or patience < 2:
            raise ValueError(f'patience={patience!r} must be an integer >= '
                             '2, e.g. 50.')
        if not isinstance(still_after, int) or still_after < 20:
            raise ValueError(f'still_after={still_after!r} must be an '
                             'integer >= 20, e.g. 100.')
        self.min_w_f = min_w_f
        self.patience = patience
        self.still_after = still_after
        self.min_move = min_move
        self._warned = False
        self._still_checked = False
        self._updates = 0
        self._history: Dict[str, List[float]] = {}
        self._start: Dict[str, List[float]] = {}
        self._recent: Dict[str, List[float]] = {}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not isinstance(outputs, dict):
            return
        self._check_moving(runner, outputs)
        if self._warned:
            return
        problem = None
        for key, value in outputs.items():
            if not key.startswith('advice_'):
                continue
            value = float(value)
            if key == 'advice_w_f' and value < self.min_w_f:
                problem = (f'the mean MFRW weight W_f fell to {value:.2e} '
                           '(it starts near 0.5): the advisor masks almost '
                           'every feature, so the classifier learns from '
                           'almost nothing')
                break
            history = self._history.setdefault(key, [])
            history.append(value)
            del history[:-self.patience]
            if len(history) == self.patience and \
                    max(history) - min(history) <= 1e-7:
                problem = (f'{key} has stayed at {value:.4f} for '
                           f'{self.patience} iterations: the advisor\'s '
                           'sigmoid is saturated (every entry fully on or '
                           'off), so it gets no gradient and has stopped '
                           'learning')
                break
        if problem is None:
            return
        self._warned = True
        meta = getattr(runner.optim_wrapper, 'meta_optimizer', None)
        lr = meta.param_groups[0]['lr'] if meta is not None else None
        fix = (f'lower optim_wrapper.meta_optimizer.lr (now {lr:g}), e.g. '
               f'to {lr / 10:g}' if lr else
               'lower optim_wrapper.meta_optimizer.lr')
        runner.logger.warning(
            f'AdviceCollapseHook: at iteration {runner.iter + 1}, '
            f'{problem}. The advisor\'s learning rate is likely too high: '
            f'{fix}.')

    def _check_moving(self, runner, outputs: dict) -> None:
        """Condition 3: warn once if no advice mean has moved after
        ``still_after`` advisor updates."""
        if self._still_checked or 'loss_meta' not in outputs:
            return
        self._updates += 1
        for key, value in outputs.items():
            if key.startswith('advice_'):
                start = self._start.setdefault(key, [])
                if len(start) < 10:
                    start.append(float(value))
                recent = self._recent.setdefault(key, [])
                recent.append(float(value))
                del recent[:-10]
        if self._updates < self.still_after:
            return
        self._still_checked = True
        recent = {k: float(np.mean(v)) for k, v in self._recent.items()}
        if not recent:
            return
        moved = {k: abs(v - float(np.mean(self._start[k])))
                 for k, v in recent.items()}
        if max(moved.values()) >= self.min_move:
            return
        meta = getattr(runner.optim_wrapper, 'meta_optimizer', None)
        lr = meta.param_groups[0]['lr'] if meta is not None else None
        interval = getattr(runner.optim_wrapper, 'advisor_interval', 1)
        total = runner.max_iters // interval
        shown = ', '.join(f'{k} {np.mean(self._start[k]):.4f} -> {v:.4f}'
                          for k, v in recent.items())
        runner.logger.warning(
            f'AdviceCollapseHook: after {self._updates} advisor updates the '
            f'advice has barely moved ({shown}; it starts at the sigmoid\'s '
            f'0.5): at optim_wrapper.meta_optimizer.lr={lr:g} the advisor '
            f'learns little in this run\'s {total} updates (the thesis\' '
            '1e-4 is tuned for its 20-40k). For a short run raise the meta '
            'lr, e.g. to 1e-3, choosing it on a validation split (README, '
            '"Train on your own data").')
