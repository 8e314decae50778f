"""A method is its config fragment: what the harness reads from the
fragments, and configs/README.md's worked example of adding one."""
import glob
import os.path as osp
import re
import shutil

import pytest
from mmengine.config import Config
from mmpretrain.registry import MODELS

from benchmarks import metafiles, methods

ROOT = methods.ROOT
ZOO = sorted(k for k, m in methods.load().items() if m.zoo)


def bases(path: str) -> set:
    """Every file a config inherits, at any depth."""
    found = set()
    for base in Config._get_base_files(path):
        base = osp.normpath(Config._get_cfg_path(base, path)[0])
        if base not in found:
            found |= {base} | bases(base)
    return found


def configs_of(method) -> list:
    """The zoo configs named ``{model}-{token}_{rest}.py`` for a method."""
    return sorted(
        p for p in glob.glob(osp.join(ROOT, 'configs', method.zoo, '*.py'))
        if osp.basename(p).split('_')[0].partition('-')[2] == method.token)


def test_each_fragment_is_a_method_or_a_preset():
    keys = sorted(osp.splitext(osp.basename(p))[0] for p in glob.glob(
        osp.join(ROOT, methods.FRAGMENTS, '*.py')))
    found = methods.load()
    assert set(found) <= set(keys) and len(found) >= 10
    for key in set(keys) - set(found):  # a preset: optim wrapper options
        assert 'fast_meta_step' in methods.preset(key)
    for method in found.values():
        assert method.zoo is None or osp.isdir(
            osp.join(ROOT, 'configs', method.zoo))
        # MMEngine dropped the identity: it never reaches a config
        assert not any(k.startswith('__') for k in method.parts)
    with pytest.raises(KeyError, match="unknown method 'nope'.*'ce'"):
        methods.get('nope')


@pytest.mark.parametrize('key', ZOO)
def test_zoo_configs_of_a_method_inherit_its_fragment(key):
    """The harness finds a method's configs by the fragment's zoo and
    token: each of them inherits that fragment."""
    method = methods.get(key)
    fragment = osp.join(ROOT, method.path)
    configs = configs_of(method)
    assert configs
    for path in configs:
        assert fragment in bases(path), path


def test_every_zoo_config_is_a_method_of_its_folder():
    tokens = {(m.zoo, m.token) for m in methods.load().values() if m.zoo}
    for folder in metafiles.zoo_folders():
        for path in glob.glob(osp.join(ROOT, 'configs', folder, '*.py')):
            head = osp.basename(path).split('_')[0]
            if '-' in head:  # model-token; the others are aliases
                assert (folder, head.split('-', 1)[1]) in tokens, path


#: The parts of a loss that a config fills from its training set.
FILLED = ('class_counts', 'class_weight')


@pytest.mark.parametrize('key', ZOO)
def test_method_model_is_the_model_its_configs_train(key):
    """Placing the fragment on a recipe's model (what the step benchmark
    does) gives the model of the method's config for that recipe."""
    method = methods.get(key)
    config = configs_of(method)[0]
    recipe = [b for b in bases(config) if '/recipes/' in b]
    assert len(recipe) == 1
    built = method.model(Config.fromfile(recipe[0]).model.to_dict())
    trained = Config.fromfile(config).model.to_dict()
    for key_ in FILLED:  # None in the fragment, the counts in the config
        if built['head']['loss'].get(key_, 0) is None:
            assert trained['head']['loss'][key_]
            built['head']['loss'][key_] = trained['head']['loss'][key_]
    assert built == trained


def readme_example():
    """The fragment and the config of configs/README.md's worked example."""
    text = open(osp.join(ROOT, 'configs', 'README.md')).read()
    section = text[text.index('## Add a method'):]
    section = section[:section.index('\n## ', 1)]
    fragment, config = re.findall(r'```python\n(.*?)```', section, re.S)[:2]
    names = re.findall(r'`configs/(\S+?\.py)`', section)[:2]
    return dict(zip(names, (fragment, config)))


def test_readme_worked_example_adds_a_method(tmp_path):
    """The worked example in a copy of configs/: its fragment is a method of
    the harness, its config trains that method with the checks, the
    metafile lists it, the step benchmark builds its loss."""
    shutil.copytree(osp.join(ROOT, 'configs'), tmp_path / 'configs')
    files = readme_example()
    assert sorted(files) == ['_base_/methods/ls-ce.py',
                             'baselines/resnet32-ls-ce_1xb128_cifar10-lt.py']
    for name, text in files.items():
        (tmp_path / 'configs' / name).write_text(text)
    method = methods.get('ls-ce', str(tmp_path))
    assert (method.name, method.zoo, method.token) == (
        'Label smoothing', 'baselines', 'ls-ce')
    cfg = Config.fromfile(str(tmp_path / 'configs' / 'baselines' /
                              'resnet32-ls-ce_1xb128_cifar10-lt.py'))
    base = Config.fromfile(str(tmp_path / 'configs' / '_base_' / 'recipes' /
                               'resnet32_1xb128_cifar10-lt.py')).model
    assert method.model(base.to_dict()) == cfg.model.to_dict()
    model = MODELS.build(cfg.model)
    assert type(model.head.loss_module).__name__ == 'LabelSmoothLoss'
    hooks = [h.type for h in cfg.custom_hooks]
    assert 'MetaSetCheckHook' in hooks and cfg.meta_dataloader is None
    index = metafiles.metafile('baselines', str(tmp_path))
    assert '  - Name: resnet32-ls-ce_1xb128_cifar10-lt\n' in index
    assert index.count('  - Name: ') == metafiles.metafile(
        'baselines').count('  - Name: ') + 1


def test_metafiles_are_generated():
    """The committed metafile.yml of each zoo folder is what
    `tools/collect_results.py --update-readmes` writes."""
    assert metafiles.update_metafiles(check=True) == []
    index = metafiles.metafile('mw_net')
    # MW-Net has no ImageNet-LT / Places-LT config: not in its list
    assert 'Training Data: [CIFAR-10, CIFAR-100, Clothing1M]' in index
    assert metafiles.training_data('x_cifar100-lt.py') == 'CIFAR-100'
    assert metafiles.training_data('x_cifar10-flip.py') == 'CIFAR-10'
