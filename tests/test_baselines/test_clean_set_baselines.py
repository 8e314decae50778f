"""Clean-set baselines (CE on train + meta, fine-tuning, meta only): configs
parse, train through tools/train.py, the fine-tuning stage starts from the
stage-1 weights."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

from fashion_mnist_files import write_fashion_mnist

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASELINES = osp.join(ROOT, 'configs', 'clean_set_baselines')
DIGITS = {
    'union': 'resnet20-ce_1xb64_digits-flip0.6-union-meta.py',
    'ft': 'resnet20-ce-ft_1xb32_digits-meta10.py',
    'meta': 'resnet20-ce_1xb64_digits-meta10-only.py',
}
FASHION = {
    'union': 'lenet5-ce_1xb64_fashion-mnist-flip0.4-union-meta.py',
    'ft': 'lenet5-ce-ft_1xb32_fashion-mnist-meta10.py',
    'meta': 'lenet5-ce_1xb64_fashion-mnist-meta10-only.py',
}
DIGITS_CE = osp.join(ROOT, 'configs', 'quickstart',
                     'resnet20-ce_1xb64_digits-flip0.6.py')
FASHION_CE = osp.join(ROOT, 'configs', 'fashion_mnist',
                      'lenet5-ce_1xb64_fashion-mnist-flip0.4.py')

# One fast epoch: a 4-channel ResNet-20 (digits), small batches, no
# validation, a checkpoint at epoch 1.
FAST = [
    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1', 'train_dataloader.batch_size=32',
    'test_dataloader.dataset.indices=32', 'val_dataloader.dataset.indices=32'
]
TINY_RESNET = ['model.backbone.stem_channels=4',
               'model.backbone.base_channels=4', 'model.head.in_channels=16']


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    # mmengine's ConcatDataset / RepeatDataset build their parts in the
    # default scope, which the runner sets from the config.
    init_default_scope('mmpretrain')


@pytest.fixture
def fashion_root(tmp_path, monkeypatch):
    """Tiny Fashion-MNIST idx files (20 train / 5 test images per class)
    in the real gzip format; the configs find them via FASHION_MNIST_ROOT.
    """
    write_fashion_mnist(tmp_path, train_per_class=20, test_per_class=5)
    monkeypatch.setenv('FASHION_MNIST_ROOT', str(tmp_path))
    return tmp_path


def train(config, work_dir, *options):
    """Run tools/train.py in this process (saves the interpreter start)."""
    spec = importlib.util.spec_from_file_location(
        'train_tool', osp.join(ROOT, 'tools', 'train.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    argv = [config, '--work-dir', str(work_dir)]
    if options:
        argv += ['--cfg-options', *options]
    old, sys.argv = sys.argv, ['train.py'] + argv
    try:
        tool.main()
    finally:
        sys.argv = old
    return work_dir


def params(checkpoint):
    """Trainable weights of a checkpoint (batch-norm statistics left out:
    they follow every forward in train mode)."""
    state = torch.load(checkpoint, map_location='cpu',
                       weights_only=True)['state_dict']
    return {k: v for k, v in state.items()
            if 'running_' not in k and 'num_batches' not in k}


def test_union_is_train_plus_meta_digits():
    cfg = Config.fromfile(osp.join(BASELINES, DIGITS['union']))
    union = DATASETS.build(cfg.train_dataloader.dataset)
    noisy, meta = union.datasets
    assert type(noisy).__name__ == 'LabelNoiseDataset'
    assert type(meta).__name__ == 'MetaSplit' and meta.split == 'meta'
    assert len(meta) == 100
    assert len(union) == len(noisy) + len(meta) == 1257
    # disjoint: the two sides of the same split
    train_side = noisy.dataset
    assert not set(train_side.train_indices) & set(meta.meta_indices)
    # the meta side keeps clean labels
    clean = train_side.dataset.get_gt_labels()[meta.meta_indices]
    assert (meta.get_gt_labels() == clean).all()


def test_union_is_train_plus_meta_fashion(fashion_root):
    cfg = Config.fromfile(osp.join(BASELINES, FASHION['union']))
    union = DATASETS.build(cfg.train_dataloader.dataset)
    assert [len(d) for d in union.datasets] == [100, 100]
    assert len(union) == 200
    assert tuple(union[0]['inputs'].shape) == (1, 32, 32)


@pytest.mark.parametrize('name', ['union', 'meta'])
def test_digits_baseline_trains(name, tmp_path):
    train(osp.join(BASELINES, DIGITS[name]), tmp_path, *FAST, *TINY_RESNET)
    assert osp.exists(tmp_path / 'epoch_1.pth')


def test_meta_only_trains_on_the_meta_set_repeated():
    cfg = Config.fromfile(osp.join(BASELINES, DIGITS['meta']))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(dataset) == 10 * 100
    labels = {dataset.get_data_info(i)['gt_label'] for i in range(100)}
    assert labels == set(range(10))


@pytest.mark.parametrize('name', ['union', 'meta'])
def test_fashion_baseline_trains(name, fashion_root, tmp_path):
    train(osp.join(BASELINES, FASHION[name]), tmp_path, *FAST)
    assert osp.exists(tmp_path / 'epoch_1.pth')


@pytest.mark.parametrize('stage1,stage2,tiny,check_scratch', [
    (DIGITS_CE, osp.join(BASELINES, DIGITS['ft']), TINY_RESNET, False),
    (FASHION_CE, osp.join(BASELINES, FASHION['ft']), [], True),
])
def test_finetune_starts_from_stage1(stage1, stage2, tiny, check_scratch,
                                     fashion_root, tmp_path):
    first = train(stage1, tmp_path / 'stage1', *FAST, *tiny)
    ckpt = str(first / 'epoch_1.pth')
    # lr 0: the weights stage 2 saves are the weights it started from
    second = train(stage2, tmp_path / 'stage2', *FAST, *tiny,
                   f'load_from={ckpt}', 'optim_wrapper.optimizer.lr=0.0')
    loaded, start = params(ckpt), params(second / 'epoch_1.pth')
    assert loaded.keys() == start.keys()
    for key, value in loaded.items():
        assert torch.equal(value, start[key]), key
    if not check_scratch:
        return
    # a fresh model differs: the check above can fail
    scratch = train(stage2, tmp_path / 'scratch', *FAST, *tiny,
                    'load_from=None', 'optim_wrapper.optimizer.lr=0.0')
    fresh = params(scratch / 'epoch_1.pth')
    assert any(not torch.equal(v, fresh[k]) for k, v in loaded.items())


def test_finetune_without_checkpoint_fails_loudly(tmp_path):
    with pytest.raises(FileNotFoundError, match='load_from'):
        train(osp.join(BASELINES, DIGITS['ft']), tmp_path, *FAST,
              *TINY_RESNET)
