"""Shared test setup: OMP_NUM_THREADS threads (1 by default), the plug-in
registered, tiny models."""
import os
import os.path as osp
import sys
import warnings

# One thread unless the run asks for more (the suite must pass with
# OMP_NUM_THREADS=2 too: reductions split over threads round differently).
os.environ.setdefault('OMP_NUM_THREADS', '1')
# The research harness (benchmarks/) is imported from the checkout, as
# its tools do: it is not installed.
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import torch  # noqa: E402

torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))
warnings.filterwarnings('ignore', category=DeprecationWarning)
warnings.filterwarnings('ignore', category=FutureWarning)
warnings.filterwarnings('ignore', message='.*MultiScaleDeformableAttention.*')

import mmadvisor  # noqa: E402,F401

import pytest  # noqa: E402
import torch.nn as nn  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402
from mmengine.model import BaseModule  # noqa: E402
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS  # noqa
from mmpretrain.structures import DataSample  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

from mmadvisor.datasets.samplers import MetaSampler  # noqa: E402


@MODELS.register_module(force=True)
class TinyNet(BaseModule):
    """A two-layer MLP backbone over flattened (3, 2, 2) inputs."""

    def __init__(self, in_dim: int = 12, hidden: int = 6,
                 with_bn: bool = False) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.bn = nn.BatchNorm1d(hidden) if with_bn else nn.Identity()
        self.fc2 = nn.Linear(hidden, hidden)

    def forward(self, x):
        x = x.to(self.fc1.weight.dtype)  # the preprocessor gives float32
        h = torch.tanh(self.bn(self.fc1(x.flatten(1))))
        return (torch.tanh(self.fc2(h)), )


class ToyDataset(Dataset):
    """Fixed random (3, 2, 2) inputs with labels ``i % num_classes``."""

    def __init__(self, n: int, num_classes: int = 3, seed: int = 0,
                 labels=None) -> None:
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, 3, 2, 2, generator=g)
        self.labels = list(labels) if labels is not None else [
            i % num_classes for i in range(n)
        ]
        self.metainfo = dict(classes=[str(c) for c in range(num_classes)])

    def __len__(self):
        return len(self.x)

    def get_gt_labels(self):
        return self.labels

    def __getitem__(self, i):
        sample = DataSample().set_gt_label(self.labels[i])
        sample.set_metainfo(dict(sample_idx=i))
        return dict(inputs=self.x[i].clone(), data_samples=sample)


def tiny_classifier(outputs=('mfrw', 'mes'), num_classes=3, rho=0.9,
                    dtype=torch.float32, with_bn=False):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='AdvisorClassifier',
            data_preprocessor=dict(type='ClsDataPreprocessor'),
            backbone=dict(type='TinyNet', with_bn=with_bn),
            head=dict(
                type='AdvisorHead',
                num_classes=num_classes,
                in_channels=6,
                advisor=dict(type='Advisor', outputs=outputs, embed_dims=4),
                loss=dict(type='MetaEqualizationLoss', rho=rho))))
    return model.to(dtype)


def meta_wrapper(model, meta_set, meta_batch=6, lr=0.1, meta_lr=1e-4,
                 meta_optimizer=None, **kwargs):
    loader = DataLoader(
        meta_set,
        batch_size=meta_batch,
        sampler=MetaSampler(meta_set, shuffle=False, seed=0),
        collate_fn=pseudo_collate)
    cfg = dict(
        type='MetaOptimWrapper',
        optimizer=dict(type='SGD', lr=lr),
        meta_optimizer=meta_optimizer or dict(type='Adam', lr=meta_lr),
        meta_dataloader=loader,
        **kwargs)
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='MetaOptimWrapperConstructor',
             optim_wrapper_cfg=cfg))(model)


def batch_of(dataset, indices):
    return pseudo_collate([dataset[i] for i in indices])


@pytest.fixture(scope='session')
def clone(tmp_path_factory):
    """The build's sources as a fresh clone has them (no ``.mim``)."""
    from install_helpers import copy_sources
    top = tmp_path_factory.mktemp('clone')
    copy_sources(top)
    return top


@pytest.fixture(scope='session')
def wheel(clone, tmp_path_factory):
    """mmadvisor's wheel, built once per session from :func:`clone`."""
    from install_helpers import build_wheel
    return build_wheel(clone, tmp_path_factory.mktemp('dist'))


@pytest.fixture
def toy():
    return dict(
        train=ToyDataset(12, seed=1), meta=ToyDataset(6, seed=2),
        classifier=tiny_classifier, wrapper=meta_wrapper, batch=batch_of,
        dataset=ToyDataset)


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'cuda: needs a CUDA device (tools/device_check.py runs '
        'them on a GPU; skipped elsewhere)')
