"""The README's examples are real: the config diff parses and builds."""
import os.path as osp
import re
import subprocess

from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
EXAMPLE = osp.join(ROOT, 'configs', 'examples',
                   'resnet18_8xb16_cifar10-flip0.4_mfrw-mes.py')


def readme():
    with open(osp.join(ROOT, 'README.md')) as f:
        return f.read()


def test_readme_diff_is_the_example_config():
    blocks = re.findall(r'```python\n(.*?)```', readme(), re.S)
    with open(EXAMPLE) as f:
        body = f.read().split('\n', 2)[2]  # drop the two header comments
    assert body in blocks


def test_example_config_builds_on_the_stock_recipe():
    cfg = Config.fromfile(EXAMPLE)
    init_default_scope('mmpretrain')
    # Inherited from MMPretrain's recipe, not restated.
    assert cfg.model.backbone.type == 'ResNet_CIFAR'
    assert cfg.model.head.num_classes == 10
    assert cfg.model.head.in_channels == 512
    assert cfg.optim_wrapper.optimizer.lr == 0.1
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'AdvisorClassifier'
    assert model.head.advisor.outputs == ('mfrw', 'mes')
    wrapper_cfg = cfg.optim_wrapper.copy()
    constructor = wrapper_cfg.pop('constructor')
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=constructor, optim_wrapper_cfg=wrapper_cfg))(model)
    assert type(wrapper).__name__ == 'MetaOptimWrapper'
    assert wrapper.optimizer.defaults['lr'] == 0.1
    assert wrapper.meta_optimizer.defaults['lr'] == 1e-4
    train = cfg.train_dataloader.dataset
    assert train.type == 'LabelNoiseDataset'
    assert train.dataset.dataset.pipeline == cfg.train_pipeline


def test_ci_runs_the_readme_test_command():
    out = subprocess.run(
        ['sed', '-n', '/<!-- test-command:start -->/,/<!-- test-command:'
         'end -->/p', osp.join(ROOT, 'README.md')],
        capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines()
             if l.strip() and not l.startswith(('<!--', '```'))]
    assert len(lines) == 1 and 'pytest tests' in lines[0]
    with open(osp.join(ROOT, '.ci', 'run')) as f:
        assert 'test-command:start' in f.read()


def command_configs():
    """``(file, path)`` of each ``.py`` argument of a ``python tools/...``
    command in the READMEs and in the tools' docstrings (a user's own
    ``my_project/`` config aside)."""
    import ast
    import glob
    docs = [osp.join(ROOT, 'README.md')] + glob.glob(
        osp.join(ROOT, 'configs', '*', 'README.md'))
    texts = {p: open(p).read() for p in docs}
    for tool in glob.glob(osp.join(ROOT, 'tools', '**', '*.py'),
                          recursive=True):
        texts[tool] = ast.get_docstring(ast.parse(open(tool).read())) or ''
    for path, text in texts.items():
        for line in re.findall(r'python3? tools/\S+\.py[^\n]*', text):
            for arg in line.split()[2:]:
                if arg.endswith('.py') and not arg.startswith(
                        ('my_project/', '$')):
                    yield osp.relpath(path, ROOT), arg


def test_commands_name_configs_that_exist():
    """A command copied from a README or a tool's docstring runs from the
    repository root: each config it names is there."""
    found = list(command_configs())
    assert len(found) > 10
    missing = [f'{where}: {arg}' for where, arg in found
               if not osp.exists(osp.join(ROOT, arg))]
    assert not missing, '\n'.join(missing)
