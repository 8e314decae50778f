"""AdviceRecordHook on a tiny real run, then the two analysis tools."""
import csv
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper

from mmadvisor.analysis import (auroc, class_size_target, eql_weights,
                                load_advice, mes_weights, pca,
                                precision_at_k, weights_mae)
from mmadvisor.engine.hooks import AdviceRecordHook

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'quickstart',
                  'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')
# 300 digits - 10 meta images per class = 200 training images, 2 epochs.
SHRINK = [
    'train_cfg.max_epochs=2',
    'train_dataloader.dataset.dataset.dataset.indices=300',
    'optim_wrapper.meta_dataloader.dataset.dataset.indices=300'
]


def load_tool(name):
    path = osp.join(ROOT, 'tools', 'analysis_tools', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def work_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('advice')
    # custom_hooks is a list of dicts, which --cfg-options cannot express:
    # a two-line config on top of the quickstart one adds the hook.
    cfg = tmp / 'with_advice.py'
    cfg.write_text(
        f'_base_ = {CONFIG!r}\n'
        "custom_hooks = _base_.custom_hooks + [\n"
        "    dict(type='AdviceRecordHook', epochs=[1, 2])]\n")
    out = tmp / 'run'
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(cfg), '--work-dir', str(out),
         '--cfg-options', *SHRINK], cwd=ROOT, env=env, capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_record_has_each_training_sample_once(work_dir):
    rec = load_advice(str(work_dir))
    assert rec.epoch == 2 and sorted(
        p.name for p in (work_dir / 'advice').glob('epoch_*.npz')) == [
            'epoch_1.npz', 'epoch_2.npz']
    n = 200
    np.testing.assert_array_equal(rec['sample_idx'], np.arange(n))
    assert rec['pred_score'].shape == (n, 10) and rec['s'].shape == (n, 10)
    assert rec['w_f'].shape == (n, 64)
    np.testing.assert_array_equal(rec['w_f_rows'], np.arange(n))
    np.testing.assert_allclose(rec['pred_score'].sum(1), 1, atol=1e-5)
    np.testing.assert_allclose(rec['w_f_mean'], rec['w_f'].mean(1),
                               atol=1e-6)
    # pre_loss is the cross-entropy of the recorded prediction
    p_given = rec['pred_score'][np.arange(n), rec['gt_label']]
    np.testing.assert_allclose(rec['pre_loss'], -np.log(p_given), rtol=1e-4)
    # noise facts agree with the LabelNoiseDataset dump
    noise = np.load(work_dir / 'generated' /
                    'train_0_LabelNoiseDataset.npz')
    np.testing.assert_array_equal(rec['noise_flag'], noise['noise_flags'])
    np.testing.assert_array_equal(rec['gt_label'], noise['noisy_labels'])
    np.testing.assert_array_equal(rec['clean_label'], noise['clean_labels'])
    np.testing.assert_array_equal(
        rec['class_counts'], np.bincount(noise['noisy_labels'],
                                         minlength=10))
    meta = json.loads((work_dir / 'advice' / 'epoch_2.json').read_text())
    assert meta['num_samples'] == n and meta['feat_dim'] == 64
    assert meta['config'] == 'with_advice.py'
    assert set(meta['arrays']) == set(rec.arrays)


def test_plot_advice(work_dir, capsys):
    load_tool('plot_advice').main([str(work_dir), '--class-id', '3'])
    plots = work_dir / 'advice' / 'plots'
    for name in ('pca_epoch2.png', 'pca_epoch2.csv', 'tsne_epoch2.png',
                 'wf_heatmap_epoch2_class3.png', 'mes_vs_eql.png',
                 'mes_vs_eql.csv'):
        assert (plots / name).stat().st_size > 0, name
    ratio = json.loads(
        (plots / 'pca_epoch2.json').read_text())['explained_variance_ratio']
    # the ratios of the recorded W_f (< 5000 rows: all of them), worked out
    # here from the singular values of the centred W_f: s_i^2 / sum_j s_j^2
    w_f = np.asarray(load_advice(str(work_dir), 2)['w_f'], np.float64)
    s = np.linalg.svd(w_f - w_f.mean(0), compute_uv=False)
    np.testing.assert_allclose(ratio, (s**2 / (s**2).sum())[:2], rtol=1e-6)
    rows = list(csv.DictReader(open(plots / 'mes_vs_eql.csv')))
    assert [int(r['epoch']) for r in rows] == [1, 2]
    # the MES column is the MAE of 1 - mean(s) to n_k / max n
    rec = load_advice(str(work_dir), 1)
    expected = weights_mae(mes_weights(rec['s']),
                           class_size_target(rec['class_counts']))
    assert float(rows[0]['mae_mes']) == pytest.approx(expected)


