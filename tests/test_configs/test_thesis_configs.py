"""Thesis configs, grid and results tools (tables 2.1-2.4, 3.1-3.7)."""
import functools
import glob
import importlib.util
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import load_checkpoint
from mmengine.visualization import LocalVisBackend
from mmpretrain.registry import MODELS

from benchmarks import thesis
from benchmarks.thesis import get_table

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    c for c in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in c)


#: the configs of the thesis' tables (the others have their own tests)
THESIS_DIRS = ('baselines', 'mfrw', 'mes', 'mw_net', 'mfrw_mes')


def _tool(name):
    """A command-line front end of tools/ (``main``, ``parse_args``)."""
    spec = importlib.util.spec_from_file_location(
        name, osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


grid = _tool('thesis_grid')
collect = _tool('collect_results')


@functools.lru_cache(maxsize=None)
def load(rel):
    """A parsed config (cached: tests read it, never change it)."""
    return Config.fromfile(osp.join(ROOT, rel), import_custom_modules=False)


# every config parses and its model builds ------------------------------------


#: The plug-in's checks (configs/_base_/check_hooks.py), which every config
#: must carry under every launcher.
CHECK_HOOKS = [h['type'] for h in Config.fromfile(osp.join(
    ROOT, 'configs', '_base_', 'check_hooks.py')).custom_hooks]


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(c, ROOT) for c in CONFIGS])
def test_config_parses_and_model_builds(path):
    cfg = load(path)
    hooks = [h['type'] for h in cfg.get('custom_hooks', [])]
    assert hooks[:len(CHECK_HOOKS)] == CHECK_HOOKS, hooks
    model_cfg = cfg.model.copy()
    # no download in tests: the ImageNet-pretrained weights are not loaded
    model_cfg.backbone = dict(model_cfg.backbone)
    model_cfg.backbone.pop('init_cfg', None)
    model = MODELS.build(model_cfg)
    assert model.head.num_classes == cfg.data_preprocessor.num_classes
    is_advisor = cfg.model.type == 'AdvisorClassifier'
    assert (cfg.optim_wrapper.get('type') == 'MetaOptimWrapper') == \
        is_advisor
    if not is_advisor:
        assert cfg.get('model_wrapper_cfg') is None
    else:  # the wrapper of the distributed meta step (a config that
        # inherits it through `mmadvisor::` carries that registry scope)
        wrapper = dict(cfg.model_wrapper_cfg)
        assert wrapper.pop('_scope_', 'mmadvisor') == 'mmadvisor'
        assert wrapper == dict(type='mmpretrain.MetaDistributedDataParallel')
    in_thesis = osp.basename(osp.dirname(path)) in THESIS_DIRS
    if is_advisor and in_thesis:
        # sections 2.5.2, 3.5.2: Adam 1e-4, advisor layers of 100 units
        # (MFRW / MES embeddings, MW-Net's hidden layer), rho 0.9
        assert cfg.optim_wrapper.meta_optimizer == dict(type='Adam', lr=1e-4)
        advisor = cfg.model.head.advisor
        width = dict(Advisor='embed_dims', MWNet='hidden')[advisor.type]
        assert advisor[width] == 100
        if cfg.model.head.loss.type == 'MetaEqualizationLoss':
            assert cfg.model.head.loss.rho == 0.9


THESIS_CIFAR = [
    c for c in CONFIGS
    if osp.basename(osp.dirname(c)) in THESIS_DIRS and 'cifar' in c
]


@pytest.mark.parametrize('path', THESIS_CIFAR,
                         ids=[osp.basename(c) for c in THESIS_CIFAR])
def test_cifar_protocol_order(path):
    """Meta split first (clean), then the long tail, then the noise."""
    cfg = load(path)
    noise = cfg.train_dataloader.dataset
    lt = noise.dataset
    split = lt.dataset
    assert (noise.type, lt.type, split.type) == (
        'LabelNoiseDataset', 'LongTailDataset', 'MetaSplit')
    assert split.split == 'train' and split.num_per_class == 10
    assert split.dataset.type.startswith('OfflineCIFAR')
    if 'flip' in path:  # tables 2.1-2.3, 3.5: balanced, p=0.4 by default
        assert lt.imbalance_factor == 1 and noise.noise_ratio == 0.4
    else:  # 3.1-3.3, 3.6: IF 100, clean by default
        assert lt.imbalance_factor == 100 and noise.noise_ratio == 0
    if cfg.model.type == 'AdvisorClassifier':
        meta = cfg.optim_wrapper.meta_dataloader.dataset
        assert meta.type == 'MetaSplit' and meta.split == 'meta'
        assert (meta.num_per_class, meta.seed) == (split.num_per_class,
                                                   split.seed)
        assert meta.dataset == split.dataset


