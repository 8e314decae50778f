"""The model zoo's metafiles say what was measured: the Fashion-MNIST
benchmark's configs carry the results of its runs, the thesis' configs
carry the thesis' numbers as targets and no result (benchmarks/
metafiles.py; that the committed files are its output is
tests/test_benchmarks/test_methods.py's test_metafiles_are_generated)."""
import os.path as osp
import statistics

import pytest
import yaml

from benchmarks import fashion_mnist_benchmark as bench
from benchmarks import metafiles, thesis

ROOT = metafiles.ROOT


def load(folder):
    with open(osp.join(ROOT, 'configs', folder, 'metafile.yml')) as f:
        return yaml.safe_load(f)


def row(setting, method, variant, seed, val, test):
    return dict(key=bench.run_key(setting, method, variant, seed),
                setting=setting, method=method, variant=variant, seed=seed,
                val_top1=val, top1=test)


def models_by_name(text):
    return {m['Name']: m for m in yaml.safe_load(text)['Models']}


@pytest.mark.parametrize('folder', metafiles.zoo_folders())
def test_thesis_configs_carry_targets_and_no_result(folder):
    index = load(folder)
    assert len(index['Models']) == len(metafiles.configs_of(folder))
    for model in index['Models']:
        assert model['Results'] is None and model['Weights'] is None
        assert model['Metadata']['Trained Here'] == 'no'
        assert model['Config'] == f"configs/{folder}/{model['Name']}.py"
        tables = model['Metadata'].get('Thesis tables', [])
        assert [t['Table'].split(':')[0]
                for t in model.get('Thesis Targets', [])] == tables


def test_thesis_targets_are_the_thesis_numbers():
    """Each number is the thesis' own, from its table, for the config's
    settings only (CIFAR-10's columns for a CIFAR-10 config)."""
    models = {m['Name']: m for m in load('mfrw')['Models']}
    targets = models['resnet32-mfrw_1xb128_cifar10-lt']['Thesis Targets']
    assert [t['Table'] for t in targets] == [
        '3.1: Test accuracy, CIFAR-LT, ResNet-32',
        '3.6: Test accuracy, LT + Flip CIFAR, ResNet-32 (recipe of table '
        '3.1)']
    table = thesis.TABLES['3.1']
    (mfrw, ) = [r for r in table.rows if r.method == 'mfrw']
    expected = {c.label: v for c, v in zip(table.columns, mfrw.values)
                if c.setting.dataset == 'cifar10'}
    assert targets[0]['Row'] == 'MFRW'
    assert targets[0]['Accuracy (%)'] == expected
    assert expected['CIFAR-10 IF=200'] == 78.07 and len(expected) == 5
    # table 3.4: the three metrics of one run, ImageNet-LT's only
    models = {m['Name']: m for m in load('mfrw_mes')['Models']}
    (imagenet, ) = models['resnet10-mfrw-mes_8xb64_imagenet-lt'][
        'Thesis Targets']
    assert imagenet['Accuracy (%)'] == {'ImageNet-LT Top-1': 41.78,
                                        'ImageNet-LT Top-3': 59.87,
                                        'ImageNet-LT Top-5': 67.25}
    # a thesis '-' is no target; the alias config is in no table
    models = {m['Name']: m for m in load('baselines')['Models']}
    (focal, ) = [t for t in models['resnet32-focal_1xb128_cifar10-flip'][
        'Thesis Targets'] if t['Table'].startswith('2.1')]
    assert list(focal['Accuracy (%)']) == [
        'CIFAR-10 p=0', 'CIFAR-10 p=0.2', 'CIFAR-10 p=0.4']
    alias = {m['Name']: m for m in load('mfrw_mes')['Models']}[
        'resnet50_clothing1m']
    assert 'Thesis Targets' not in alias
    assert 'Thesis tables' not in alias['Metadata']