def test_find_label_issues(work_dir, capsys):
    load_tool('find_label_issues').main([str(work_dir), '--top-k', '10'])
    out_dir = work_dir / 'advice' / 'label_issues'
    rows = list(csv.DictReader(open(out_dir / 'label_issues_epoch2.csv')))
    assert len(rows) == 200
    assert sorted(int(r['sample_idx']) for r in rows) == list(range(200))
    scores = [float(r['score']) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert (out_dir / 'label_issues_epoch2.png').stat().st_size > 0
    table = json.loads((out_dir / 'evaluation_epoch2.json').read_text())
    methods = {r['method'] for r in table['table']}
    assert {'combined', 'pre_loss', 'cleanlab_self_confidence'} <= methods
    assert '| score | AUROC |' in capsys.readouterr().out


def test_find_label_issues_without_cleanlab(work_dir, tmp_path, capsys,
                                           monkeypatch):
    """cleanlab is the baseline of the evaluation only: without it the
    ranking and the evaluation of the advisor's scores are written and the
    tool says what it left out (no traceback after the CSV)."""
    for name in ('cleanlab', 'cleanlab.filter', 'cleanlab.rank'):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    load_tool('find_label_issues').main(
        [str(work_dir), '--no-images', '--out-dir', str(tmp_path)])
    assert 'cleanlab is not installed' in capsys.readouterr().out
    table = json.loads((tmp_path / 'evaluation_epoch2.json').read_text())
    methods = {r['method'] for r in table['table']}
    assert 'combined' in methods and 'pre_loss' in methods
    assert not any(m.startswith('cleanlab') for m in methods)
    assert len(list(csv.DictReader(
        open(tmp_path / 'label_issues_epoch2.csv')))) == 200


def test_without_noise_flags(work_dir, tmp_path, capsys):
    (tmp_path / 'advice').mkdir()
    rec = load_advice(str(work_dir))
    arrays = {k: v for k, v in rec.arrays.items()
              if k not in ('noise_flag', 'clean_label', 'clean_class_counts')}
    np.savez(tmp_path / 'advice' / 'epoch_2.npz', **arrays)
    load_tool('plot_advice').main([str(tmp_path)])
    load_tool('find_label_issues').main([str(tmp_path), '--no-images'])
    out = capsys.readouterr().out
    assert 'clean/noisy colours of the PCA, t-SNE and heat-map' in out
    assert 'evaluation needs them; skipped' in out
    assert (tmp_path / 'advice' / 'plots' / 'pca_epoch2.png').exists()
    assert not (tmp_path / 'advice' / 'label_issues' /
                'evaluation_epoch2.md').exists()


def test_bad_inputs(work_dir, tmp_path):
    for tool in ('plot_advice', 'find_label_issues'):
        with pytest.raises(SystemExit, match='no advice records'):
            load_tool(tool).main([str(tmp_path)])
        with pytest.raises(SystemExit, match='epoch=7 was not recorded'):
            load_tool(tool).main([str(work_dir), '--epoch', '7'])
    with pytest.raises(SystemExit, match=r'class-id=12 is outside.*0\.\.9'):
        load_tool('plot_advice').main([str(work_dir), '--class-id', '12'])


def test_mae_against_hand_built_case():
    counts = np.array([100, 50, 10, 40])
    target = class_size_target(counts)  # [1, .5, .1, .4]
    np.testing.assert_allclose(target, [1, .5, .1, .4])
    # frequencies [.5, .25, .05, .2]; lambda=.22 marks classes 2 and 3
    np.testing.assert_array_equal(eql_weights(counts, 0.22), [1, 1, 0, 0])
    assert weights_mae(eql_weights(counts, 0.22), target) == pytest.approx(
        (0 + .5 + .1 + .4) / 4)
    s = np.array([[0.0, 0.4, 1.0, 0.6], [0.0, 0.6, 0.8, 0.6]])
    np.testing.assert_allclose(mes_weights(s), [1, .5, .1, .4])
    assert weights_mae(mes_weights(s), target) == pytest.approx(0)


def test_auroc_and_precision_of_a_planted_score():
    flags = np.array([0, 1, 0, 0, 1, 1, 0, 0], bool)
    assert auroc(flags.astype(float), flags) == 1.0
    assert auroc(-flags.astype(float), flags) == 0.0
    score = np.array([.1, .9, .2, .8, .7, .3, 0, 0])
    assert precision_at_k(score, flags, 2) == 0.5  # .9 yes, .8 no
    assert precision_at_k(score, flags, 3) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match='both positive and negative'):
        auroc(np.ones(3), np.ones(3, bool))


