"""Install mmadvisor: ``pip install -r requirements.txt -e .``."""
import os.path as osp

from setuptools import find_packages, setup


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
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
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
