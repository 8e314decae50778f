"""``mim`` (OpenMMLab's command line, ``openmim``) knows the installed
package: ``mim list`` lists it, ``mim search mmadvisor`` reads its model
index (the metafiles, with the Fashion-MNIST benchmark's measured results),
``mim train`` / ``mim test`` find a config by its name and run the wheel's
``.mim/tools/train.py`` / ``test.py``. Each command runs in a subprocess on
the wheel installed into a folder of its own, which ``PYTHONPATH`` puts
before this venv's (editable) install. An editable install is not a
layout ``mim`` can read (README, "mim"): the last test pins down what it
reports there."""
import json
import os.path as osp
import sys
import zipfile

import pytest
import yaml
from install_helpers import ROOT, copy_sources, run

from benchmarks import fashion_mnist_benchmark as bench
from benchmarks import metafiles

pytest.importorskip('mim', reason='openmim is a test requirement')

CONFIG = 'resnet20-mfrw-mes_1xb64_digits-flip0.6.py'
#: The quickstart's advisor config made tiny (as tests/test_install.py's
#: USER_CONFIG): 200 digits, one epoch, every iteration logged.
TINY = ['train_dataloader.batch_size=32',
        'train_dataloader.dataset.dataset.dataset.indices=200',
        'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
        'val_dataloader.dataset.indices=64',
        'test_dataloader.dataset.indices=64', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1']


@pytest.fixture(scope='module')
def site(wheel, tmp_path_factory):
    """The wheel installed into a folder of its own."""
    target = tmp_path_factory.mktemp('site')
    run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
         '--target', str(target), wheel], cwd=target)
    return target


def mim(site, *args, cwd):
    """``mim ARGS`` with the package of ``site`` first on the path (in the
    commands it starts too)."""
    return run([sys.executable, '-m', 'mim', *map(str, args)], cwd=cwd,
               env={'PYTHONPATH': str(site)})


def test_mim_list_shows_the_package(site, tmp_path):
    out = mim(site, 'list', cwd=tmp_path).stdout
    (row, ) = [line.split() for line in out.splitlines()
               if line.startswith('mmadvisor ')]
    version = {}
    with open(osp.join(ROOT, 'mmadvisor', 'version.py')) as f:
        exec(f.read(), version)
    assert row[:2] == ['mmadvisor', version['__version__']]


def test_mim_search_shows_the_measured_fashion_mnist_results(site, tmp_path):
    """The benchmark's 12 configs, each with the test top-1 of the
    committed runs per setting: the numbers of the metafile, which are the
    means of docs/results/fashion_mnist_bench.jsonl."""
    mim(site, 'search', 'mmadvisor', '--dataset', 'fashion-mnist', '--json',
        'found.json', cwd=tmp_path)
    found = json.loads((tmp_path / 'found.json').read_text())
    configs = metafiles.bench_configs()
    names = [osp.splitext(osp.basename(c))[0] for c in configs]
    assert sorted(found['config']) == sorted(names) and len(names) == 12
    # the thesis' configs train on other data: not among them
    assert not any(name.startswith('resnet') for name in found['config'])
    cells = metafiles.bench_cells(metafiles.load_bench_rows())
    checked = 0
    for config, name in zip(configs, names):
        method = metafiles.bench_method(config)
        for setting, cell in cells[method].items():
            key = (f'fashion-mnist {bench.SETTINGS[setting].label.lower()}'
                   '/top_1_accuracy')
            if cell is None:
                assert found.get(key, {}).get(name) is None
                continue
            runs = [r for r in metafiles.load_bench_rows()
                    if r['setting'] == setting and r['method'] == method
                    and r['variant'] == cell['variant']]
            mean = sum(r['top1'] for r in runs) / len(runs)
            assert found[key][name] == pytest.approx(mean, abs=0.0051)
            assert found[key.replace('top_1_accuracy', 'seeds')][name] == \
                len(runs)
            checked += 1
    assert checked >= 50
    # printed, as a user sees it, filtered by a condition on a metric
    out = mim(site, 'search', 'mmadvisor', '--dataset', 'fashion-mnist',
              '--condition', 'top_1_accuracy>87', '--field',
              'lt if 50/top_1_accuracy', cwd=tmp_path).stdout
    lt50 = cells['balms']['lt50']['mean']
    assert lt50 > 87
    assert 'config id: lenet5-balms_1xb128_fashion-mnist-bench' in out
    assert f'fashion-mnist lt if 50/top_1_accuracy      {lt50:.2f}' in out
    assert 'lenet5-ce_1xb128_fashion-mnist-bench\n' not in out


