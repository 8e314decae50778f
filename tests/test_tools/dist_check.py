"""Train a few iterations under torchrun, then dump every rank's state.

Used by test_distributed.py: the launch path is tools/train.py's
(gloo initialisation on CPU, Runner, MetaDistributedDataParallel).
Usage: torchrun --nproc_per_node=N dist_check.py WORK_DIR BATCH META_BATCH
       {mlp,resnet} [{forward,double_backward}]
"""
import os
import os.path as osp
import sys
import warnings

warnings.filterwarnings('ignore')
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.dist import get_rank  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.model import BaseModule  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmpretrain.registry import HOOKS, MODELS  # noqa: E402

from mmadvisor.utils.launch import (  # noqa: E402
    finish_distributed, init_cpu_distributed)

torch.set_num_threads(1)


@MODELS.register_module(force=True)
class DistCheckMLP(BaseModule):
    """No batch norm: per-rank batches then equal one big batch exactly."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(192, 32)

    def forward(self, x):
        return (torch.tanh(self.fc(x.flatten(1))), )


@HOOKS.register_module(force=True)
class DumpRankStateHook(Hook):

    def before_train(self, runner):
        model = runner.model.module if hasattr(runner.model,
                                               'module') else runner.model
        torch.save(
            dict(state=model.state_dict()),
            osp.join(runner.work_dir, f'rank{get_rank()}_init.pth'))

    def after_train(self, runner):
        model = runner.model.module if hasattr(runner.model,
                                               'module') else runner.model
        torch.save(
            dict(
                state=model.state_dict(),
                optim=runner.optim_wrapper.state_dict(),
                wrapper=type(runner.model).__name__),
            osp.join(runner.work_dir, f'rank{get_rank()}.pth'))


def main():
    work_dir, batch, meta_batch, kind = sys.argv[1:5]
    meta_gradient = sys.argv[5] if len(sys.argv) > 5 else 'forward'
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'quickstart',
                 'resnet20-mfrw-mes_1xb64_digits-flip0.6.py'))
    cfg.work_dir = work_dir
    cfg.launcher = 'pytorch' if 'RANK' in os.environ else 'none'
    for digits in (cfg.train_dataloader.dataset.dataset.dataset,
                   cfg.optim_wrapper.meta_dataloader.dataset.dataset):
        digits.img_size = 8
        digits.indices = 400  # 40 per class: 100 meta + 300 noisy train
    if kind == 'mlp':
        cfg.model.backbone = dict(type='DistCheckMLP')
        cfg.model.neck = None
        cfg.model.head.in_channels = 32
        cfg.model.head.loss.rho = 1.0  # deterministic MES draws
    cfg.train_dataloader.batch_size = int(batch)
    cfg.optim_wrapper.meta_dataloader.batch_size = int(meta_batch)
    cfg.optim_wrapper.optimizer.weight_decay = 0.0
    cfg.optim_wrapper.meta_gradient = meta_gradient
    cfg.train_cfg = dict(by_epoch=False, max_iters=3, val_interval=100)
    cfg.param_scheduler = []
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    cfg.custom_hooks = [dict(type='DumpRankStateHook')]
    if cfg.launcher == 'pytorch':
        init_cpu_distributed(cfg)
    Runner.from_cfg(cfg).train()
    # as tools/train.py: without it a gloo rank ends, now and then, in
    # "terminate called without an active exception" after a complete run
    finish_distributed()


if __name__ == '__main__':
    main()