def test_pca_ratios():
    # Independent columns with variances 25, 4, 1, 0.25, 0.01 (total
    # 30.26): the first three components explain 25 / 30.26 = 0.826,
    # 4 / 30.26 = 0.132 and 1 / 30.26 = 0.033 (2000 samples: the sample
    # variances are within ~3 % of these).
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 5)) * [5, 2, 1, .5, .1]
    proj, ratio = pca(x, 3)
    assert proj.shape == (2000, 3)
    np.testing.assert_allclose(ratio, [0.826, 0.132, 0.033], atol=0.005)


def fake_runner(n, wrapper):
    return SimpleNamespace(optim_wrapper=wrapper,
                           train_dataloader=SimpleNamespace(dataset=range(n)))


def test_hook_keeps_first_occurrence_and_subsets_wide_features():
    hook = AdviceRecordHook(full_vectors=3, max_full_dims=8, proj_dims=4)
    runner = fake_runner(10, None)
    d = 12
    batches = [np.array([4, 1, 7, 0]), np.array([9, 3, 2, 8]),
               np.array([6, 5, 4, 1])]  # padded: 4 and 1 come again
    parts = []
    for b, idx in enumerate(batches):
        w_f = torch.rand(len(idx), d)
        parts.append(hook._compact(runner, dict(
            sample_idx=torch.tensor(idx), gt_label=torch.tensor(idx % 3),
            pre_loss=torch.full((len(idx), ), float(b)),
            pred_score=torch.full((len(idx), 3), 1 / 3), w_f=w_f)))
    rec = hook._merge(parts)
    np.testing.assert_array_equal(rec['sample_idx'], np.arange(10))
    # samples 4 and 1 keep their first batch (pre_loss 0), not the padding
    assert rec['pre_loss'][4] == 0 and rec['pre_loss'][1] == 0
    assert rec['w_f_proj'].shape == (10, 4) and rec['w_f_std'].shape == (10, )
    assert len(rec['w_f_rows']) == 3 and rec['w_f'].shape == (3, d)
    np.testing.assert_array_equal(rec['w_f_rows'], hook._full_set)
    # the projection is of the same vectors
    first = np.concatenate([p['w_f'] for p in parts])
    assert np.isin(rec['w_f'][0], first).all()


def test_hook_needs_meta_optim_wrapper():
    hook = AdviceRecordHook()
    wrapper = OptimWrapper(torch.optim.SGD([torch.nn.Parameter(
        torch.zeros(1))], lr=0.1))
    with pytest.raises(TypeError, match='runner.optim_wrapper is a '
                       'OptimWrapper'):
        hook.before_train(fake_runner(3, wrapper))
    with pytest.raises(ValueError, match=r'epochs=\[0\]'):
        AdviceRecordHook(epochs=[0])
