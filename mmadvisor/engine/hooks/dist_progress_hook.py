"""Report each rank's training progress, to name a rank that stalls."""
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils import dist_progress


@HOOKS.register_module()
class DistProgressHook(Hook):
    """Write where this rank is into the process group's store.

    Before and after every training iteration each rank records
    ``(iteration, 'started' | 'finished', time)``
    (:func:`mmadvisor.utils.dist_progress.report`). When a collective then
    times out because one rank stopped answering, ``tools/train.py`` reads
    these reports and names the rank(s) that fell behind and since when
    (:func:`mmadvisor.utils.dist_progress.explain_failure`). One small
    store write per report; nothing on a single process.
    """

    priority = 'VERY_HIGH'

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        dist_progress.report(runner.iter + 1, 'started')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        dist_progress.report(runner.iter + 1, 'finished')