def test_bench_results_come_from_the_runs():
    """Synthetic runs: the result of a cell is the mean of the variant
    chosen on validation at the selection seed, over its seeds, with its
    options; a setting without runs has no result, a method without any
    has ``Results: null``."""
    rows = [
        row('lt100', 'ce', 'default', 0, 70.0, 80.0),
        row('lt100', 'ce', 'default', 1, 71.0, 82.0),
        # the better test top-1 (99) is not chosen: its validation is worse
        row('lt100', 'mfrw', 'meta-lr0.0001', 0, 60.0, 99.0),
        row('lt100', 'mfrw', 'meta-lr0.001', 0, 75.0, 84.0),
        row('lt100', 'mfrw', 'meta-lr0.001', 1, 74.0, 86.0),
        row('lt100', 'mfrw', 'meta-lr0.001', 2, 74.0, 85.0),
        row('flip0.4', 'ce', 'default', 0, 50.0, 60.0),
    ]
    models = models_by_name(metafiles.bench_metafile(rows))
    ce = models['lenet5-ce_1xb128_fashion-mnist-bench']
    assert ce['Weights'] is None
    assert ce['Results'] == [
        {'Task': 'Image Classification', 'Dataset': 'Fashion-MNIST LT IF 100',
         'Metrics': {'Top 1 Accuracy': 81.0, 'Top 1 Accuracy Std': 1.41,
                     'Seeds': 2}},
        {'Task': 'Image Classification', 'Dataset': 'Fashion-MNIST Flip 0.4',
         'Metrics': {'Top 1 Accuracy': 60.0, 'Top 1 Accuracy Std': 0.0,
                     'Seeds': 1}}]
    (mfrw, ) = models['lenet5-mfrw_1xb128_fashion-mnist-bench']['Results']
    assert mfrw['Metrics'] == {'Top 1 Accuracy': 85.0,
                               'Top 1 Accuracy Std': 1.0, 'Seeds': 3}
    assert mfrw['Options'] == {'optim_wrapper.meta_optimizer.lr': 0.001}
    assert models['lenet5-mes_1xb128_fashion-mnist-bench']['Results'] is None
    table = metafiles.bench_table(rows)
    assert ('| CE | 81.00 ± 1.41 (2 seeds) | - | 60.00 ± 0.00 (1 seed) | '
            '- | - | - |') in table
    assert '| MFRW | 85.00 ± 1.00 | - |' in table
    assert '| Balanced Softmax | - | - | n/a | n/a | n/a | - |' in table
    assert '| MFRW | `meta-lr0.001` | - |' in table


def test_committed_bench_results_are_the_runs_means():
    """Every result of the committed metafile is the mean of the committed
    runs (docs/results/fashion_mnist_bench.jsonl) of the variant with the
    best validation top-1 at seed 0, and every such cell has its result."""
    runs = metafiles.load_bench_rows()
    models = {m['Name']: m for m in load('fashion_mnist_bench')['Models']}
    assert len(models) == 12
    labels = {f'Fashion-MNIST {s.label}': k
              for k, s in bench.SETTINGS.items()}
    checked = 0
    for name, model in models.items():
        method = metafiles.bench_method(
            f'configs/fashion_mnist_bench/{name}.py')
        results = {labels[r['Dataset']]: r for r in model['Results'] or []}
        for setting in bench.SETTINGS:
            cell = [r for r in runs
                    if (r['setting'], r['method']) == (setting, method)]
            if not cell or not bench.applies(method, setting):
                assert setting not in results
                continue
            variants = dict(bench.variants_of(method))
            at_0 = {r['variant']: r['val_top1'] for r in cell
                    if r['seed'] == 0}
            best = max(at_0.values())
            result = results[setting]
            variant = next(v for v, opts in variants.items()
                           if opts == result.get('Options', {}))
            assert at_0.get(variant, best) == best
            top1 = [r['top1'] for r in cell if r['variant'] == variant]
            assert result['Metrics']['Seeds'] == len(top1)
            assert result['Metrics']['Top 1 Accuracy'] == pytest.approx(
                statistics.mean(top1), abs=0.0051)
            checked += 1
    assert checked >= 50
    assert models['lenet5-mfrw-mes_1xb128_fashion-mnist-bench'][
        'Config'] == ('configs/fashion_mnist_bench/'
                      'lenet5-mfrw-mes_1xb128_fashion-mnist-bench.py')


def test_each_bench_config_is_one_method():
    assert [bench.METHODS[metafiles.bench_method(c)].config
            for c in metafiles.bench_configs()] == [
        osp.splitext(osp.basename(c))[0][len('lenet5-'):]
        for c in metafiles.bench_configs()]
    with pytest.raises(ValueError, match='exactly one'):
        metafiles.bench_method('configs/fashion_mnist_bench/lenet5-x.py')