# hyper-parameters against the thesis ------------------------------------------


def test_table_2_1_recipe():
    cfg = load('configs/mfrw/resnet32-mfrw_1xb128_cifar10-flip.py')
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == (
        'SGD', 0.1, 0.9, 5e-4)
    assert cfg.param_scheduler.milestones == [50, 70]
    assert cfg.param_scheduler.gamma == 0.1
    assert cfg.train_cfg.max_epochs == 100
    assert cfg.train_dataloader.batch_size == 128
    assert cfg.model.backbone == dict(type='CifarResNet', depth=32)
    assert cfg.model.head.advisor.outputs == ('mfrw', )


def test_table_3_1_and_3_3_recipe():
    for rel, backbone in (
            ('configs/mfrw_mes/resnet32-mfrw-mes_1xb128_cifar100-lt.py',
             dict(type='CifarResNet', depth=32)),
            ('configs/mfrw_mes/resnet18-mfrw-mes_1xb128_cifar100-lt.py',
             dict(type='ResNet_CIFAR', depth=18))):
        cfg = load(rel)
        assert cfg.optim_wrapper.optimizer.lr == 0.1
        assert cfg.param_scheduler.milestones == [160, 180]
        assert cfg.train_cfg.max_epochs == 200
        assert cfg.train_dataloader.batch_size == 128
        assert cfg.model.backbone == backbone


def test_table_3_2_recipe():
    cfg = load('configs/mfrw_mes/'
               'resnet32-mfrw-mes_1xb512-aa-cutout-cos13k_cifar10-lt.py')
    assert cfg.train_cfg == dict(by_epoch=False, max_iters=13000,
                                 val_interval=1000)
    assert cfg.train_dataloader.batch_size == 512
    sched = cfg.param_scheduler
    assert (sched.type, sched.T_max, sched.eta_min, sched.by_epoch) == (
        'CosineAnnealingLR', 13000, 0.0, False)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.lr, opt.momentum, opt.weight_decay) == (0.1, 0.9, 5e-4)
    pipeline = [t.type for t in cfg.train_dataloader.dataset.dataset.dataset
                .dataset.pipeline]
    assert 'AutoAugment' in pipeline and 'Cutout' in pipeline


def test_clothing1m_recipe():
    cfg = load('configs/mfrw_mes/resnet50_clothing1m.py')
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == (
        'SGD', 0.01, 0.9, 1e-3)
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.param_scheduler.milestones == [10, 15]
    assert cfg.train_cfg.max_epochs == 20
    assert cfg.model.backbone.depth == 50
    assert cfg.model.backbone.init_cfg.type == 'Pretrained'
    meta = cfg.optim_wrapper.meta_dataloader.dataset
    assert (meta.type, meta.split) == ('Clothing1M', 'val')
    assert cfg.test_dataloader.dataset.split == 'test'
    train_pipe = [t.type for t in cfg.train_dataloader.dataset.pipeline]
    assert 'RandomCrop' in train_pipe
    assert cfg.train_dataloader.dataset.pipeline[1].scale == (256, 256)


