"""Install mmadvisor: ``pip install -r requirements.txt -e .``."""
import os
import os.path as osp
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = osp.dirname(osp.abspath(__file__))
#: MMEngine resolves ``_base_ = 'mmadvisor::path'`` to
#: ``mmadvisor/.mim/configs/path`` (OpenMMLab's layout for a package's
#: configs), after reading ``mmadvisor/.mim/model-index.yml``.
MIM_DIR = osp.join('mmadvisor', '.mim')
MODEL_INDEX = """\
# Written by setup.py. MMEngine reads a package's model index before it
# resolves `mmadvisor::path`; no mmadvisor config is indexed (no released
# checkpoints), so every path resolves to .mim/configs/path.
Import: []
"""
#: The start-up line that lets tools which parse a config before importing
#: mmadvisor (MMPretrain's own tools/train.py) resolve `mmadvisor::`
#: (_mmadvisor_config_scope.py says what it does).
PTH_NAME = 'mmadvisor-config-scope.pth'
PTH_LINE = ('import _mmadvisor_config_scope; '
            '_mmadvisor_config_scope.install()\n')


class build_py_with_configs(build_py):
    """``build_py`` that also installs ``configs/`` as the package's
    ``.mim/configs`` and the start-up line :data:`PTH_NAME`.

    ``configs/`` stays the one copy people read and edit; what is installed
    is made from it at build time, as OpenMMLab's own ``setup.py`` files do
    with ``.mim`` (``add_mim_extension``):

    - editable install (``pip install -e .``): a symlink
      ``mmadvisor/.mim/configs -> ../../configs`` in the source tree
      (git-ignored), so an edited config is what ``mmadvisor::`` finds;
    - wheel (``pip install .``, ``pip wheel .``): a copy of ``configs/``
      in the wheel's ``mmadvisor/.mim/configs``.

    The ``.pth`` file goes to the wheel's root, i.e. site-packages (for an
    editable install into the editable wheel, which setuptools builds in
    ``install.install_lib``).
    """

    def run(self):
        super().run()
        if self.editable_mode:
            mim = osp.join(ROOT, MIM_DIR)
            os.makedirs(mim, exist_ok=True)
            link = osp.join(mim, 'configs')
            if osp.islink(link):
                os.remove(link)
            elif osp.isdir(link):  # a copy made by an older build
                shutil.rmtree(link)
            os.symlink(osp.join('..', '..', 'configs'), link)
            pth_dir = self.get_finalized_command('install').install_lib
        else:
            mim = osp.join(self.build_lib, MIM_DIR)
            configs = osp.join(mim, 'configs')
            if osp.isdir(configs):
                shutil.rmtree(configs)
            shutil.copytree(
                osp.join(ROOT, 'configs'), configs,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
            pth_dir = self.build_lib
        with open(osp.join(mim, 'model-index.yml'), 'w') as f:
            f.write(MODEL_INDEX)
        os.makedirs(pth_dir, exist_ok=True)
        with open(osp.join(pth_dir, PTH_NAME), 'w') as f:
            f.write(PTH_LINE)


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
    py_modules=['_mmadvisor_config_scope'],
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
