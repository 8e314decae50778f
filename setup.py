"""Install mmadvisor: ``pip install -r requirements.txt -e .``."""
import glob
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = osp.dirname(osp.abspath(__file__))
#: OpenMMLab's layout of a package's resources: MMEngine resolves
#: ``_base_ = 'mmadvisor::path'`` to ``mmadvisor/.mim/configs/path`` (after
#: reading ``mmadvisor/.mim/model-index.yml``), and ``mim`` finds a
#: package's configs, model index and tools (``mim train``/``test``) there.
MIM_DIR = osp.join('mmadvisor', '.mim')
MODEL_INDEX_HEAD = """\
# Written by setup.py: the model zoo's metafiles (configs/*/metafile.yml),
# which `mim search mmadvisor` reads. MMEngine reads them too before it
# resolves `mmadvisor::path`; no metafile changes where a path resolves
# (.mim/configs/path).
Import:
"""
#: The tools a user of the installed package runs (``mim train`` and
#: ``mim test`` run ``.mim/tools/train.py`` and ``test.py``), shipped as
#: ``mmadvisor/.mim/tools/<path>`` as MMPretrain ships its own. The other
#: tools run the research harness (``benchmarks/``) of a checkout, and
#: ``slurm_train.sh`` calls ``tools/train.py`` from a checkout's root.
MIM_TOOLS = ('train.py', 'test.py', 'dist_train.sh', 'dist_test.sh',
             'model_converters/strip_advisor.py',
             'analysis_tools/find_label_issues.py',
             'analysis_tools/plot_advice.py')
#: The start-up line that lets tools which parse a config before importing
#: mmadvisor (MMPretrain's own tools/train.py) resolve `mmadvisor::`
#: (mmadvisor_config_scope.py says what it does). The module's name sorts
#: after ``mmadvisor``, so that ``top_level.txt`` names the package first
#: (``mim`` takes its first line for the package's folder).
PTH_NAME = 'mmadvisor-config-scope.pth'
PTH_LINE = ('import mmadvisor_config_scope; '
            'mmadvisor_config_scope.install()\n')


def model_index() -> str:
    """``.mim/model-index.yml``: every ``configs/*/metafile.yml``."""
    paths = sorted(
        osp.relpath(p, ROOT).replace(os.sep, '/')
        for p in glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yml')))
    return MODEL_INDEX_HEAD + ''.join(f'  - {p}\n' for p in paths)


def _replace(path: str) -> None:
    """Remove a file, link or folder at ``path`` (an older build's)."""
    if osp.islink(path) or osp.isfile(path):
        os.remove(path)
    elif osp.isdir(path):
        shutil.rmtree(path)


class build_py_with_configs(build_py):
    """``build_py`` that also installs ``configs/`` as the package's
    ``.mim/configs``, the user's tools (:data:`MIM_TOOLS`) as
    ``.mim/tools``, the model index and the start-up line
    :data:`PTH_NAME`.

    ``configs/`` and ``tools/`` stay the one copy people read and edit;
    what is installed is made from them at build time, as OpenMMLab's own
    ``setup.py`` files do with ``.mim`` (``add_mim_extension``):

    - editable install (``pip install -e .``): symlinks in the source tree
      (git-ignored), ``mmadvisor/.mim/configs -> ../../configs`` and one
      per tool, so an edited config is what ``mmadvisor::`` finds;
    - wheel (``pip install .``, ``pip wheel .``): copies in the wheel's
      ``mmadvisor/.mim/``.

    The ``.pth`` file goes to the wheel's root, i.e. site-packages (for an
    editable install into the editable wheel, which setuptools builds in
    ``install.install_lib``).
    """

    def run(self):
        super().run()
        if self.editable_mode:
            mim = osp.join(ROOT, MIM_DIR)
            os.makedirs(mim, exist_ok=True)
            self._link(osp.join(ROOT, 'configs'), osp.join(mim, 'configs'))
            _replace(osp.join(mim, 'tools'))
            for tool in MIM_TOOLS:
                self._link(osp.join(ROOT, 'tools', tool),
                           osp.join(mim, 'tools', tool))
            pth_dir = self.get_finalized_command('install').install_lib
        else:
            mim = osp.join(self.build_lib, MIM_DIR)
            configs = osp.join(mim, 'configs')
            _replace(configs)
            shutil.copytree(
                osp.join(ROOT, 'configs'), configs,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
            _replace(osp.join(mim, 'tools'))
            for tool in MIM_TOOLS:
                dst = osp.join(mim, 'tools', tool)
                os.makedirs(osp.dirname(dst), exist_ok=True)
                shutil.copy2(osp.join(ROOT, 'tools', tool), dst)
            pth_dir = self.build_lib
        with open(osp.join(mim, 'model-index.yml'), 'w') as f:
            f.write(model_index())
        os.makedirs(pth_dir, exist_ok=True)
        with open(osp.join(pth_dir, PTH_NAME), 'w') as f:
            f.write(PTH_LINE)

    @staticmethod
    def _link(target: str, link: str) -> None:
        """A relative symlink ``link -> target`` (replacing what is
        there: a link or a copy made by an older build)."""
        _replace(link)
        os.makedirs(osp.dirname(link), exist_ok=True)
        os.symlink(osp.relpath(target, osp.dirname(link)), link)


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join('mmadvisor', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def read_requirements(path: str) -> list:
    with open(path) as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip() and not line.startswith('-')
        ]


setup(
    name='mmadvisor',
    version=read_version(),
    description='Advisor networks (MFRW, MES) for MMPretrain: training '
    'image classifiers on noisy and long-tailed labels.',
    long_description=open('README.md').read() if osp.exists('README.md') else '',
    long_description_content_type='text/markdown',
    # benchmarks/ is the research harness of a checkout (tools/ runs it),
    # not something a user's training imports: it stays out of the wheel.
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools',
                                    'benchmarks', 'benchmarks.*')),
    # the start-up hook of `mmadvisor::` configs (imports nothing)
    py_modules=['mmadvisor_config_scope'],
    cmdclass={'build_py': build_py_with_configs},
    include_package_data=True,
    python_requires='>=3.9',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={
        'tests': read_requirements('requirements/tests.txt'),
        'analysis': read_requirements('requirements/analysis.txt'),
    },
    license='Apache License 2.0',
    zip_safe=False,
)