def test_large_scale_long_tail_recipes():
    inet = load('configs/mfrw_mes/resnet10-mfrw-mes_8xb64_imagenet-lt.py')
    assert inet.optim_wrapper.optimizer.lr == 0.2
    assert (inet.param_scheduler.type, inet.param_scheduler.T_max) == (
        'CosineAnnealingLR', 180)
    assert inet.train_cfg.max_epochs == 180
    assert inet.load_from.endswith('epoch_180.pth')
    assert inet.model.backbone == dict(type='ResNetLT', depth=10)
    meta = inet.optim_wrapper.meta_dataloader.dataset
    assert (meta.split, meta.num_per_class, meta.dataset.split) == (
        'meta', 10, 'val')
    assert inet.test_evaluator.topk == (1, 3, 5)
    places = load('configs/mfrw_mes/resnet152-mfrw-mes_1xb64_places-lt.py')
    assert places.optim_wrapper.optimizer.lr == 0.005
    assert places.train_cfg.max_epochs == 60
    assert places.param_scheduler.T_max == 60
    assert places.train_dataloader.batch_size == 64
    assert places.model.backbone.depth == 152
    # the advisor runs start from their CE baselines, as the grid trains them
    runs = {
        r.method + r.setting.dataset: r
        for r in thesis.table_runs('3.4')
    }
    for ds in ('imagenet-lt', 'places-lt'):
        ce, adv = runs['ce' + ds], runs['mfrw-mes' + ds]
        cfg = inet if ds == 'imagenet-lt' else places
        assert cfg.load_from.startswith(ce.work_dir + '/')
        assert adv.cfg_options == [f'load_from={cfg.load_from}']


# class counts of the count-based losses ---------------------------------------


#: CIFAR-10 at IF=100, by hand: n_c = floor(4990 * 100^(-c/9)), 4990 = 5000
#: images per class minus the 10 of the meta set; 100^(-1/9) = 0.59948:
#:   4990 * 0.59948 = 2991.4,  * 0.35938 = 1793.3,  * 0.21544 = 1075.1,
#:   * 0.12915 = 644.5,  * 0.07743 = 386.4,  * 0.04642 = 231.6,
#:   * 0.02783 = 138.8,  * 0.01668 = 83.2,  * 0.01 = 49.9
CIFAR10_IF100 = [4990, 2991, 1793, 1075, 644, 386, 231, 138, 83, 49]


def test_config_counts_follow_the_protocol():
    assert thesis.protocol_class_counts('cifar10', 100) == CIFAR10_IF100
    # CIFAR-100: 490 = 500 - 10 per class, n_c = floor(490 * 100^(-c/99)):
    # c=1: 490 * 0.95455 = 467.7; c=50: 490 * 10^(-100/99) = 47.9;
    # c=99: 490 * 0.01 = 4.9
    counts = thesis.protocol_class_counts('cifar100', 100)
    assert (len(counts), counts[0], counts[1], counts[50], counts[99]) == (
        100, 490, 467, 47, 4)
    for dataset, expected in (('cifar10', CIFAR10_IF100), ('cifar100',
                                                           counts)):
        for model in ('resnet32', 'resnet18'):
            cfg = load(f'configs/baselines/{model}-balms_1xb128_'
                       f'{dataset}-lt.py')
            assert cfg.model.head.loss.class_counts == expected
    # a flip config is balanced: every class keeps 5000 - 10 / 500 - 10
    for dataset, balanced in (('cifar10', [4990] * 10), ('cifar100',
                                                         [490] * 100)):
        cfg = load(f'configs/baselines/resnet32-balms_1xb128_{dataset}-'
                   'flip.py')
        assert cfg.model.head.loss.class_counts == balanced


def test_class_weights_by_hand():
    """CB and CBW weights of CIFAR-10 at IF=100, normalised to sum to C=10.

    CBW, w_c proportional to 1 / n_c: w_9 / w_0 = 4990 / 49 = 101.84.
    CB, w_c proportional to (1 - b) / (1 - b^n_c) with the thesis'
    b = 0.9999, ln b = -1.00005e-4: b^4990 = e^-0.49903 = 0.60712 and
    b^49 = e^-0.0049002 = 0.99511, so w_9 / w_0 = (1 - 0.60712) /
    (1 - 0.99511) = 0.39288 / 0.0048882 = 80.37.
    The configs compute their weights from the fragment's beta, the grid
    its options from the same fragment: both give these numbers.
    """
    for method, beta, ratio in (('cbw-ce', None, 101.84),
                                ('cb-ce', 0.9999, 80.37)):
        w = thesis.class_weights(CIFAR10_IF100, beta)
        assert sum(w) == pytest.approx(10)
        assert w[9] / w[0] == pytest.approx(ratio, rel=1e-3)
        assert w == sorted(w)  # rarer classes weigh more
        cfg = load(f'configs/baselines/resnet32-{method}_1xb512-aa-cutout-'
                   'cos13k_cifar10-lt.py')
        np.testing.assert_allclose(cfg.model.head.loss.class_weight, w)
        opts = dict(o.split('=', 1) for o in thesis.cfg_options(
            method, thesis.Setting('cifar10', 100)))
        np.testing.assert_allclose(
            json.loads(opts['model.head.loss.class_weight']), w)
    cfg = load('configs/baselines/resnet18-cb-ce_1xb128_cifar10-lt.py')
    weight = cfg.model.head.loss.class_weight
    assert weight[9] / weight[0] == pytest.approx(80.37, rel=1e-3)


