"""Curves: the advisor's scalars reach MMEngine's visualizer backends
(TensorBoard included), and README's "Curves" commands (MMPretrain's
analyze_logs.py plot_curve) draw them."""
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# A user's config on the quickstart's advisor run, with TensorBoard added
# as README says; 100 noisy digits, two epochs.
CONFIG = '''\
_base_ = 'mmadvisor::quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6.py'
visualizer = dict(
    type='UniversalVisualizer',
    vis_backends=[dict(type='LocalVisBackend'),
                  dict(type='TensorboardVisBackend')])
'''
TINY = [
    'train_dataloader.dataset.dataset.dataset.indices=200',
    'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
    'train_dataloader.batch_size=32', 'val_dataloader.dataset.indices=64',
    'test_dataloader.dataset.indices=64', 'train_cfg.max_epochs=2',
    'train_cfg.val_interval=1', 'default_hooks.logger.interval=1'
]
#: What the advisor run logs (README, "Curves").
TAGS = {'loss', 'loss_pre', 'loss_meta', 'advice_w_f', 'advice_s', 'lr',
        'meta_lr', 'accuracy/top1'}


def readme_block(name):
    with open(osp.join(ROOT, 'README.md')) as f:
        text = f.read()
    block = re.search(rf'<!-- {name}:start -->\n```bash\n(.*?)```\n'
                      rf'<!-- {name}:end -->', text, re.S)
    assert block, name
    return block.group(1)


def run_block(name, cwd, **env):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore',
               MPLBACKEND='Agg', **env)
    proc = subprocess.run(['bash', '-e', '-c', readme_block(name)], cwd=cwd,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope='module')
def run_dir(tmp_path_factory):
    top = tmp_path_factory.mktemp('curves')
    (top / 'my_config.py').write_text(CONFIG)
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'train.py'), 'my_config.py',
         '--work-dir', 'run', '--cfg-options', *TINY],
        cwd=top, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return top / 'run'


def scalars(run_dir):
    (path, ) = glob.glob(str(run_dir / '2*' / 'vis_data' / 'scalars.json'))
    return [json.loads(line) for line in open(path)]


def test_tensorboard_gets_the_advisor_scalars(run_dir):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    (events, ) = glob.glob(str(run_dir / '2*' / 'vis_data' / 'events.*'))
    board = EventAccumulator(events)
    board.Reload()
    assert TAGS <= set(board.Tags()['scalars'])
    # the same values as the JSON log, at the same steps
    logged = {r['step']: r['advice_w_f'] for r in scalars(run_dir)
              if 'advice_w_f' in r}
    assert len(logged) == 8  # 2 epochs x 4 iterations, each logged
    shown = {e.step: e.value for e in board.Scalars('advice_w_f')}
    assert shown.keys() == logged.keys()
    for step, value in logged.items():
        assert shown[step] == pytest.approx(value, rel=1e-6)
    assert [e.step for e in board.Scalars('accuracy/top1')] == [1, 2]


def test_readme_run_curves(run_dir):
    run_block('curves-run', ROOT, RUN=str(run_dir))
    for name in ('val-top1.png', 'advice.png', 'meta-loss.png'):
        assert (run_dir / name).stat().st_size > 10_000, name


def test_readme_benchmark_curves(run_dir, tmp_path):
    """The benchmark's layout, runs/SETTING/METHOD@VARIANT/seedN/<time>/,
    with each method's keys (from the real advisor log above)."""
    records = scalars(run_dir)
    drop = {
        'mfrw@lr1': {'advice_s'},
        'mes@lr1': {'advice_w_f'},
        'mfrw-mes@lr1': set(),
        'mw-net@default': {'advice_w_f', 'advice_s'},
    }
    bench = tmp_path / 'runs'
    for run, keys in drop.items():
        # an older run of the seed, which the command must pass over
        for stamp in ('20260101_000000', '20260102_000000'):
            vis = bench / 'flip0.4' / run / 'seed1' / stamp / 'vis_data'
            vis.mkdir(parents=True)
            with open(vis / 'scalars.json', 'w') as f:
                for record in records:
                    record = {k: v for k, v in record.items()
                              if k not in keys}
                    if run.startswith('mw-net') and 'lr' in record:
                        record['advice_sample_weight'] = 0.5
                    f.write(json.dumps(record) + '\n')
    out = tmp_path / 'results'
    out.mkdir()
    log = run_block('bench-curves', ROOT, B=str(bench), S='flip0.4',
                    SEED='1', OUT=str(out), RUNS=' '.join(drop))
    plotted = re.findall(r'plot curve of .*/flip0\.4/(\S+)/seed1/(\d+_\d+)/'
                         r'vis_data/scalars\.json, metric is (\S+)', log)
    assert {stamp for _, stamp, _ in plotted} == {'20260102_000000'}
    by_key = {}
    for run, _, key in plotted:
        by_key.setdefault(key, []).append(run.split('@')[0])
    assert by_key == {
        'accuracy/top1': ['mfrw', 'mes', 'mfrw-mes', 'mw-net'],
        'advice_w_f': ['mfrw', 'mfrw-mes'],
        'advice_s': ['mes', 'mfrw-mes'],
        'advice_sample_weight': ['mw-net'],
    }
    assert sorted(os.listdir(out)) == [
        f'fashion-mnist_flip0.4_seed1_{key}.png'
        for key in ('accuracy-top1', 'advice_s', 'advice_sample_weight',
                    'advice_w_f')
    ]
