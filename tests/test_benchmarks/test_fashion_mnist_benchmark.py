"""The Fashion-MNIST benchmark: run list, choices on the validation split
only, the config of a run, real runs on tiny files, the tables."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from fashion_mnist_files import write_fashion_mnist
from benchmarks import fashion_mnist_benchmark as bench
from benchmarks.runs import train_and_test

SEEDS = [0, 1, 2]


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    init_default_scope('mmpretrain')


def row(setting, method, variant, seed, val, test, **extra):
    return dict(key=bench.run_key(setting, method, variant, seed),
                setting=setting, method=method, variant=variant, seed=seed,
                val_top1=val, top1=test, wall_s=10.0, **extra)


def test_run_list_every_variant_at_the_selection_seed_only():
    runs, waiting = bench.planned_runs(list(bench.SETTINGS),
                                       list(bench.METHODS), SEEDS, {})
    keys = {r.key for r in runs}
    # every variant of every method at seed 0, in every setting it applies to
    for setting in bench.SETTINGS:
        for method, spec in bench.METHODS.items():
            if spec.same_choice_as:
                continue  # waits for the other method's choice
            for variant, _ in spec.variants:
                key = bench.run_key(setting, method, variant, 0)
                assert (key in keys) == bench.applies(method, setting)
    # single-variant methods run at every seed; the others wait for a choice
    assert bench.run_key('flip0.6', 'mw-net', 'default', 2) in keys
    assert ('flip0.6', 'mfrw-mes', 1) in waiting
    assert not any(r.method == 'mfrw-mes' and r.seed > 0 for r in runs)
    # long-tail losses only in the long-tailed settings
    assert not any(r.method in ('balms', 'eql') and
                   not bench.SETTINGS[r.setting].long_tail for r in runs)
    # the fine-tuning stage starts from CE of its setting and seed
    ft = [r for r in runs if r.method == 'ce-ft']
    assert ft and all(
        r.after == bench.run_key(r.setting, 'ce', 'default', r.seed)
        for r in ft)
    # 6 settings x 4 (CE, union, meta only, MW-Net) x 3 seeds, 3 LT
    # settings x BALMS x 3 seeds, and at seed 0 the variants: 6 fine-tuning,
    # 3 EQL (LT only), 2 x 3 advisors, 2 x the prior recipe (LT only); the
    # MW-Net meta-set ablation in 2 settings x 3 seeds; the fast study and
    # MFRW-MES's ablation wait for MFRW-MES's choice
    assert len(runs) == (6 * 4 * 3 + 3 * 3 + 6 * 6 + 3 * 3 + 6 * 3 * 2 +
                         3 * 2 + 2 * 3)
    assert not any(r.method.startswith('fast') for r in runs)
    for run in runs:
        assert osp.exists(osp.join(
            bench.ROOT, bench.CONFIG.format(bench.METHODS[run.method].config)))


def test_choice_uses_the_validation_split_only():
    # lr 1e-3 is better on test, lr 1e-4 on validation: 1e-4 is chosen.
    rows = [row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 80.0, 70.0),
            row('lt100', 'mfrw-mes', 'meta-lr0.001', 0, 79.0, 90.0)]
    chosen = bench.chosen_variants(rows, 0)
    assert chosen[('lt100', 'mfrw-mes')] == 'meta-lr0.0001'
    # the fast study follows MFRW-MES; nothing else is chosen
    assert set(chosen) == {('lt100', 'mfrw-mes')} | {
        ('lt100', m) for m, spec in bench.METHODS.items()
        if spec.same_choice_as == 'mfrw-mes'}
    assert chosen[('lt100', 'fast-head')] == 'meta-lr0.0001'
    done = {r['key']: r for r in rows}
    runs, waiting = bench.planned_runs(['lt100'], ['mfrw-mes'], SEEDS, done)
    later = [r for r in runs if r.seed > 0]
    assert [(r.variant, r.seed) for r in later] == [('meta-lr0.0001', 1),
                                                     ('meta-lr0.0001', 2)]
    assert waiting == []
    # another seed's rows do not enter the choice, nor does a missing
    # candidate give one
    rows.append(row('lt100', 'mfrw-mes', 'meta-lr0.001', 1, 99.0, 99.0))
    assert bench.chosen_variants(rows, 0)[('lt100', 'mfrw-mes')] == \
        'meta-lr0.0001'
    assert bench.chosen_variants(rows[:1], 0) == {}
    # a tie goes to the first (default) variant
    tie = [row('lt100', 'mes', 'meta-lr0.001', 0, 80.0, 1.0),
           row('lt100', 'mes', 'meta-lr0.0001', 0, 80.0, 2.0)]
    assert bench.chosen_variants(tie, 0)[('lt100', 'mes')] == 'meta-lr0.0001'


def test_fast_study_takes_the_choice_of_mfrw_mes(tmp_path):
    rows = [row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 80.0, 70.0),
            row('lt100', 'mfrw-mes', 'meta-lr0.001', 0, 81.0, 60.0)]
    done = {r['key']: r for r in rows}
    runs, waiting = bench.planned_runs(
        list(bench.SETTINGS), ['fast-head', 'fast-k2'], SEEDS, done)
    # the chosen lr (1e-3, better on validation), three seeds, in the
    # study's two settings; flip0.6 waits for its own choice
    assert sorted(r.key for r in runs) == sorted(
        bench.run_key('lt100', m, 'meta-lr0.001', seed)
        for m in ('fast-head', 'fast-k2') for seed in (0, 1, 2))
    assert sorted(waiting) == sorted(
        ('flip0.6', m, seed) for m in ('fast-head', 'fast-k2')
        for seed in (0, 1, 2))
    cfg = bench.build_run_cfg(
        bench.Run('lt100', 'fast-head', 'meta-lr0.001', 1), str(tmp_path))
    assert cfg.optim_wrapper.virtual_params == ['head.fc']
    assert cfg.optim_wrapper.meta_optimizer.lr == 1e-3
    cfg = bench.build_run_cfg(
        bench.Run('lt100', 'fast-mb32', 'meta-lr0.001', 1), str(tmp_path))
    assert cfg.optim_wrapper.meta_dataloader.batch_size == 32
    assert bench.applies('mfrw-mes-prior', 'lt10-flip0.4')
    assert not bench.applies('mfrw-mes-prior', 'flip0.6')


def test_run_config(tmp_path):
    run = bench.Run('lt10-flip0.4', 'mfrw-mes', 'meta-lr0.001', 3)
    cfg = bench.build_run_cfg(run, str(tmp_path), class_counts=None)
    noisy = cfg.train_dataloader.dataset
    lt, pool, rest = noisy.dataset, noisy.dataset.dataset, \
        noisy.dataset.dataset.dataset
    assert (noisy.type, noisy.noise_type, noisy.noise_ratio) == (
        'LabelNoiseDataset', 'flip', 0.4)
    assert (lt.imbalance_factor, lt.max_per_class) == (10, 3000)
    assert (pool.split, pool.num_per_class) == ('train', 100)
    assert (rest.split, rest.num_per_class) == ('train', 10)
    val = cfg.val_dataloader.dataset
    assert (val.split, val.num_per_class) == ('meta', 100)
    meta = cfg.optim_wrapper.meta_dataloader
    assert (meta.dataset.split, meta.dataset.num_per_class) == ('meta', 10)
    # the seed everywhere: every split, the long tail, the noise, the meta
    # sampler and the runner
    seeds = {noisy.seed, lt.seed, pool.seed, rest.seed, val.seed,
             val.dataset.seed, meta.dataset.seed, meta.sampler.seed,
             cfg.randomness.seed}
    assert seeds == {3}
    # the variant's option, the setting's schedule (30 epochs, LT)
    assert cfg.optim_wrapper.meta_optimizer.lr == 1e-3
    assert cfg.train_cfg.max_epochs == 30
    assert cfg.param_scheduler.milestones == [24, 27]
    assert cfg.work_dir == osp.join(str(tmp_path), 'runs', run.key)

    flip = bench.build_run_cfg(bench.Run('flip0.6', 'ce', 'default', 0),
                               str(tmp_path))
    assert flip.train_cfg.max_epochs == 20
    assert flip.param_scheduler.milestones == [10, 14]
    assert flip.train_dataloader.dataset.dataset.max_per_class == 1000

    balms = bench.build_run_cfg(bench.Run('lt50', 'balms', 'default', 0),
                                str(tmp_path), class_counts=[5, 4, 3])
    assert balms.model.head.loss.class_counts == [5, 4, 3]


def test_fine_tuning_keeps_its_own_schedule_under_grid_options(tmp_path):
    # Options for every run (a smoke schedule) must not break the
    # fine-tuning stage's constant lr (the old grid failed in ConstantLR).
    stage1 = tmp_path / 'runs' / 'flip0.4' / 'ce@default' / 'seed0'
    stage1.mkdir(parents=True)
    (stage1 / 'last_checkpoint').write_text(str(stage1 / 'epoch_20.pth'))
    run = bench.Run('flip0.4', 'ce-ft', 'lr0.1-30e', 0,
                    after=bench.run_key('flip0.4', 'ce', 'default', 0))
    options = {'train_cfg.max_epochs': 1,
               'param_scheduler.milestones': [1, 2]}
    cfg = bench.build_run_cfg(run, str(tmp_path), cfg_options=options)
    assert cfg.param_scheduler.type == 'ConstantLR'
    assert 'milestones' not in cfg.param_scheduler
    assert cfg.train_cfg.max_epochs == 30  # the variant's
    assert cfg.optim_wrapper.optimizer.lr == 0.1
    assert cfg.load_from == str(stage1 / 'epoch_20.pth')
    assert cfg.train_dataloader.dataset.split == 'meta'
    # the other runs take the options
    ce = bench.build_run_cfg(bench.Run('flip0.4', 'ce', 'default', 0),
                             str(tmp_path), cfg_options=options)
    assert ce.train_cfg.max_epochs == 1
    assert ce.param_scheduler.milestones == [1, 2]


@pytest.fixture
def small_fashion(tmp_path, monkeypatch):
    """300 train / 10 test images per class: enough for the benchmark's
    meta (10) and validation (100) splits per class."""
    root = tmp_path / 'fashion'
    root.mkdir()
    write_fashion_mnist(root, train_per_class=300, test_per_class=10)
    monkeypatch.setenv('FASHION_MNIST_ROOT', str(root))
    return root


def test_runs_train_and_record_everything(small_fashion, tmp_path):
    out = str(tmp_path / 'grid')
    two_epochs = {'train_cfg.max_epochs': 2}
    counts = bench.nominal_class_counts('lt100', 0)
    # the pool keeps 190 per class: floor(190 * 100 ** (-c / 9))
    assert counts == [int(190 * 0.01**(c / 9)) for c in range(10)]
    ce = bench.train_one(bench.Run('lt100', 'ce', 'default', 0), out,
                         two_epochs)
    assert ce['epochs'] == 2 and len(ce['curves']['val_top1']) == 2
    assert ce['val_top1'] == ce['curves']['val_top1'][-1]
    assert ce['class_counts'] == counts
    assert ce['train_samples'] == sum(counts)
    assert len(ce['test_class_top1']) == 10
    # 10 test images per class: the top-1 is the mean per-class top-1
    assert ce['top1'] == pytest.approx(np.mean(ce['test_class_top1']),
                                       abs=0.01)
    # the advisor's per-epoch curves are the means of what the runner
    # logged at every iteration of each epoch
    run = bench.Run('lt100', 'mfrw-mes', 'meta-lr0.001', 0)
    done = train_and_test(
        lambda: bench.build_run_cfg(run, out, counts, two_epochs),
        osp.join(out, 'runs', run.key), run.key)
    assert set(done.curves) >= {'val_top1', 'loss_meta', 'advice_w_f',
                                'advice_s'}
    per_epoch = done.runner.iter // 2
    for key in ('advice_s', 'advice_w_f', 'loss_meta'):
        logged = done.runner.message_hub.get_scalar(f'train/{key}').data[0]
        assert len(logged) == 2 * per_epoch
        assert done.curves[key] == [
            round(float(np.mean(logged[:per_epoch])), 5),
            round(float(np.mean(logged[per_epoch:])), 5)]
    assert done.runner.optim_wrapper.meta_optimizer.defaults['lr'] == 1e-3
    ft = bench.train_one(
        bench.Run('lt100', 'ce-ft', 'lr0.01-10e', 0, after=ce['key']), out,
        two_epochs)
    assert ft['epochs'] == 10 and ft['load_from'].endswith('epoch_2.pth')
    assert ft['train_samples'] == 100  # the meta set
    # what the run generated is saved with it
    generated = osp.join(out, 'runs', ce['key'], 'generated')
    assert any('LongTailDataset' in f for f in os.listdir(generated))


def test_grid_tool_resumes_and_fails_loudly(tmp_path, monkeypatch):
    # No data: every run fails; the tool says so and exits with 1, and the
    # fine-tuning stage, which needs CE, is reported as skipped.
    monkeypatch.setenv('FASHION_MNIST_ROOT', str(tmp_path / 'missing'))
    out = tmp_path / 'grid'
    out.mkdir()
    done = row('flip0.4', 'ce-union-meta', 'default', 0, 50.0, 50.0)
    (out / 'results.jsonl').write_text(json.dumps(done) + '\n')
    proc = subprocess.run(
        [sys.executable, osp.join(bench.ROOT, 'tools', 'benchmarks',
                                  'fashion_mnist_grid.py'),
         '--out-dir', str(out), '--settings', 'flip0.4', '--methods', 'ce',
         'ce-union-meta', 'ce-ft', '--seeds', '0', '--workers', '1'],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'flip0.4/ce@default/seed0 FAILED' in proc.stdout
    assert 'train-images-idx3-ubyte' in proc.stdout  # the missing file
    assert 'flip0.4/ce-ft@lr0.01-10e/seed0 SKIPPED' in proc.stdout
    assert 'needs flip0.4/ce@default/seed0, which failed' in proc.stdout
    # the finished run was not run again
    assert 'ce-union-meta' not in proc.stdout
    # a stage whose first stage is not among the methods: said so
    proc = subprocess.run(
        [sys.executable, osp.join(bench.ROOT, 'tools', 'benchmarks',
                                  'fashion_mnist_grid.py'),
         '--out-dir', str(out), '--settings', 'flip0.4', '--methods',
         'ce-ft', '--seeds', '0', '--workers', '1'],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert ('needs flip0.4/ce@default/seed0, which has not run (its method '
            'is not among those given)') in proc.stdout


def test_tables_from_rows():
    counts = [5890, 3530, 2116, 1268, 760, 456, 273, 163, 98, 58]
    per_class = [90.0] * 4 + [60.0] * 3 + [30.0] * 3
    rows = []
    for seed, (ft, adv, adv_val) in enumerate([(80.0, 85.0, 84.0),
                                               (82.0, 86.0, 85.0),
                                               (81.0, 87.0, 86.0)]):
        extra = dict(class_counts=counts, test_class_top1=per_class)
        rows += [
            row('lt100', 'ce-ft', 'lr0.01-10e', seed, 81.0, ft, **extra),
            row('lt100', 'meta-only', 'default', seed, 70.0, 99.0, **extra),
            row('lt100', 'mfrw-mes', 'meta-lr0.0001', seed, adv_val, adv,
                **extra),
        ]
        if seed == 0:
            rows += [
                row('lt100', 'ce-ft', f'lr{lr}-{ep}e', 0, 10.0, 10.0)
                for lr in ('0.1', '0.001') for ep in (10, 30)
            ] + [row('lt100', 'ce-ft', 'lr0.01-30e', 0, 10.0, 10.0),
                 row('lt100', 'mfrw-mes', 'meta-lr0.001', 0, 50.0, 99.0)]
    methods = ['ce-ft', 'meta-only', 'mfrw-mes']
    table = bench.headline(rows, ['lt100'], methods, SEEDS)
    # CE on meta only has the best test top-1 (99) but the worse
    # validation top-1 (70 < 81): fine-tuning is the best clean-set
    # baseline. Advisor 86 +- 1 against fine-tuning 81 +- 1: +5.00.
    assert '| CE, then fine-tune on meta | 81.00 ± 1.00 |' in table
    assert ('| LT IF 100 | CE, then fine-tune on meta | 81.00 ± 1.00 | '
            'MFRW-MES | 86.00 ± 1.00 | +5.00 | advisor ahead |') in table
    # with one seed there is no std to call a difference a tie or not
    one_seed = [r for r in rows if r['seed'] == 0]
    assert ('| +5.00 | open: one seed, no std |' in
            bench.headline(one_seed, ['lt100'], methods, SEEDS))
    shots = bench.shot_table(rows, ['lt100'], methods, SEEDS)
    assert '| MFRW-MES | 90.0 / 60.0 / 30.0 |' in shots
    choices = bench.choice_table(rows, ['lt100'], methods, SEEDS)
    assert '| MFRW-MES | meta-lr0.0001 | **84.00** |' in choices
    assert '| MFRW-MES | meta-lr0.001 | 50.00 |' in choices


def test_headline_seeds_table_reads_each_comparison():
    """Five seeds where they ran: CE 80/81/82/83/84 (82 +- 1.58), CE then
    fine-tune 85 +- 1.58, MFRW-MES 86 +- 1.58 (+1.00 against fine-tuning:
    within one std, a tie; +4.00 against CE: ahead), the fast preset at
    three seeds, 79 +- 1 (-6 against fine-tuning: behind). The best
    advisor recipe on validation is MFRW-MES, already a row."""
    rows = []
    for seed in range(5):
        rows += [
            row('lt100', 'ce', 'default', seed, 80.0, 80.0 + seed),
            row('lt100', 'ce-ft', 'lr0.01-10e', seed, 84.0, 83.0 + seed),
            row('lt100', 'mfrw-mes', 'meta-lr0.0001', seed, 85.0,
                84.0 + seed)]
        if seed < 3:
            rows.append(row('lt100', 'mfrw-mes-fast', 'meta-lr0.0001', seed,
                            79.0, 78.0 + seed))
    rows += [row('lt100', 'ce-ft', f'lr{lr}-{ep}e', 0, 10.0, 10.0)
             for lr in ('0.1', '0.001') for ep in (10, 30)]
    rows += [row('lt100', 'ce-ft', 'lr0.01-30e', 0, 10.0, 10.0),
             row('lt100', 'mfrw-mes', 'meta-lr0.001', 0, 50.0, 99.0)]
    table = bench.headline_seeds_table(rows, SEEDS, settings=['lt100'])
    assert ('| LT IF 100 | MFRW-MES (best advisor recipe on val) | '
            '86.00 ± 1.58 | 5 | +1.00: tie | +4.00: ahead |') in table
    assert '| LT IF 100 | CE | 82.00 ± 1.58 | 5 | -3.00: behind | - |' \
        in table
    assert ('| LT IF 100 | MFRW-MES fast preset | 79.00 ± 1.00 | 3 | '
            '-6.00: behind | -3.00: behind |') in table
    # the headline table says when a cell has other seeds than the grid's
    head = bench.headline(rows, ['lt100'], ['ce', 'mfrw-mes-fast'], SEEDS)
    assert '82.00 ± 1.58 (5 seeds)' in head and '79.00 ± 1.00 |' in head


def test_init_study_table_compares_at_the_studys_seeds():
    """Each initialisation with its own meta lr chosen on validation at
    the selection seed; the default's rows only at the seeds the study ran
    (seed 2 of the default is left out)."""
    rows, study = [], []
    for seed, val in enumerate([86.0, 86.4, 99.0]):
        rows.append(row('lt100', 'mfrw-mes', 'meta-lr0.001', seed, val, 85.0))
    rows.append(row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 80.0, 80.0))
    study += [row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 85.0, 84.0),
              row('lt100', 'mfrw-mes', 'meta-lr0.001', 0, 84.0, 84.0),
              row('lt100', 'mfrw-mes', 'meta-lr0.0001', 1, 83.0, 83.0)]
    table = bench.init_study_table(rows, study, SEEDS, settings=['lt100'])
    assert ('| LT IF 100 | N(0, 0.01²), zero biases (default) | '
            'meta-lr0.001 | 86.20 ± 0.28 | - | 85.00 ± 0.00 | 2 |') in table
    # 84 +- 1.41 against 86.2 +- 0.28: -2.20, more than one std: behind
    assert ('| LT IF 100 | PyTorch default (init_cfg=None) | meta-lr0.0001 '
            '| 84.00 ± 1.41 | -2.20: behind | 83.50 ± 0.71 | 2 |') in table


def test_shot_groups():
    r = dict(class_counts=[5000, 1001, 1000, 200, 199, 10],
             test_class_top1=[100.0, 80.0, 60.0, 40.0, 20.0, 0.0])
    assert bench.shot_accuracy(r) == dict(many=90.0, medium=50.0, few=10.0)
    r = dict(class_counts=[3000, 300], test_class_top1=[1.0, 3.0])
    shots = bench.shot_accuracy(r)
    assert shots['many'] == 1.0 and shots['medium'] == 3.0
    assert np.isnan(shots['few'])


def test_fast_study_table():
    rows = []
    for seed in (0, 1):
        # CE's seed 1 ran on a loaded machine (twice its time): the time
        # ratios take each cell's fastest run
        rows += [
            row('lt100', 'ce', 'default', seed, 80.0, 80.0,
                train_s=100.0 * (1 + seed)),
            row('lt100', 'mfrw-mes', 'meta-lr0.001', seed, 86.0,
                85.0 + seed, train_s=400.0),
            row('lt100', 'fast-head', 'meta-lr0.001', seed, 84.0,
                83.0 + 2 * seed, train_s=150.0 + 10 * seed),
        ]
    rows.append(row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 10.0, 10.0,
                    train_s=1.0))
    table = bench.fast_study_table(rows, SEEDS)
    # MFRW-MES: 85/86 -> 85.50 +- 0.71, 4.00x CE's training time (400 /
    # 100; a mean over seeds would give 3.00x)
    assert '| MFRW-MES | 85.50 ± 0.71 / 86.00 ± 0.00, 4.00x | - |' in table
    # fc only: 83/85 -> 84.00 +- 1.41, 150 / 100 = 1.50x; LeNet-5 FLOPs
    assert '| MFRW-MES, virtual step of the fc only | 84.00 ± 1.41 / ' \
        '84.00 ± 0.00, 1.50x | - | 1.64x |' in table


def test_meta_set_ablation_takes_100_per_class(tmp_path):
    cfg = bench.build_run_cfg(
        bench.Run('flip0.4', 'mw-net-meta100', 'default', 1), str(tmp_path))
    meta = cfg.optim_wrapper.meta_dataloader.dataset
    pool = cfg.train_dataloader.dataset.dataset.dataset
    val = cfg.val_dataloader.dataset
    # the meta side and the rest of the first split: 100 per class; the
    # validation split (100 per class, of the rest) unchanged
    assert (meta.split, meta.num_per_class) == ('meta', 100)
    assert (pool.dataset.split, pool.dataset.num_per_class) == ('train', 100)
    assert (val.split, val.num_per_class, val.dataset.num_per_class) == (
        'meta', 100, 100)
    # MW-Net's authors' optimizer stays
    assert cfg.optim_wrapper.meta_optimizer == dict(
        type='Adam', lr=1e-3, weight_decay=1e-4)
    runs, waiting = bench.planned_runs(
        list(bench.SETTINGS), ['mw-net-meta100', 'mfrw-mes-meta100'], SEEDS,
        {})
    assert sorted(r.key for r in runs) == sorted(
        bench.run_key(s, 'mw-net-meta100', 'default', seed)
        for s in ('flip0.4', 'lt100') for seed in (0, 1, 2))
    assert ('lt100', 'mfrw-mes-meta100', 0) in waiting


def test_ablation_table():
    rows = [row('flip0.4', 'mw-net', 'default', s, 1.0, 70.0 + s)
            for s in (0, 1, 2, 3)]
    rows += [row('flip0.4', 'mw-net-meta100', 'default', s, 1.0, 80.0 + 2 * s)
             for s in (0, 1, 2)]
    table = bench.ablation_table(rows, [0, 1, 2, 3, 4])
    # the ablation's three seeds only, for both sides: 70/71/72 and
    # 80/82/84 (seed 3 of MW-Net left out)
    assert '| MW-Net | 10 | 71.00 ± 1.00 | - |' in table
    assert '| MW-Net | 100 | 82.00 ± 2.00 | - |' in table
    assert '| MFRW-MES | 100 | - | - |' in table


def test_fast_preset_is_chosen_on_validation_within_the_time_budget():
    rows = []
    study = [m for m, spec in bench.METHODS.items()
             if spec.family == 'fast-study']
    for setting in ('lt100', 'flip0.6'):
        for seed in (0, 1):
            rows += [row(setting, 'ce', 'default', seed, 80.0, 80.0,
                         train_s=100.0 + 200.0 * seed),  # seed 1 loaded
                     row(setting, 'mfrw-mes', 'meta-lr0.001', seed, 86.0,
                         86.0, train_s=400.0)]
            for method in study:
                # fc-only: cheap, 0.5 behind on validation (and best on
                # test); k2: 0.2 behind but 2.5x CE; the rest 3 behind
                figures = {m: (83.0, 83.0, 140.0) for m in study}
                figures.update({'fast-head': (85.5, 99.0, 140.0),
                                'fast-k2': (85.8, 80.0, 250.0)})
                val, test, secs = figures[method]
                rows.append(row(setting, method, 'meta-lr0.001', seed, val,
                                test, train_s=secs))
    rows.append(row('lt100', 'mfrw-mes', 'meta-lr0.0001', 0, 1.0, 1.0,
                    train_s=1.0))
    for setting in ('flip0.6', ):
        rows.append(row(setting, 'mfrw-mes', 'meta-lr0.0001', 0, 1.0, 1.0,
                        train_s=1.0))
    preset, lines = bench.choose_fast_preset(rows, SEEDS)
    assert preset == 'fast-head'
    # the study's third seed (run later, for the tables) does not reopen
    # the choice made on the first two, even where it would sink it
    third = [row(s, 'fast-head', 'meta-lr0.001', 2, 10.0, 10.0,
                 train_s=140.0) for s in ('lt100', 'flip0.6')]
    assert bench.choose_fast_preset(rows + third, SEEDS)[0] == 'fast-head'
    # the grid runs first what this choice reads
    assert {(r['setting'], r['method']) for r in rows} == {
        (r['setting'], r['method']) for r in rows
        if bench.needed_for_fast_choice(bench.Run(
            r['setting'], r['method'], r['variant'], r['seed']))}
    assert not any(bench.needed_for_fast_choice(bench.Run(s, m, 'v', 1))
                   for s, m in [('lt50', 'mfrw-mes'), ('lt100', 'mw-net'),
                                ('flip0.4', 'ce'), ('lt100', 'mes')])
    assert 'fast-k2: 2.50x CE time, validation -0.20' in '\n'.join(lines)
    # until every variant has run there is no choice
    partial = [r for r in rows if r['method'] != 'fast-k4']
    assert bench.choose_fast_preset(partial, SEEDS)[0] is None
    # the preset file holds another variant: its runs wait, and the reason
    # names the file and the fix
    (held, ) = [m for m in study if dict(bench.METHODS[m].options) ==
                bench.fast_preset_options()]
    assert held != 'fast-head'
    done = {r['key']: r for r in rows}
    runs, waiting = bench.planned_runs(['lt100'], ['mfrw-mes-fast'], SEEDS,
                                       done)
    assert runs == [] and len(waiting) == 3
    problem = bench.fast_preset_problem(rows, SEEDS)
    assert "chose 'fast-head'" in problem
    assert bench.FAST_PRESET_FILE in problem
    # once validation chooses the file's variant, the preset runs everywhere
    # with the preset's config (its options and MFRW-MES's chosen meta lr)
    for r in rows:
        if r['method'] == held:
            r['val_top1'], r['train_s'] = 85.9, 140.0
    assert bench.choose_fast_preset(rows, SEEDS)[0] == held
    assert bench.fast_preset_problem(rows, SEEDS) is None
    done = {r['key']: r for r in rows}
    runs, waiting = bench.planned_runs(['lt100', 'flip0.4'],
                                       ['mfrw-mes-fast'], SEEDS, done)
    assert [(r.setting, r.seed) for r in runs] == [('lt100', s)
                                                   for s in SEEDS]
    assert waiting == [('flip0.4', 'mfrw-mes-fast', s) for s in SEEDS]
    cfg = bench.build_run_cfg(runs[1], '/tmp/unused')
    for key, value in bench.fast_preset_options().items():
        assert cfg.optim_wrapper[key.split('.', 1)[1]] == value
    assert cfg.optim_wrapper.meta_optimizer.lr == 1e-3
    runs, waiting = bench.planned_runs(['lt100'], ['mfrw-mes-fast'], SEEDS,
                                       {r['key']: r for r in partial})
    assert runs == [] and len(waiting) == 3


def test_committed_preset_is_what_the_committed_study_chose():
    """The preset file holds the variant that the fast study's runs in
    docs/results/ choose on the validation split (else the grid would not
    run the preset, and would say which variant to write there)."""
    rows = list(bench.load_results(osp.join(
        bench.ROOT, 'docs', 'results', 'fashion_mnist_bench.jsonl')).values())
    chosen, _ = bench.choose_fast_preset(rows, SEEDS)
    assert dict(bench.METHODS[chosen].options) == bench.fast_preset_options()
    assert bench.fast_preset_problem(rows, SEEDS) is None

def test_fast_preset_config_trains(small_fashion, tmp_path):
    """The preset's config (the benchmark's ``mfrw-mes-fast`` runs) trains
    with the preset file's options: the advisor's Adam steps on every k-th
    iteration only (k its advisor_interval), the virtual step's parameters
    are its virtual_params."""
    run = bench.Run('lt100', 'mfrw-mes-fast', 'meta-lr0.001', 0)
    out = str(tmp_path / 'grid')
    done = train_and_test(
        lambda: bench.build_run_cfg(run, out, None,
                                    {'train_cfg.max_epochs': 1}),
        osp.join(out, 'runs', run.key), run.key)
    wrapper = done.runner.optim_wrapper
    preset = bench.fast_preset_options()
    interval = preset['optim_wrapper.advisor_interval']
    assert interval > 1
    assert wrapper.advisor_interval == interval
    assert list(wrapper.virtual_params) == \
        preset['optim_wrapper.virtual_params']
    iters = done.runner.iter
    counts = bench.nominal_class_counts('lt100', 0)
    assert iters == -(-sum(counts) // 128)  # the LT pool in batches of 128
    steps = {int(state['step'])
             for state in wrapper.meta_optimizer.state.values()}
    assert steps == {-(-iters // interval)}  # iterations 0, k, 2k, ...
    # 10 test images per class: the top-1 is the mean per-class recall
    assert done.metrics['accuracy/top1'] == pytest.approx(
        np.mean(done.metrics['single-label/recall_classwise']), abs=0.01)


@pytest.mark.parametrize('method', [
    m for m, spec in bench.METHODS.items()
    if spec.family not in ('fast-study', 'ablation') and spec.after is None
    and m not in ('ce', 'mfrw-mes', 'mfrw-mes-fast')])  # trained above
def test_every_recipe_config_trains_an_epoch(small_fashion, tmp_path,
                                             method):
    """Each method's config of the benchmark takes its training steps on
    tiny data (LT IF 100: every method applies there), with the setting's
    class counts where its loss needs them."""
    run = bench.Run('lt100', method, bench.variants_of(method)[0][0], 0)
    out = str(tmp_path / 'grid')
    counts = bench.nominal_class_counts('lt100', 0)
    done = train_and_test(
        lambda: bench.build_run_cfg(run, out, counts,
                                    {'train_cfg.max_epochs': 1}),
        osp.join(out, 'runs', run.key), run.key)
    runner, spec = done.runner, bench.METHODS[method]
    dataset = runner.train_dataloader.dataset
    if spec.train == 'config':  # the meta set only, repeated per epoch
        assert len(dataset.dataset) == 100
        samples = len(dataset)
    else:
        samples = {'setting': sum(counts),
                   'union': sum(counts) + 100}[spec.train]
        assert len(dataset) == samples
    batch = runner.train_dataloader.batch_size
    assert runner.iter == -(-samples // batch)
    loss = runner.cfg.model.head.loss
    if 'class_counts' in loss:
        assert list(loss.class_counts) == counts
    if spec.family in ('advisor', 'meta'):
        steps = {int(s['step'])
                 for s in runner.optim_wrapper.meta_optimizer.state.values()}
        assert steps == {runner.iter}
    assert np.isfinite(runner.message_hub.get_scalar('train/loss').current())
