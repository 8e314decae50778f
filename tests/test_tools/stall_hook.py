"""A hook that stalls one rank, imported by the configs of
test_distributed_failures.py (``custom_imports``)."""
import time

from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module(force=True)
class StallRankHook(Hook):
    """Rank ``rank`` stops answering after training iteration ``iteration``
    (it sleeps, as a stopped or hung process would)."""

    priority = 'LOWEST'

    def __init__(self, rank: int = 1, iteration: int = 2,
                 seconds: float = 300) -> None:
        self.rank = rank
        self.iteration = iteration
        self.seconds = seconds

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if get_rank() == self.rank and runner.iter + 1 == self.iteration:
            time.sleep(self.seconds)