def test_grid_passes_counts_with_the_imbalance_factor():
    run = [r for r in thesis.table_runs('3.6')
           if r.method == 'balms' and r.setting.imbalance_factor == 10
           and r.setting.dataset == 'cifar10'][0]
    opts = dict(o.split('=', 1) for o in run.cfg_options)
    assert opts[thesis.IF_KEY] == '10'
    assert opts[thesis.NOISE_TYPE_KEY] == 'flip'
    # IF=10 by hand: n_c = floor(4990 * 10^(-c/9)); 10^(-1/9) = 0.77426:
    # 4990 * 0.77426 = 3863.6, * 0.59948 = 2991.4, * 0.46416 = 2316.2,
    # * 0.35938 = 1793.3, * 0.27826 = 1388.5, * 0.21544 = 1075.1,
    # * 0.16681 = 832.4, * 0.12915 = 644.5, * 0.1 = 499.0
    assert opts['model.head.loss.class_counts'] == (
        '[4990,3863,2991,2316,1793,1388,1075,832,644,499]')
    assert thesis.options_for(run.config, 10, 'flip',
                              run.setting.noise_ratio) == run.cfg_options


# the grid tool ----------------------------------------------------------------

# methods with a config x settings of the table
EXPECTED_RUNS = {
    '2.1': 4 * 10, '2.2': 3 * 8, '2.3': 3 * 8, '2.4': 3, '3.1': 8 * 10,
    '3.2': 9 * 6, '3.3': 6 * 10, '3.4': 2 * 2, '3.5': 7 * 8, '3.6': 6 * 12,
    '3.7': 5
}


@pytest.mark.parametrize('table', sorted(EXPECTED_RUNS))
def test_grid_lists_every_run(table):
    runs = thesis.table_runs(table)
    assert len(runs) == EXPECTED_RUNS[table]
    assert len({r.work_dir for r in runs}) == len(runs)
    for run in runs:
        assert osp.exists(osp.join(ROOT, run.config)), run.config


def test_grid_settings_of_table_2_2():
    runs = thesis.table_runs('2.2')
    assert {r.setting.noise_type for r in runs} == {'flip2'}
    assert sorted({r.setting.noise_ratio for r in runs}) == [0.2, 0.4, 0.6,
                                                             0.8]
    assert all(r.config.endswith('-flip.py') for r in runs)


def test_grid_cli(capsys):
    assert grid.main(['--table', '2.4', '--run', '--dry-run']) == 0
    out = capsys.readouterr().out
    assert out.count('tools/train.py') == 3
    assert 'configs/mfrw/resnet50-mfrw_1xb32_clothing1m.py' in out
    assert grid.main(['--table', 'table 3.7', '--print-commands']) == 0
    assert capsys.readouterr().out.count('\n') == 5
    assert grid.main(['--table', '3.2', '--print-commands', '--gpus',
                      '8']) == 0
    assert 'tools/dist_train.sh' in capsys.readouterr().out


@pytest.mark.parametrize('bad', ['3.8', '3,1', '31', 'foo'])
def test_unknown_table_is_a_clear_error(bad, capsys):
    assert grid.main(['--table', bad]) == 2
    err = capsys.readouterr().err
    assert f'unknown table {bad!r}' in err and '3.1' in err
    with pytest.raises(KeyError, match='unknown table'):
        get_table(bad)
    with pytest.raises(SystemExit):
        collect.parse_args([])


# the results tool ---------------------------------------------------------------


