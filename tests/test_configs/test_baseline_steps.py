"""Every CIFAR baseline config takes a real training step on tiny data."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASELINES = sorted(
    glob.glob(osp.join(ROOT, 'configs', 'baselines', '*cifar*.py')))


@pytest.mark.parametrize('path', BASELINES,
                         ids=[osp.basename(p) for p in BASELINES])
def test_baseline_loss_trains(path):
    cfg = Config.fromfile(path, import_custom_modules=False)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    classes = cfg.model.head.num_classes
    data = dict(
        inputs=[torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8)
                for _ in range(4)],
        data_samples=[DataSample().set_gt_label(c % classes)
                      for c in (0, 1, classes - 1, 2)])
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = model.head.fc.weight.detach().clone()
    logs = model.train_step(data, wrapper)
    assert torch.isfinite(logs['loss'])
    assert not torch.equal(before, model.head.fc.weight)
