"""MMPretrain's own tools (shipped in its wheel under ``mmpretrain/.mim/
tools``) train and test this repository's configs unchanged."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import mmpretrain
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MIM_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')
CONFIG = osp.join(ROOT, 'configs', 'quickstart',
                  'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')
# 200 digits images (100 noisy training images, a 10-per-class meta set),
# two epochs, a log line every iteration: seconds.
TINY = [
    'train_dataloader.dataset.dataset.dataset.indices=200',
    'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
    'train_dataloader.batch_size=32', 'test_dataloader.dataset.indices=64',
    'val_dataloader.dataset.indices=64', 'train_cfg.max_epochs=2',
    'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1',
    'default_hooks.logger.interval=1'
]
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
           'meta_dataloader')


def mim_tool(name, *args, cwd):
    """Run MMPretrain's shipped ``tools/<name>`` as a user would."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    return subprocess.run([sys.executable, osp.join(MIM_TOOLS, name), *args],
                          cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """The quickstart advisor config trained by MMPretrain's train.py,
    started outside the repository."""
    work_dir = tmp_path_factory.mktemp('mim_train')
    proc = mim_tool('train.py', CONFIG, '--work-dir', str(work_dir),
                    '--cfg-options', *TINY, cwd=str(work_dir))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work_dir, proc


def test_mmpretrain_train_tool_trains_the_advisor(trained):
    work_dir, proc = trained
    assert osp.isfile(work_dir / 'epoch_2.pth')
    (scalars, ) = glob.glob(str(work_dir / '*' / 'vis_data' /
                                'scalars.json'))
    records = [json.loads(line) for line in open(scalars)]
    train = [r for r in records if 'loss_meta' in r]
    assert len(train) == 2 * 4  # 100 images / 32 = 4 iterations per epoch
    assert all(0 < r['advice_w_f'] < 1 for r in train)
    assert [r['step'] for r in records if 'accuracy/top1' in r] == [1, 2]
    assert 'loss_meta' in proc.stdout + proc.stderr


def test_mmpretrain_test_tool_evaluates_the_checkpoint(trained, tmp_path):
    work_dir, _ = trained
    out = tmp_path / 'metrics.json'
    proc = mim_tool('test.py', CONFIG, str(work_dir / 'epoch_2.pth'),
                    '--work-dir', str(tmp_path), '--out', str(out),
                    '--out-item', 'metrics', '--cfg-options', *TINY,
                    cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = json.loads(out.read_text())
    # the weights validated after epoch 2 (validation = the test split)
    (scalars, ) = glob.glob(str(work_dir / '*' / 'vis_data' /
                                'scalars.json'))
    (logged, ) = [json.loads(line) for line in open(scalars)
                  if '"accuracy/top1"' in line and '"step": 2' in line]
    assert metrics['accuracy/top1'] == pytest.approx(logged['accuracy/top1'])


def test_mmpretrain_amp_flag_stops_naming_our_train_tool(monkeypatch):
    """MMPretrain's ``--amp`` sets ``optim_wrapper.type='AmpOptimWrapper'``
    (replacing the meta step): the run must stop and name the way out,
    ``tools/train.py --amp``. (On CPU MMEngine refuses AmpOptimWrapper
    first, so the GPU check is patched.)"""
    import mmengine.optim.optimizer.amp_optimizer_wrapper as amp
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmpretrain.registry import MODELS

    from mmengine.registry import init_default_scope
    monkeypatch.setattr(amp, 'is_cuda_available', lambda: True)
    init_default_scope('mmpretrain')  # as the runner does from the config
    cfg = Config.fromfile(CONFIG)
    # what MMPretrain's tools/train.py --amp does to the config
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    model = MODELS.build(cfg.model)
    with pytest.raises(Exception, match='tools/train.py'):
        build_optim_wrapper(model, cfg.optim_wrapper)


def test_configs_with_no_workers_say_persistent_workers_false(monkeypatch):
    """MMPretrain's train.py sets persistent_workers=True on every loader
    that leaves it unset, which DataLoader refuses with num_workers=0."""
    import functools

    import mmengine.config.utils as config_utils
    from mmengine.config import Config

    # Reading MMPretrain's model index once instead of once per
    # `mmpretrain::` base halves the time (same files, same answers).
    monkeypatch.setattr(
        config_utils, '_get_cfg_metainfo',
        functools.lru_cache(config_utils._get_cfg_metainfo))
    configs = sorted(
        c for c in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                             recursive=True)
        if f'{os.sep}_base_{os.sep}' not in c)
    assert len(configs) > 50
    unset = []
    for path in configs:
        cfg = Config.fromfile(path)
        loaders = {key: cfg.get(key) for key in LOADERS}
        loaders['optim_wrapper.meta_dataloader'] = (cfg.get('optim_wrapper')
                                                    or {}).get(
                                                        'meta_dataloader')
        for key, loader in loaders.items():
            if loader and loader.get('num_workers', 0) == 0 \
                    and 'persistent_workers' not in loader:
                unset.append(f'{osp.relpath(path, ROOT)}: {key}')
    assert not unset, '\n'.join(unset)


def test_both_train_tools_refuse_an_overlapping_meta_set(tmp_path):
    """The check hooks come with the configs, not with a launcher: a meta
    set drawn with another seed than the training side's (most of its
    images are training images) stops MMPretrain's own train.py as it
    stops this repository's, before anything is trained, with the same
    message."""
    options = ['--cfg-options', *TINY,
               'optim_wrapper.meta_dataloader.dataset.seed=1']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    messages = {}
    for name, tool in (('mmpretrain', osp.join(MIM_TOOLS, 'train.py')),
                       ('mmadvisor', osp.join(ROOT, 'tools', 'train.py'))):
        work_dir = tmp_path / name
        proc = subprocess.run(
            [sys.executable, tool, CONFIG, '--work-dir', str(work_dir),
             *options], cwd=str(tmp_path), env=env, capture_output=True,
            text=True)
        assert proc.returncode != 0, proc.stdout[-2000:]
        (line, ) = [x for x in proc.stderr.splitlines()
                    if 'meta-set images are also training images' in x]
        messages[name] = line[line.index('ValueError: '):]
        assert not glob.glob(str(work_dir / '*.pth'))
    assert messages['mmpretrain'] == messages['mmadvisor']
    assert 'of the 100 meta-set images' in messages['mmpretrain']
    assert 'seed=1' in messages['mmpretrain']
