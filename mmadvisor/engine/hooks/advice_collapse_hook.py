"""Warn once when the advisor's advice collapses."""
from typing import Dict, List

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class AdviceCollapseHook(Hook):
    r"""Warn once when the advice vanishes or freezes.

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

    It does not stop the run: the thresholds are judgements, not errors.
    Runs without an advisor are not checked.

    Args:
        min_w_f (float): The mean :math:`W_f` below which the advice counts
            as vanished (the advisor starts near 0.5). Defaults to 0.01.
        patience (int): Iterations with an unchanged mean that count as
            frozen. Defaults to 50.
    """

    priority = 'NORMAL'

    def __init__(self, min_w_f: float = 0.01, patience: int = 50) -> None:
        if not 0 < min_w_f < 1:
            raise ValueError(f'min_w_f={min_w_f!r} must lie in (0, 1), '
                             'e.g. 0.01.')
        if not isinstance(patience, int) or patience < 2:
            raise ValueError(f'patience={patience!r} must be an integer >= '
                             '2, e.g. 50.')
        self.min_w_f = min_w_f
        self.patience = patience
        self._warned = False
        self._history: Dict[str, List[float]] = {}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self._warned or not isinstance(outputs, dict):
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
