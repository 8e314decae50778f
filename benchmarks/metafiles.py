"""The model zoo's ``metafile.yml`` files (OpenMMLab's model index),
generated from the configs and the thesis' tables, never typed.

**The thesis' configs.** One file per model-zoo folder, i.e. per ``zoo``
that a method fragment names (:mod:`benchmarks.methods`): its Collection
(named by the folder README's title, with the thesis whose tables the
configs reproduce as its paper) and one Model per config of the folder,
with its training data (the dataset its name ends with), the thesis tables
that train it (:func:`benchmarks.thesis.table_runs`) and its path. No
weights of these configs were trained here: ``Results`` and ``Weights`` are
``null``, ``Trained Here`` says so, and the thesis' numbers for the config
are its ``Thesis Targets`` (table, row, value per column), which are not
results.

``tools/collect_results.py --update-readmes`` writes them; a test checks
that the committed files are what it writes.
"""
import glob
import os.path as osp
from typing import Dict, List

import numpy as np

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
# No weights of these configs were trained here: Results and Weights are
# null, and "Thesis Targets" are the thesis' numbers (its tables, also in
# README.md marked "(thesis)"; top-1 unless a column names top-3/5): a target
# for a run of the config, not a result of this repository.
# tools/collect_results.py builds a table from finished runs.
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


def thesis_targets() -> Dict[str, List[dict]]:
    """Config path -> the thesis' numbers for it, one dict per (table, row)
    in table order: ``table``, ``caption``, ``row`` and ``values`` (column
    label -> number, for the columns of the config's settings that the
    thesis fills)."""
    out: Dict[str, List[dict]] = {}
    for table_id, table in thesis.TABLES.items():
        for run in thesis.table_runs(table_id):
            row = next(r for r in table.rows if r.name == run.row)
            values = {
                col.label: value
                for col, value in zip(table.columns, row.values)
                if col.setting == run.setting and value is not None}
            targets = out.setdefault(run.config, [])
            same = [t for t in targets
                    if (t['table'], t['row']) == (table_id, row.name)]
            if same:
                same[0]['values'].update(values)
            elif values:
                targets.append(dict(table=table_id, caption=table.caption,
                                    row=row.name, values=values))
    return out


def readme_title(folder: str, root: str = ROOT) -> str:
    """The first heading of ``configs/<folder>/README.md``."""
    with open(osp.join(root, 'configs', folder, 'README.md')) as f:
        for line in f:
            if line.startswith('# '):
                return line[2:].strip()
    raise ValueError(f'configs/{folder}/README.md has no "# Title" line.')


def _q(text: str) -> str:
    """``text`` as a single-quoted YAML string."""
    return "'" + str(text).replace("'", "''") + "'"


def _num(value) -> str:
    """A number as YAML reads it back (a float keeps its point)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f'{value!r} is not a number')
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return np.format_float_positional(float(value), trim='0')


def _flow(mapping: dict) -> str:
    """A one-line YAML mapping of quoted keys and numbers."""
    return '{' + ', '.join(f'{_q(k)}: {_num(v)}'
                           for k, v in mapping.items()) + '}'


def configs_of(folder: str, root: str = ROOT) -> List[str]:
    """The configs of ``configs/<folder>/``, relative to ``root``."""
    return sorted(
        osp.relpath(p, root)
        for p in glob.glob(osp.join(root, 'configs', folder, '*.py')))


def metafile(folder: str, root: str = ROOT) -> str:
    """The ``metafile.yml`` of the thesis' zoo folder ``configs/<folder>/``."""
    configs = configs_of(folder, root)
    tables = thesis_tables()
    targets = thesis_targets()
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
        ]
        if tables.get(config):  # strings: mim reads a list of strings
            lines.append('      Thesis tables: [' + ', '.join(
                _q(t) for t in tables[config]) + ']')
        lines += ["      Trained Here: 'no'", '    Results: null']
        if targets.get(config):
            lines.append('    Thesis Targets:')
        for target in targets.get(config, []):
            lines += [
                f"      - Table: {_q(target['table'] + ': ' + target['caption'])}",  # noqa: E501
                f"        Row: {_q(target['row'])}",
                f"        Accuracy (%): {_flow(target['values'])}",
            ]
        lines += [f'    Config: {config}', '    Weights: null']
    return '\n'.join(lines) + '\n'


def generated_files(root: str = ROOT) -> Dict[str, str]:
    """Path -> text of every file this module writes."""
    return {osp.join(root, 'configs', folder, 'metafile.yml'):
            metafile(folder, root) for folder in zoo_folders(root)}


def update_metafiles(check: bool = False, root: str = ROOT) -> List[str]:
    """Write every zoo folder's ``metafile.yml``; return those that
    changed (or, with ``check``, would)."""
    changed = []
    for path, text in generated_files(root).items():
        old = open(path).read() if osp.exists(path) else None
        if text != old:
            changed.append(path)
            if not check:
                with open(path, 'w') as f:
                    f.write(text)
    return changed

