"""The configs are installed with the package, and a config in any directory
inherits them as ``mmadvisor::path``: editable install and wheel, under
mmadvisor's tools and MMPretrain's own (configs/README.md, "Inherit
mmadvisor's configs")."""
import ast
import glob
import json
import os
import os.path as osp
import re
import sys
import sysconfig
import zipfile

import mmpretrain
import pytest
import yaml
from install_helpers import ROOT, copy_sources, run
from mmengine.config import Config

MIM_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')
PTH = 'mmadvisor-config-scope.pth'
PTH_LINE = 'import mmadvisor_config_scope; mmadvisor_config_scope.install()'
OLD_PTH_LINE = ('import _mmadvisor_config_scope; '
                '_mmadvisor_config_scope.install()')
#: The tools the wheel ships in mmadvisor/.mim/tools (setup.py MIM_TOOLS).
SHIPPED_TOOLS = ['analysis_tools/find_label_issues.py',
                 'analysis_tools/plot_advice.py', 'dist_test.sh',
                 'dist_train.sh', 'model_converters/strip_advisor.py',
                 'test.py', 'train.py']
# A user's config on mmadvisor's quickstart (protocol, model, method and
# recipe inherited through it), made tiny: 100 noisy digits, one epoch.
USER_CONFIG = '''\
_base_ = 'mmadvisor::quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6.py'
train_dataloader = dict(
    batch_size=32, dataset=dict(dataset=dict(dataset=dict(indices=200))))
optim_wrapper = dict(
    meta_dataloader=dict(dataset=dict(dataset=dict(indices=200))))
val_dataloader = dict(dataset=dict(indices=64))
test_dataloader = dict(dataset=dict(indices=64))
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
'''


def config_files(top):
    return sorted(
        osp.relpath(p, top)
        for p in glob.glob(osp.join(top, '**', '*'), recursive=True)
        if osp.isfile(p) and '__pycache__' not in p)


def metafile_paths(top):
    """``configs/<folder>/metafile.yml`` of every folder that has one."""
    return sorted(osp.relpath(p, top) for p in glob.glob(
        osp.join(top, 'configs', '*', 'metafile.yml')))


