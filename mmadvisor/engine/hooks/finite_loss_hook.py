"""Stop a run whose loss is NaN or infinite, before it saves a checkpoint."""
import math
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


def _value(value) -> Optional[float]:
    if torch.is_tensor(value):
        return float(value.detach().float().mean()) if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _loss_scaling(optim_wrapper) -> bool:
    """Whether the wrapper scales float16 losses dynamically (then a
    non-finite value is a skipped step, not yet a diverged run)."""
    if getattr(getattr(optim_wrapper, 'loss_scaling', None), 'enabled',
               False):
        return True
    return getattr(optim_wrapper, 'loss_scaler', None) is not None


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training at the first non-finite loss, naming the iteration.

    MMEngine logs ``loss: nan`` and keeps training (and saving
    checkpoints) to the end. After each training iteration this hook looks
    at the values the train step returned whose names start with ``loss``
    (``loss``, ``loss_pre``, ``loss_meta``, ...) and raises
    ``FloatingPointError`` on a NaN or infinity. It runs before the logger
    and the checkpoint hook, so no checkpoint of the diverged model is
    written. Every config is covered, cross-entropy ones included
    (``MetaOptimWrapper`` stops an advisor run inside its step already).

    With float16 dynamic loss scaling (``--amp`` on a GPU without
    bfloat16) a non-finite value makes the scaler skip the step; the run
    stops only after ``amp_patience`` such iterations in a row.

    Args:
        amp_patience (int): Consecutive non-finite iterations tolerated
            under float16 loss scaling. Defaults to 10.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, amp_patience: int = 10) -> None:
        if not isinstance(amp_patience, int) or amp_patience < 1:
            raise ValueError(f'amp_patience={amp_patience!r} must be a '
                             'positive integer, e.g. 10.')
        self.amp_patience = amp_patience
        self._bad_in_a_row = 0

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not isinstance(outputs, dict):
            return
        bad = {}
        for key, value in outputs.items():
            if not key.startswith('loss'):
                continue
            number = _value(value)
            if number is not None and not math.isfinite(number):
                bad[key] = number
        if not bad:
            self._bad_in_a_row = 0
            return
        self._bad_in_a_row += 1
        if _loss_scaling(runner.optim_wrapper) and \
                self._bad_in_a_row < self.amp_patience:
            return
        values = ', '.join(f'{k}={v}' for k, v in bad.items())
        lr = runner.optim_wrapper.get_lr().get('lr', [None])[0] \
            if hasattr(runner.optim_wrapper, 'get_lr') else None
        raise FloatingPointError(
            f'non-finite loss at iteration {runner.iter + 1} (epoch '
            f'{runner.epoch + 1}): {values}. The run has diverged; no '
            'checkpoint was written after it. Lower the learning rate '
            f'(optim_wrapper.optimizer.lr, now {lr}), add '
            'optim_wrapper.clip_grad=dict(max_norm=...), or check the data '
            'for NaN/Inf; then train again, or --resume from the last good '
            'checkpoint (WORK_DIR/epoch_N.pth).')