def fake_run(work_dir, top1, step=20, max_epochs=20, **metrics):
    """A run dir as MMEngine writes it: {timestamp}/vis_data/scalars.json."""
    backend = LocalVisBackend(
        save_dir=str(work_dir / '20240101_000000' / 'vis_data'))
    backend.add_config(Config(dict(train_cfg=dict(max_epochs=max_epochs))))
    backend.add_scalars(dict(loss=1.0, lr=0.01), step=5)
    backend.add_scalars(
        {'accuracy/top1': top1, 'data_time': 0.1, **metrics}, step=step)
    return work_dir


def test_collect_builds_the_row(tmp_path):
    root = tmp_path / 'work_dirs'
    fake_run(root / 'resnet50-mfrw-mes_1xb32_clothing1m' / 'clothing1m',
             77.123)
    with open(root / 'resnet50-mfrw-mes_1xb32_clothing1m' / 'clothing1m' /
              '20240101_000000' / 'vis_data' / 'scalars.json') as f:
        assert json.loads(f.readlines()[-1])['step'] == 20  # real format
    md = thesis.build_table('3.7', [str(root)])
    lines = md.splitlines()
    assert '| MFRW-MES (thesis) | 77.44 |' in lines
    assert '| MFRW-MES (ours) | 77.12 |' in lines
    assert '| MES (ours) | - |' in lines       # not run
    assert '| DivideMix [35] (thesis) | 74.76 |' in lines  # cited only
    assert not any('DivideMix [35] (ours)' in x for x in lines)
    # a run dir itself works as well
    md2 = thesis.build_table('3.7', [str(
        root / 'resnet50-mfrw-mes_1xb32_clothing1m' / 'clothing1m')])
    assert md2 == md


def test_collect_top_k_columns(tmp_path):
    fake_run(tmp_path / 'resnet10-mfrw-mes_8xb64_imagenet-lt' /
             'imagenet-lt', 41.0, step=180, max_epochs=180,
             **{'accuracy/top3': 60.0, 'accuracy/top5': 67.5})
    md = thesis.build_table('3.4', [str(tmp_path)])
    assert '| MFRW-MES (ours) | 41.00 | 60.00 | 67.50 | - | - | - |' in md


def test_collect_errors_name_the_work_dir(tmp_path, capsys):
    empty = tmp_path / 'resnet50-mfrw_1xb32_clothing1m' / 'clothing1m'
    empty.mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=f'no results in work dir '
                       f'{empty}'):
        thesis.build_table('2.4', [str(empty)])
    assert collect.main([str(empty), '--table', '2.4']) == 2
    assert str(empty) in capsys.readouterr().err
    unfinished = fake_run(
        tmp_path / 'resnet50-ce_1xb32_clothing1m' / 'clothing1m', 60.0,
        step=10)
    with pytest.raises(ValueError, match='unfinished.*step 10.*ends at 20'):
        thesis.read_result(str(unfinished))
    stray = fake_run(tmp_path / 'something_else', 50.0)
    with pytest.raises(ValueError, match='hold no run of table 2.4'):
        thesis.build_table('2.4', [str(stray)])
    with pytest.raises(KeyError, match='unknown table'):
        thesis.build_table('2.5', [])
    assert collect.main(['--thesis-only', '--table', '2.5']) == 2


def test_readme_tables_are_generated():
    assert thesis.update_readmes(check=True) == []
    for method in ('mfrw_mes', 'mfrw', 'mes', 'mw_net', 'baselines'):
        text = open(osp.join(ROOT, 'configs', method, 'README.md')).read()
        assert '<!-- thesis-table' in text and '(thesis)' in text
        assert osp.exists(osp.join(ROOT, 'configs', method, 'metafile.yml'))
    assert osp.exists(
        osp.join(ROOT, 'configs', 'mfrw_mes', 'resnet50_clothing1m.py'))


# tiny end-to-end runs on CIFAR-format data --------------------------------------