def test_wheel_carries_configs_and_the_start_up_line(clone, wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        prefix = 'mmadvisor/.mim/configs/'
        packed = sorted(n[len(prefix):] for n in names
                        if n.startswith(prefix))
        assert len(packed) > 100
        assert packed == config_files(clone / 'configs')
        for name in packed:  # a copy of configs/ as it is
            with open(clone / 'configs' / name, 'rb') as f:
                assert whl.read(prefix + name) == f.read(), name
        assert whl.read(PTH).decode().strip() == PTH_LINE
        assert 'mmadvisor_config_scope.py' in names
        # the old name stays in a checkout only (for old editable installs)
        assert (clone / '_mmadvisor_config_scope.py').exists()
        assert '_mmadvisor_config_scope.py' not in names


def test_wheel_is_laid_out_for_mim(clone, wheel):
    """What ``mim`` reads (tests/test_mim.py runs it): the package is the
    first name of top_level.txt, the model index lists every metafile of
    configs/ (paths relative to .mim, where the copies are), and the user's
    tools are copies in .mim/tools."""
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        (top_level, ) = [n for n in names if n.endswith('/top_level.txt')]
        assert whl.read(top_level).decode().split() == [
            'mmadvisor', 'mmadvisor_config_scope']
        index = yaml.safe_load(whl.read('mmadvisor/.mim/model-index.yml'))
        assert index['Import'] == metafile_paths(clone)
        assert len(index['Import']) == 6
        for path in index['Import']:
            assert f'mmadvisor/.mim/{path}' in names
        prefix = 'mmadvisor/.mim/tools/'
        tools = sorted(n[len(prefix):] for n in names
                       if n.startswith(prefix))
        assert tools == SHIPPED_TOOLS
        for tool in tools:
            with open(clone / 'tools' / tool, 'rb') as f:
                assert whl.read(prefix + tool) == f.read(), tool


def imported_modules(source: str) -> set:
    """The top-level names of what a module's source imports."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name.split('.')[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split('.')[0])
    return names


def test_wheel_holds_only_what_training_imports(clone, wheel):
    """The research harness (benchmarks/) and the tools that run it stay in
    the checkout: the wheel has none of their files, and none of its modules
    (the shipped tools in .mim/tools included) imports them."""
    assert (clone / 'benchmarks' / 'fashion_mnist_benchmark.py').exists()
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        top = {n.split('/')[0] for n in names}
        assert 'benchmarks' not in top and 'tools' not in top
        assert not any('experiments' in n or 'step_cost' in n or
                       'fashion_mnist_benchmark' in n for n in names)
        modules = [n for n in names if n.endswith('.py')]
        assert len(modules) > 50
        importers = [n for n in modules if {'benchmarks', 'tools'} &
                     imported_modules(whl.read(n).decode())]
    assert not importers, importers


def test_wheel_install_resolves_mmadvisor_configs(wheel, tmp_path):
    """Installed from the wheel, started without this venv's start-up files
    (its .pth of the editable install): the wheel's own .pth registers
    ``mmadvisor::`` before anything imports mmadvisor, and every config
    resolves to its file although the model index lists the metafiles."""
    target = tmp_path / 'site'
    run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
         '--target', str(target), wheel], cwd=tmp_path)
    (tmp_path / 'my_config.py').write_text(USER_CONFIG)
    script = f'''
import site, sys
site.addsitedir({str(target)!r})  # runs the wheel's .pth
sys.path.append({sysconfig.get_paths()["purelib"]!r})  # torch, mmengine...
from mmengine.config import Config
assert 'mmadvisor' not in sys.modules
path, scope = Config._get_cfg_path(
    'mmadvisor::_base_/methods/mfrw-mes.py', 'my_config.py')
assert path.startswith({str(target)!r}) and scope == 'mmadvisor', path
# MMEngine reads the model index (the metafiles) before it falls back to
# .mim/configs/PATH: every config still resolves to its own file
import glob, os.path as osp
configs = osp.join({str(target)!r}, 'mmadvisor', '.mim', 'configs')
paths = sorted(osp.relpath(p, configs) for p in glob.glob(
    osp.join(configs, '**', '*.py'), recursive=True))
assert len(paths) > 100
for rel in paths:
    path, _ = Config._get_cfg_path('mmadvisor::' + rel, 'my_config.py')
    assert path == osp.join(configs, rel), (rel, path)
cfg = Config.fromfile('my_config.py')
import mmadvisor
assert mmadvisor.__file__.startswith({str(target)!r}), mmadvisor.__file__
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
init_default_scope('mmpretrain')
model = MODELS.build(cfg.model)
assert type(model).__name__ == 'AdvisorClassifier'
print(cfg.model.backbone.depth, cfg.train_cfg.max_epochs)
'''
    proc = run([sys.executable, '-S', '-c', script], cwd=tmp_path,
               env={'PYTHONPATH': None})
    assert proc.stdout.split() == ['20', '1']


def test_editable_build_links_configs_and_tools(tmp_path):
    """``pip install -e .``: .mim links to configs/ and to each shipped tool
    of the source tree, so the tree is laid out as the wheel; the index
    lists the metafiles; the editable wheel carries the start-up line."""
    clone = tmp_path / 'clone'
    copy_sources(clone)
    script = ('from setuptools import build_meta; '
              f'print(build_meta.build_editable({str(tmp_path)!r}))')
    name = run([sys.executable, '-c', script], cwd=clone).stdout.split()[-1]
    mim = clone / 'mmadvisor' / '.mim'
    link = mim / 'configs'
    assert osp.islink(link) and os.readlink(link) == '../../configs'
    assert osp.realpath(link) == osp.realpath(clone / 'configs')
    tools = config_files(mim / 'tools')
    assert tools == SHIPPED_TOOLS
    for tool in tools:
        assert osp.islink(mim / 'tools' / tool)
        assert osp.realpath(mim / 'tools' / tool) == osp.realpath(
            clone / 'tools' / tool)
    index = yaml.safe_load((mim / 'model-index.yml').read_text())
    assert index['Import'] == metafile_paths(clone)
    for path in index['Import']:
        assert (mim / path).is_file()
    with zipfile.ZipFile(tmp_path / name) as whl:
        assert whl.read(PTH).decode().strip() == PTH_LINE
        (top_level, ) = [n for n in whl.namelist()
                         if n.endswith('/top_level.txt')]
        assert whl.read(top_level).decode().split()[0] == 'mmadvisor'


def test_this_install_adds_the_scope_at_start_up(tmp_path):
    """This venv's editable install: the finder waits at start-up, does its
    one thing when MMEngine's table is imported, then leaves."""
    script = '''
import sys
import mmadvisor_config_scope as hook
finders = lambda: [f for f in sys.meta_path
                   if isinstance(f, hook._ConfigScopeFinder)]
assert len(finders()) == 1 and 'mmengine' not in sys.modules
from mmengine.config.utils import MODULE2PACKAGE
assert MODULE2PACKAGE['mmadvisor'] == 'mmadvisor.registry'
assert MODULE2PACKAGE['mmpretrain'] == 'mmpretrain'
assert not finders() and 'mmadvisor' not in sys.modules
import mmengine.config.utils, inspect
assert 'MODULE2PACKAGE' in inspect.getsource(mmengine.config.utils)
hook.install()  # MMEngine loaded: registers at once, no finder
assert not finders()
import mmadvisor.registry
assert mmadvisor.registry.CONFIG_PACKAGE == hook.PACKAGE
assert mmadvisor.registry.SCOPE == hook.SCOPE
'''
    run([sys.executable, '-c', script], cwd=tmp_path)


def test_old_start_up_line_still_works():
    """An editable install made before the rename has the start-up line
    ``import _mmadvisor_config_scope; ...`` and maps that name to the
    checkout's file: the file stays, loads the renamed module and
    registers the scope (no error at every Python start)."""
    script = f'''
import sys
sys.path[:0] = [{ROOT!r}, {sysconfig.get_paths()["purelib"]!r}]
{OLD_PTH_LINE}
import mmadvisor_config_scope as hook
assert _mmadvisor_config_scope.install is hook.install
assert hook.__file__ == {osp.join(ROOT, 'mmadvisor_config_scope.py')!r}
assert 'mmadvisor' not in sys.modules
from mmengine.config.utils import MODULE2PACKAGE
assert MODULE2PACKAGE['mmadvisor'] == 'mmadvisor.registry'
'''
    proc = run([sys.executable, '-S', '-c', script], cwd=ROOT,
               env={'PYTHONPATH': None})
    assert proc.stderr == ''


def readme_example():
    with open(osp.join(ROOT, 'README.md')) as f:
        text = f.read()
    section = text[text.index('## Add an advisor to an existing'):]
    return re.search(r'```python\n(.*?)```', section, re.S).group(1)


def test_readme_example_builds_in_a_directory_of_its_own(tmp_path):
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

    example = readme_example()
    assert "'mmpretrain::" in example and "'mmadvisor::" in example
    project = tmp_path / 'my_project'
    project.mkdir()
    (project / 'my_config.py').write_text(example)
    cfg = Config.fromfile(str(project / 'my_config.py'))
    # mmadvisor::path is configs/path of this (editable) install
    path, _ = Config._get_cfg_path('mmadvisor::_base_/methods/mfrw-mes.py',
                                   str(project / 'my_config.py'))
    assert osp.realpath(path) == osp.join(ROOT, 'configs', '_base_',
                                          'methods', 'mfrw-mes.py')
    init_default_scope('mmpretrain')
    assert cfg.model.backbone.type == 'ResNet_CIFAR'  # MMPretrain's
    assert cfg.model.head.loss.type == 'MetaEqualizationLoss'  # ours
    assert cfg.model_wrapper_cfg.type == \
        'mmpretrain.MetaDistributedDataParallel'
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'AdvisorClassifier'
    assert model.head.advisor.outputs == ('mfrw', 'mes')
    wrapper_cfg = cfg.optim_wrapper.copy()
    constructor = wrapper_cfg.pop('constructor')
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=constructor, optim_wrapper_cfg=wrapper_cfg))(model)
    assert type(wrapper).__name__ == 'MetaOptimWrapper'
    assert wrapper.optimizer.defaults['lr'] == 0.1  # MMPretrain's schedule
    assert wrapper.meta_optimizer.defaults['lr'] == 1e-4  # ours