def test_mim_search_says_the_thesis_configs_were_not_trained(site, tmp_path):
    """A thesis config: its tables, "trained here: no", no result and no
    weights (its thesis targets stay in the metafile, not in Results)."""
    name = 'resnet32-mfrw_1xb128_cifar10-lt'
    mim(site, 'search', 'mmadvisor', '--config', name, '--json',
        'found.json', cwd=tmp_path)
    found = {k: v[name] for k, v in json.loads(
        (tmp_path / 'found.json').read_text()).items()
        if v[name] is not None}
    found.pop('paper')  # mim shows the keys of the Paper mapping
    assert found == {
        'config': f'configs/mfrw/{name}.py', 'model': 'mfrw',
        'readme': 'configs/mfrw/README.md', 'thesis_tables': '3.1,3.6',
        'trained_here': 'no', 'training_data': 'cifar-10'}
    out = mim(site, 'search', 'mmadvisor', '--valid-config',
              cwd=tmp_path).stdout
    listed = yaml.safe_load(out.split('valid config ids:', 1)[1])
    zoo = [c for folder in metafiles.zoo_folders() + ['fashion_mnist_bench']
           for c in metafiles.configs_of(folder)]
    assert sorted(listed) == sorted(
        osp.splitext(osp.basename(c))[0] for c in zoo)


def test_mim_train_and_test_a_config_of_the_package(site, tmp_path):
    """``mim train`` finds the config by its name in the wheel's
    ``.mim/configs`` and runs the wheel's ``.mim/tools/train.py`` (the four
    phases: ``loss_meta`` is logged); ``mim test`` tests the checkpoint with
    ``.mim/tools/test.py`` and gets the accuracy the run validated."""
    mim_dir = osp.join(str(site), 'mmadvisor', '.mim')
    out = mim(site, 'train', 'mmadvisor', CONFIG, '--work-dir', 'work',
              '--cfg-options', *TINY, cwd=tmp_path).stdout
    config = osp.join(mim_dir, 'configs', 'quickstart', CONFIG)
    assert f'will use {config} instead' in out
    assert f"{osp.join(mim_dir, 'tools', 'train.py')} {config}" in out
    assert 'Training finished successfully' in out
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()
    (scalars, ) = (tmp_path / 'work').glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in open(scalars)]
    assert any('loss_meta' in r for r in records)
    (logged, ) = [r for r in records if 'accuracy/top1' in r]

    out = mim(site, 'test', 'mmadvisor', CONFIG, '--checkpoint',
              'work/epoch_1.pth', '--work-dir', 'test', '--out',
              'metrics.json', '--out-item', 'metrics', '--cfg-options',
              'test_dataloader.dataset.indices=64', cwd=tmp_path).stdout
    assert f"{osp.join(mim_dir, 'tools', 'test.py')} {config}" in out
    assert 'Load checkpoint from work/epoch_1.pth' in out
    assert 'Testing finished successfully' in out
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    # the run validated its last epoch on the same 64 test images
    assert metrics['accuracy/top1'] == pytest.approx(logged['accuracy/top1'])


def test_editable_install_is_no_layout_for_mim(tmp_path):
    """``pip install -e .`` leaves no ``site-packages/mmadvisor`` (a finder
    maps the name to the checkout), and ``mim`` reads nothing but that
    folder: ``mim list`` leaves the package out, ``mim search`` stops with
    the error README quotes. (The editable wheel installed into a folder
    of its own.)"""
    clone, editable = tmp_path / 'clone', tmp_path / 'dist'
    copy_sources(clone)
    script = ('from setuptools import build_meta; '
              f'print(build_meta.build_editable({str(editable)!r}))')
    name = run([sys.executable, '-c', script], cwd=clone).stdout.split()[-1]
    target = tmp_path / 'site'
    run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
         '--target', str(target), str(editable / name)], cwd=tmp_path)
    with zipfile.ZipFile(editable / name) as whl:
        assert not any(n.startswith('mmadvisor/') for n in whl.namelist())
    out = mim(target, 'list', cwd=tmp_path).stdout
    assert 'mmpretrain' in out and 'mmadvisor' not in out
    proc = run([sys.executable, '-m', 'mim', 'search', 'mmadvisor'],
               cwd=tmp_path, env={'PYTHONPATH': str(target)}, check=False)
    assert proc.returncode != 0
    assert (f"{target / 'mmadvisor' / 'model-index.yml'} or "
            in proc.stderr) and 'is not found' in proc.stderr
    with open(osp.join(ROOT, 'README.md')) as f:
        assert 'site-packages/mmadvisor/model-index.yml or' in f.read()