def write_cifar10(root, per_batch=12, test=20):
    rng = np.random.default_rng(0)
    base = root / 'cifar-10-batches-py'
    base.mkdir(parents=True)
    names = [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']
    for i, name in enumerate(names):
        n = test if name == 'test_batch' else per_batch
        data = rng.integers(0, 256, (n, 3 * 32 * 32), dtype=np.uint8)
        labels = [j % 10 for j in range(n)]
        if name == 'test_batch':
            # skewed, so that the top-1 of a one-epoch (near-constant)
            # classifier tells the class it predicts: 11 images of class
            # 0 (55 %), one of each other class (5 %)
            labels = [0] * (n - 9) + list(range(1, 10))
        with open(base / name, 'wb') as f:
            pickle.dump({'data': data, 'labels': labels}, f)
    with open(base / 'batches.meta', 'wb') as f:
        pickle.dump({'label_names': [f'c{i}' for i in range(10)]}, f)


@pytest.fixture(scope='module')
def cifar_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cifar10')
    write_cifar10(root)
    return root


def tiny_options(root, advisor):
    data = [f'data_root={root}', 'check_integrity=False']
    opts = ['train_cfg.max_epochs=1', 'default_hooks.logger.interval=1']
    split = 'train_dataloader.dataset.dataset.dataset'
    opts += [f'{split}.num_per_class=1']
    opts += [f'{split}.dataset.{d}' for d in data]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.batch_size=16', f'{loader}.num_workers=0',
                 f'{loader}.persistent_workers=False']
    for loader in ('val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.dataset.{d}' for d in data]
    if advisor:
        meta = 'optim_wrapper.meta_dataloader'
        opts += [f'{meta}.batch_size=10', f'{meta}.num_workers=0',
                 f'{meta}.persistent_workers=False',
                 f'{meta}.dataset.num_per_class=1']
        opts += [f'{meta}.dataset.dataset.{d}' for d in data]
    return opts


def checkpoint_top1(config, checkpoint, cifar_root):
    """Top-1 (%) of ``checkpoint`` on the test batch of ``write_cifar10``."""
    cfg = load(config)
    model = MODELS.build(cfg.model)
    load_checkpoint(model, str(checkpoint), map_location='cpu')
    model.eval()
    with open(cifar_root / 'cifar-10-batches-py' / 'test_batch', 'rb') as f:
        batch = pickle.load(f)
    images = torch.from_numpy(batch['data'].reshape(-1, 3, 32, 32))
    with torch.no_grad():
        inputs = model.data_preprocessor(dict(inputs=list(images)))['inputs']
        pred = model(inputs, mode='tensor').argmax(1)
    correct = (pred == torch.tensor(batch['labels'])).sum().item()
    return 100 * correct / len(batch['labels'])


TINY_RUNS = {
    'ce': ('configs/baselines/resnet32-ce_1xb128_cifar10-flip.py', False, []),
    'mw-net': ('configs/mw_net/resnet32-mw-net_1xb128_cifar10-flip.py', True,
               ['train_dataloader.dataset.noise_type=flip2']),
    'mfrw-mes-lt-flip':
    ('configs/mfrw_mes/resnet32-mfrw-mes_1xb128_cifar10-lt.py', True,
     [f'{thesis.IF_KEY}=2', f'{thesis.NOISE_RATIO_KEY}=0.4']),
}


@pytest.fixture(scope='module')
def tiny_runs(cifar_root, tmp_path_factory):
    """The three tiny trainings, run side by side (one thread each)."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    procs = {}
    for name, (config, advisor, extra) in TINY_RUNS.items():
        work_dir = tmp_path_factory.mktemp(name)
        procs[name] = (work_dir, subprocess.Popen(
            [sys.executable, 'tools/train.py', config, '--work-dir',
             str(work_dir), '--cfg-options',
             *tiny_options(cifar_root, advisor), *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True))
    out = {}
    for name, (work_dir, proc) in procs.items():
        log, _ = proc.communicate(timeout=180)
        out[name] = (work_dir, proc.returncode, log)
    return out


@pytest.mark.parametrize('name', sorted(TINY_RUNS))
def test_tiny_end_to_end(tiny_runs, cifar_root, name):
    config, advisor, _ = TINY_RUNS[name]
    work_dir, returncode, log = tiny_runs[name]
    assert returncode == 0, log[-3000:]
    assert ('loss_meta' in log) == advisor
    assert osp.exists(work_dir / 'epoch_1.pth')
    # the logged result is the top-1 of the saved weights on the 20 test
    # images, worked out here from the checkpoint and the written labels
    result = thesis.read_result(str(work_dir))
    assert result['accuracy/top1'] == pytest.approx(
        checkpoint_top1(config, work_dir / 'epoch_1.pth', cifar_root))
    if 'lt' in config:  # the long tail ran after the meta split, noise last
        assert 'IF=2' in log
