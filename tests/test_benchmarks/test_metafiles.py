"""The model zoo's metafiles say what was measured: the thesis' configs
carry the thesis' numbers as targets and no result (benchmarks/
metafiles.py; that the committed files are its output is
tests/test_benchmarks/test_methods.py's test_metafiles_are_generated)."""
import os.path as osp

import pytest
import yaml

from benchmarks import metafiles, thesis

ROOT = metafiles.ROOT


def load(folder):
    with open(osp.join(ROOT, 'configs', folder, 'metafile.yml')) as f:
        return yaml.safe_load(f)


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
