"""The model zoo's ``metafile.yml`` files (OpenMMLab's model index),
generated from the configs and the thesis' tables, never typed.

One file per model-zoo folder, i.e. per ``zoo`` that a method fragment
names (:mod:`benchmarks.methods`): its Collection (named by the folder
README's title, with the thesis whose tables the configs reproduce as its
paper) and one Model per config of the folder, with its training data (the
dataset its name ends with), the thesis tables that train it
(:func:`benchmarks.thesis.table_runs`) and its path. No zoo config has
released weights or results of this repository yet (``null``).
``tools/collect_results.py --update-readmes`` writes them; a test checks
that the committed files are what it writes.
"""
import glob
import os.path as osp
from typing import Dict, List

from . import ROOT, methods, thesis

#: The training data of a config, by the dataset its name ends with (in
#: the order of a Collection's list).
DATASETS = (('cifar10', 'CIFAR-10'), ('cifar100', 'CIFAR-100'),
            ('imagenet-lt', 'ImageNet-LT'), ('places-lt', 'Places-LT'),
            ('clothing1m', 'Clothing1M'))
HEADER = '''\
# Written by `python tools/collect_results.py --update-readmes` from the
# configs of this folder and the thesis' tables (benchmarks/metafiles.py).
'''
RESULTS = '''\
# Results: the thesis' numbers are in README.md (generated, marked
# "(thesis)"); this repository's come from tools/collect_results.py.
'''


def zoo_folders(root: str = ROOT) -> List[str]:
    """The model-zoo folders under ``configs/`` (those the fragments name)."""
    return sorted({m.zoo for m in methods.load(root).values() if m.zoo})


def training_data(config: str) -> str:
    """The dataset a config trains on, from its name
    (``..._cifar100-lt.py`` -> ``CIFAR-100``)."""
    name = osp.splitext(osp.basename(config))[0].rsplit('_', 1)[-1]
    for token, label in sorted(DATASETS, key=lambda d: -len(d[0])):
        if name.startswith(token):
            return label
    raise ValueError(f'{config}: its name names no dataset of '
                     f'{[d for d, _ in DATASETS]}; add it to DATASETS.')


def thesis_tables() -> Dict[str, List[str]]:
    """Config path -> the ids of the thesis tables that train it."""
    out: Dict[str, List[str]] = {}
    for table_id in thesis.TABLES:
        for run in thesis.table_runs(table_id):
            tables = out.setdefault(run.config, [])
            if table_id not in tables:
                tables.append(table_id)
    return out


def readme_title(folder: str, root: str = ROOT) -> str:
    """The first heading of ``configs/<folder>/README.md``."""
    with open(osp.join(root, 'configs', folder, 'README.md')) as f:
        for line in f:
            if line.startswith('# '):
                return line[2:].strip()
    raise ValueError(f'configs/{folder}/README.md has no "# Title" line.')


def metafile(folder: str, root: str = ROOT) -> str:
    """The ``metafile.yml`` of ``configs/<folder>/``."""
    configs = sorted(
        osp.relpath(p, root)
        for p in glob.glob(osp.join(root, 'configs', folder, '*.py')))
    tables = thesis_tables()
    name = readme_title(folder, root)
    data = {training_data(c) for c in configs}
    lines = [
        HEADER.rstrip('\n'),
        'Collections:',
        f'  - Name: {name}',
        '    Metadata:',
        '      Training Data: [' +
        ', '.join(d for _, d in DATASETS if d in data) + ']',
        '    Paper:',
        f"      Title: '{thesis.THESIS}'",
        f'    README: configs/{folder}/README.md',
        '',
        RESULTS.rstrip('\n'),
        'Models:',
    ]
    for config in configs:
        lines += [
            f'  - Name: {osp.splitext(osp.basename(config))[0]}',
            f'    In Collection: {name}',
            '    Metadata:',
            f'      Training Data: {training_data(config)}',
            '      Thesis tables: [' + ', '.join(tables.get(config, [])) +
            ']',
            '    Results: null',
            f'    Config: {config}',
            '    Weights: null',
        ]
    return '\n'.join(lines) + '\n'


def update_metafiles(check: bool = False, root: str = ROOT) -> List[str]:
    """Write every zoo folder's ``metafile.yml``; return those that
    changed (or, with ``check``, would)."""
    changed = []
    for folder in zoo_folders(root):
        path = osp.join(root, 'configs', folder, 'metafile.yml')
        text = metafile(folder, root)
        old = open(path).read() if osp.exists(path) else None
        if text != old:
            changed.append(path)
            if not check:
                with open(path, 'w') as f:
                    f.write(text)
    return changed
