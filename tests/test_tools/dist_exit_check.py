"""Start and end a gloo process group the way tools/train.py does.

Used by test_distributed_failures.py under torchrun. launch.py is loaded
by path, without the mmadvisor package (whose import costs seconds).
Usage: torchrun --nproc_per_node=2 dist_exit_check.py
"""
import importlib.util
import os.path as osp

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'launch', osp.join(ROOT, 'mmadvisor', 'utils', 'launch.py'))
launch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launch)

launch.init_cpu_distributed(Config(dict(launcher='pytorch')))
value = torch.ones(16)
for _ in range(20):
    torch_dist.all_reduce(value)
launch.finish_distributed()