def test_readme_fast_preset_on_top_of_the_readme_example(tmp_path):
    """The README's fast-preset block, on top of its example config, in a
    directory of its own: the wrapper keeps the example's options and adds
    the preset's."""
    with open(osp.join(ROOT, 'README.md')) as f:
        text = f.read()
    section = text[text.index('**The fast preset** is one base config'):]
    block = re.search(r'```python\n(.*?)```', section, re.S).group(1)
    (tmp_path / 'my_mfrw-mes_config.py').write_text(readme_example())
    (tmp_path / 'my_fast_config.py').write_text(block)
    cfg = Config.fromfile(str(tmp_path / 'my_fast_config.py'))
    assert list(cfg.optim_wrapper.virtual_params) == ['head.fc']
    assert cfg.optim_wrapper.advisor_interval == 2
    assert cfg.optim_wrapper.type == 'MetaOptimWrapper'
    assert cfg.optim_wrapper.meta_optimizer.lr == 1e-4
    assert cfg.optim_wrapper.optimizer.lr == 0.1  # MMPretrain's schedule


def test_user_config_under_mmpretrain_train_and_our_test(tmp_path):
    """MMPretrain's train.py parses before anything imports mmadvisor (the
    start-up line registers the scope); mmadvisor's test.py imports it
    first. Both from the user's directory."""
    (tmp_path / 'my_config.py').write_text(USER_CONFIG)
    run([sys.executable, osp.join(MIM_TOOLS, 'train.py'), 'my_config.py',
         '--work-dir', 'work'], cwd=tmp_path)
    (scalars, ) = glob.glob(str(tmp_path / 'work' / '*' / 'vis_data' /
                                'scalars.json'))
    records = [json.loads(line) for line in open(scalars)]
    assert any('loss_meta' in r for r in records)
    run([sys.executable, osp.join(ROOT, 'tools', 'test.py'), 'my_config.py',
         'work/epoch_1.pth', '--work-dir', 'test', '--out', 'metrics.json',
         '--out-item', 'metrics'],
        cwd=tmp_path)
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    # the run validated its last epoch on the same 64 test images: our
    # test.py on its checkpoint gives what MMPretrain's train.py logged
    (logged, ) = [r for r in records if 'accuracy/top1' in r]
    assert metrics['accuracy/top1'] == pytest.approx(logged['accuracy/top1'])
