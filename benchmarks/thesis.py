# Copyright (c) mmadvisor contributors.
"""The thesis' experiments (tables 2.1-2.4 and 3.1-3.7): its published
numbers, the runs behind each table and the reader of their results.

One place for what ``tools/thesis_grid.py`` (list, print or
train the runs of a table) and ``tools/collect_results.py`` (build a table
from finished runs) do; the tools are its command lines.

**The thesis' numbers** (:data:`TABLES`). Every number of a :class:`Table`
is the thesis', copied from its tables (sections 2.5 and 3.5); none is a
result of this repository. A table has columns and rows:

- a column is one metric of one training *setting* (dataset, imbalance
  factor, noise); ``Column.setting`` names the setting (:class:`Setting`),
  ``Column.metric`` the key of the metric in MMEngine's scalars log;
- a row is one method; ``Row.method`` is the key of the method, i.e. of
  its fragment ``configs/_base_/methods/KEY.py`` (:mod:`benchmarks.methods`:
  the fragment names the folder of its configs and its token in their
  names), or ``None`` when only the thesis' (cited) number exists. ``None``
  in ``Row.values`` is a ``-`` of the thesis.

**Runs** (:func:`table_runs`). A run is one (method, setting) cell of a
table: the method and the table's recipe (:data:`RECIPES`) pick the config,
the setting (dataset, imbalance factor IF, noise type and ratio p) the
``--cfg-options``; the work dir is ``{work_root}/{config name}/{setting}``,
so a run shared by two tables (e.g. 2.1 and 3.5) is trained once.
Count-based losses get what their fragment's ``loss`` leaves to the config
(``class_counts``: BALMS, Equalization Loss; ``class_weight``: CB with the
fragment's ``cb_beta``, CBW), from the class counts of the protocol at that
IF, computed by the same formula as ``LongTailDataset``.

**Results** (:func:`read_result`, :func:`build_table`). A run's result is
the last validation record of MMEngine's scalars log
(``{work_dir}/{timestamp}/vis_data/scalars.json``), which must be at the
run's last epoch (iteration) as its dumped config says. Nothing is typed by
hand.
"""
import glob
import json
import os
import os.path as osp
import re
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from mmadvisor.datasets.long_tail_dataset import long_tail_counts

from . import ROOT, methods


# ----------------------------------------------------------------------
# The thesis' numbers
# ----------------------------------------------------------------------
class Setting(NamedTuple):
    """One training setting: dataset, recipe and the data corruption.

    Attributes:
        dataset (str): ``'cifar10'``, ``'cifar100'``, ``'imagenet-lt'``,
            ``'places-lt'`` or ``'clothing1m'``.
        imbalance_factor (float): IF of the long tail (1: balanced).
        noise_type (str): ``'flip'``, ``'flip2'`` or ``'flip3'``.
        noise_ratio (float): p (0: clean labels).
    """
    dataset: str
    imbalance_factor: float = 1
    noise_type: str = 'flip'
    noise_ratio: float = 0.0

    @property
    def slug(self) -> str:
        """The setting's part of a work-dir name, e.g. ``if100-flip0.4``."""
        parts = [self.dataset]
        if self.imbalance_factor != 1:
            parts.append(f'if{self.imbalance_factor:g}')
        if self.noise_ratio:
            parts.append(f'{self.noise_type}{self.noise_ratio:g}')
        return '_'.join(parts)


class Column(NamedTuple):
    label: str
    setting: Setting
    metric: str = 'accuracy/top1'


class Row(NamedTuple):
    name: str
    values: Tuple[Optional[float], ...]
    method: Optional[str] = None


class Table(NamedTuple):
    id: str
    caption: str
    recipe: str  # key of :data:`RECIPES`
    columns: Tuple[Column, ...]
    rows: Tuple[Row, ...]


def _cols(datasets, values, label, make) -> Tuple[Column, ...]:
    return tuple(
        Column(f'{name} {label}={v:g}', make(ds, v))
        for ds, name in datasets for v in values)


#: The thesis, whose tables the model zoo's configs reproduce.
THESIS = ('Meta-Advisor Learning for Dataset Annotations Issues in the Image '
          'Classification Task (PhD thesis, 2022)')
CIFAR = (('cifar10', 'CIFAR-10'), ('cifar100', 'CIFAR-100'))
_ = None  # a '-' of the thesis


def _flip(noise_type, ps):
    return _cols(CIFAR, ps, 'p',
                 lambda ds, p: Setting(ds, 1, noise_type, p))


def _lt(ifs):
    return _cols(CIFAR, ifs, 'IF', lambda ds, f: Setting(ds, f))


_LT_FLIP = tuple(
    Column(f'{name} p={p:g} IF={f:g}', Setting(ds, f, 'flip', p))
    for ds, name in CIFAR for p in (0.4, 0.6) for f in (200, 100, 10))

TABLES: Dict[str, Table] = {}


def _add(table: Table) -> None:
    for row in table.rows:
        assert len(row.values) == len(table.columns), (table.id, row.name)
    TABLES[table.id] = table


_add(Table(
    '2.1', 'Top-1 accuracy, Flip CIFAR, ResNet-32', 'resnet32_flip',
    _flip('flip', (0.0, 0.2, 0.4, 0.6, 0.8)), (
        Row('CrossEntropy [57]', (92.89, 76.83, 70.77, _, _, 70.50, 50.86, 43.01, _, _)),  # noqa: E501
        Row('Reed-Hard [50]', (92.31, 88.28, 81.06, _, _, 69.02, 60.27, 50.40, _, _)),  # noqa: E501
        Row('S-Model [17]', (83.61, 79.25, 75.73, _, _, 51.46, 45.45, 43.8, _, _)),  # noqa: E501
        Row('Self-paced [33]', (88.52, 87.03, 81.63, _, _, 67.55, 63.63, 53.51, _, _)),  # noqa: E501
        Row('Focal Loss [38]', (93.03, 86.45, 80.45, _, _, 70.02, 61.87, 54.13, _, _), 'focal'),  # noqa: E501
        Row('Co-teaching [18]', (89.87, 82.83, 75.41, _, _, 63.31, 54.13, 44.85, _, _)),  # noqa: E501
        Row('D2L [42]', (92.02, 87.66, 83.89, _, _, 68.11, 63.48, 51.83, _, _)),  # noqa: E501
        Row('Fine-tuning [57]', (93.23, 82.47, 74.07, _, _, 70.72, 56.98, 46.37, _, _)),  # noqa: E501
        Row('MentorNet [26]', (92.13, 86.3, 81.76, _, _, 70.24, 61.97, 52.66, _, _)),  # noqa: E501
        Row('L2RW [52]', (89.25, 87.86, 85.66, _, _, 64.11, 57.47, 50.98, _, _)),  # noqa: E501
        Row('GLC [21]', (91.02, 89.68, 88.92, _, _, 65.42, 63.07, 62.22, _, _)),  # noqa: E501
        Row('MW-Net [57]', (92.04, 90.33, 87.54, _, _, 70.11, 64.22, 58.64, _, _)),  # noqa: E501
        Row('CrossEntropy†', (92.33, 90.56, 86.25, 26.67, 13.58, 70.18, 65.02, 50.25, 18.67, 4.32), 'ce'),  # noqa: E501
        Row('MW-Net† [57]', (92.19, 90.74, 87.63, 42.41, 27.19, 70.57, 64.13, 51.23, 19.89, 7.42), 'mw-net_thesis'),  # noqa: E501
        Row('MFRW', (91.87, 91.09, 90.26, 89.34, 82.47, 68.93, 63.54, 59.07, 56.13, 20.29), 'mfrw'),  # noqa: E501
    )))

_add(Table(
    '2.2', 'Top-1 accuracy, Flip2 CIFAR, ResNet-32', 'resnet32_flip',
    _flip('flip2', (0.2, 0.4, 0.6, 0.8)), (
        Row('CrossEntropy†', (90.71, 87.83, 75.83, 11.86, 64.91, 57.7, 36.55, 7), 'ce'),  # noqa: E501
        Row('MW-Net† [57]', (90.93, 88.83, 86.85, 27.49, 65.37, 59, 36.97, 7.99), 'mw-net_thesis'),  # noqa: E501
        Row('MFRW', (90.66, 89.72, 87.75, 73.83, 63.07, 57.96, 45.35, 22.41), 'mfrw'),  # noqa: E501
    )))

_add(Table(
    '2.3', 'Top-1 accuracy, Flip3 CIFAR, ResNet-32', 'resnet32_flip',
    _flip('flip3', (0.2, 0.4, 0.6, 0.8)), (
        Row('CrossEntropy†', (90.13, 88.44, 82.31, 20.34, 65.29, 59.35, 44, 11.07), 'ce'),  # noqa: E501
        Row('MW-Net† [57]', (90.56, 88.49, 85.65, 22.69, 65.33, 62.74, 45.77, 10.33), 'mw-net_thesis'),  # noqa: E501
        Row('MFRW', (90.31, 88.96, 87.73, 75.53, 62.98, 59.08, 52.28, 25.72), 'mfrw'),  # noqa: E501
    )))

_CLOTHING_CITED = (
    ('CrossEntropy [57]', 68.94, 'ce'), ('F-correction [47]', 69.84, None),
    ('JoCoR [69]', 70.30, None), ('S-adaptation [17]', 70.36, None),
    ('M-correction [2]', 71.00, None), ('MLC [68]', 71.06, None),
    ('Joint-Optim [61]', 72.16, None), ('MLNT [36]', 73.47, None),
    ('P-correction [73]', 73.49, None),
    ('MW-Net [57]', 73.72, 'mw-net_thesis'),
    ('MentorMix [25]', 74.30, None), ('FaMUS [71]', 74.43, None),
    ('DivideMix [35]', 74.76, None), ('AugDesc [46]', 75.11, None),
    ('MFRW', 75.35, 'mfrw'))
_CLOTHING = (Column('Clothing1M', Setting('clothing1m')), )

_add(Table('2.4', 'Test accuracy, Clothing1M', 'resnet50_clothing1m',
           _CLOTHING, tuple(Row(n, (v, ), m) for n, v, m in _CLOTHING_CITED)))

_add(Table(
    '3.1', 'Test accuracy, CIFAR-LT, ResNet-32', 'resnet32_lt',
    _lt((200, 100, 50, 20, 10)), (
        Row('CrossEntropy [57]', (65.68, 70.36, 74.81, 82.23, 86.39, 34.84, 38.32, 43.85, 51.14, 55.71), 'ce'),  # noqa: E501
        Row('Focal Loss [38]', (65.29, 70.38, 76.71, 82.76, 86.66, 35.62, 38.41, 44.32, 51.95, 55.78), 'focal'),  # noqa: E501
        Row('Fine-tuning [57]', (66.08, 71.33, 77.42, 83.37, 86.42, 38.22, 41.83, 46.4, 52.11, 57.44)),  # noqa: E501
        Row('CB Loss [10]', (68.89, 74.57, 79.27, 84.36, 87.49, 36.23, 39.6, 45.32, 52.59, 57.99), 'cb-ce'),  # noqa: E501
        Row('L2RW [52]', (66.51, 74.16, 78.93, 82.12, 85.19, 33.38, 40.23, 44.44, 51.64, 53.73)),  # noqa: E501
        Row('MW-Net [57]', (68.91, 75.21, 80.06, 84.94, 87.84, 37.91, 42.09, 46.74, 54.37, 58.46), 'mw-net_thesis'),  # noqa: E501
        Row('LDAM-DRW [5]', (_, 77.03, _, _, 88.16, _, 42.04, _, _, 58.71)),
        Row('CE [24]', (_, 76.41, 80.51, 86.46, 88.85, _, 43.35, 48.53, 55.62, 59.58)),  # noqa: E501
        Row('LDAM [24]', (_, 80.00, 82.34, 84.37, 87.40, _, 44.08, 49.16, 52.38, 58.00)),  # noqa: E501
        Row('FaMUS CE [71]', (_, 79.30, 83.15, 87.15, 89.39, _, 45.60, 49.56, 56.22, 60.42)),  # noqa: E501
        Row('FaMUS LDAM [71]', (_, 80.96, 83.32, 86.24, 87.90, _, 46.03, 49.93, 55.95, 59.03)),  # noqa: E501
        Row('BALMS† [51]', (74.76, 80.42, 83.56, 87.33, 89.19, 42.91, 47.21, 51.85, 57.43, 61.61), 'balms'),  # noqa: E501
        Row('MFRW', (78.07, 80.43, 84.08, 87.43, 88.76, 40.77, 44.85, 49.65, 56.46, 60.25), 'mfrw'),  # noqa: E501
        Row('MES', (72.23, 78.35, 81.84, 86.71, 88.95, 40.56, 44.68, 50.81, 57.07, 61.35), 'mes'),  # noqa: E501
        Row('MFRW-MES', (75.91, 81.19, 83.87, 86.84, 88.83, 43.33, 46.8, 52.02, 56.95, 60.6), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.2', 'Test accuracy, CIFAR-LT, ResNet-32, AutoAugment + Cutout, '
    '13k iterations', 'resnet32_lt_autoaug',
    _lt((200, 100, 10)), (
        Row('CrossEntropy', (71.2, 77.4, 90.0, 41.0, 45.3, 61.9), 'ce'),
        Row('CBW', (72.5, 78.6, 90.1, 36.7, 42.3, 61.4), 'cbw-ce'),
        Row('CBS', (68.3, 77.8, 90.2, 37.8, 42.6, 61.2)),
        Row('Focal Loss [38]', (71.8, 77.1, 90.3, 40.2, 43.8, 60.0), 'focal'),
        Row('CB Loss [10]', (72.6, 78.2, 89.9, 39.9, 44.6, 59.8), 'cb-ce'),
        Row('LDAM Loss [5]', (73.6, 78.9, 90.3, 41.3, 46.1, 62.1)),
        Row('Equalization Loss [60]', (74.6, 78.5, 90.2, 43.3, 47.4, 60.5), 'eql'),  # noqa: E501
        Row('cRT [27]', (76.6, 82.0, 91.0, 44.5, 50.0, 63.3)),
        Row('LWS [27]', (78.1, 83.7, 91.1, 45.3, 50.5, 63.4)),
        Row('BALMS [51]', (81.5, 84.9, 91.3, 45.5, 50.8, 63.0), 'balms'),
        Row('MFRW', (78.32, 82.49, 90.22, 42.9, 47.05, 62.77), 'mfrw'),
        Row('MES', (77.12, 81.19, 91.03, 43.52, 48.44, 63.63), 'mes'),
        Row('MFRW-MES', (81.38, 84.97, 90.99, 46.52, 50.44, 64.06), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.3', 'Test accuracy, CIFAR-LT, ResNet-18 (recipe of table 3.1)',
    'resnet18_lt', _lt((200, 100, 50, 20, 10)), (
        Row('CrossEntropy', (70.22, 75.16, 82.32, 87.24, 90.73, 38.87, 43.65, 48.55, 57.09, 62.59), 'ce'),  # noqa: E501
        Row('CB Loss [10]', (69.16, 75.16, 81.9, 86.61, 90.79, 38.58, 43.51, 48.15, 57.02, 63.1), 'cb-ce'),  # noqa: E501
        Row('FSA [8]', (77.06, 80.57, 84.51, 88.54, 91.75, 42.84, 46.57, 51.9, 58.69, 65.08)),  # noqa: E501
        Row('BALMS† [51]', (76.86, 81.78, 85.28, 89.27, 90.86, 42.19, 48.07, 53.83, 59.87, 64.13), 'balms'),  # noqa: E501
        Row('MFRW', (79.49, 81.35, 86.32, 89.23, 91.44, 43.19, 47.51, 53.15, 60.38, 65.36), 'mfrw'),  # noqa: E501
        Row('MES', (73.11, 77.96, 83.33, 88.69, 90.63, 40.28, 44.49, 50.1, 58.24, 63.99), 'mes'),  # noqa: E501
        Row('MFRW-MES', (79.94, 83.43, 86.8, 89.13, 91.02, 43.85, 50.04, 54.12, 61.37, 65.28), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.4', 'Top-1/3/5 accuracy, ImageNet-LT (ResNet-10) and Places-LT '
    '(ResNet-152)', 'imagenet_places_lt',
    tuple(Column(f'{name} Top-{k}', Setting(ds), f'accuracy/top{k}')
          for ds, name in (('imagenet-lt', 'ImageNet-LT'),
                           ('places-lt', 'Places-LT')) for k in (1, 3, 5)),
    (
        Row('CrossEntropy', (25.26, 38.65, 47.88, 27, 47.95, 58.56), 'ce'),
        Row('RCB [24]', (29.9, 46.71, 54.82, 30.8, 52.05, 62)),
        Row('OLTR [40]', (35.6, _, _, 35.9, _, _)),
        Row('Equalization Loss [60]', (36.44, _, 61.19, _, _, _)),
        Row('cRT [27]', (41.8, _, _, 36.7, _, _)),
        Row('LWS [27]', (41.4, _, _, 37.6, _, _)),
        Row('BALMS [51]', (41.8, _, _, 38.7, _, _)),
        Row('MFRW-MES', (41.78, 59.87, 67.25, 38.34, 61.2, 71.09), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.5', 'Test accuracy, Flip CIFAR, ResNet-32', 'resnet32_flip',
    _flip('flip', (0.0, 0.2, 0.4, 0.6)), (
        Row('CrossEntropy [57]', (92.89, 76.83, 70.77, _, 70.50, 50.86, 43.01, _)),  # noqa: E501
        Row('Reed-Hard [50]', (92.31, 88.28, 81.06, _, 69.02, 60.27, 50.40, _)),  # noqa: E501
        Row('S-Model [17]', (83.61, 79.25, 75.73, _, 51.46, 45.45, 43.8, _)),
        Row('Self-paced [33]', (88.52, 87.03, 81.63, _, 67.55, 63.63, 53.51, _)),  # noqa: E501
        Row('Focal Loss [38]', (93.03, 86.45, 80.45, _, 70.02, 61.87, 54.13, _), 'focal'),  # noqa: E501
        Row('Co-teaching [18]', (89.87, 82.83, 75.41, _, 63.31, 54.13, 44.85, _)),  # noqa: E501
        Row('D2L [42]', (92.02, 87.66, 83.89, _, 68.11, 63.48, 51.83, _)),
        Row('Fine-tuning [57]', (93.23, 82.47, 74.07, _, 70.72, 56.98, 46.37, _)),  # noqa: E501
        Row('MentorNet [26]', (92.13, 86.3, 81.76, _, 70.24, 61.97, 52.66, _)),
        Row('L2RW [52]', (89.25, 87.86, 85.66, _, 64.11, 57.47, 50.98, _)),
        Row('GLC [21]', (91.02, 89.68, 88.92, _, 65.42, 63.07, 62.22, _)),
        Row('MW-Net [57]', (92.04, 90.33, 87.54, _, 70.11, 64.22, 58.64, _)),
        Row('CrossEntropy†', (92.33, 90.56, 86.25, 26.67, 70.18, 65.02, 50.25, 18.67), 'ce'),  # noqa: E501
        Row('MW-Net† [57]', (92.19, 90.74, 87.63, 42.41, 70.57, 64.13, 51.23, 19.89), 'mw-net_thesis'),  # noqa: E501
        Row('BALMS† [51]', (92.86, 90.99, 83.51, 51.76, 69.66, 65.61, 56.83, 39.16), 'balms'),  # noqa: E501
        Row('MFRW', (91.87, 91.09, 90.26, 89.34, 68.93, 63.54, 59.07, 56.13), 'mfrw'),  # noqa: E501
        Row('MES', (93.03, 91.25, 90.76, 90.58, 69.74, 65.36, 62.96, 60.82), 'mes'),  # noqa: E501
        Row('MFRW-MES', (92.46, 91.44, 90.7, 90.21, 68.33, 65.17, 62.26, 58.43), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.6', 'Test accuracy, LT + Flip CIFAR, ResNet-32 (recipe of table 3.1)',
    'resnet32_lt', _LT_FLIP, (
        Row('CrossEntropy†', (49.64, 56.98, 76.58, 31.78, 31.96, 31.78, 22.03, 23.81, 39.48, 12.08, 13.65, 19.6), 'ce'),  # noqa: E501
        Row('MW-Net† [57]', (45.74, 52.43, 82.22, 32.06, 33.22, 46.5, 24.34, 25.24, 39.05, 12.96, 14.96, 20.01), 'mw-net_thesis'),  # noqa: E501
        Row('BALMS† [51]', (53.73, 59.24, 70.4, 48.53, 52.55, 57.39, 27.02, 29.18, 44.44, 18.8, 22.14, 32.02), 'balms'),  # noqa: E501
        Row('MFRW', (55.9, 63.52, 83.76, 44.41, 52.62, 69.16, 23.45, 25.26, 38.08, 17.65, 18.48, 29.58), 'mfrw'),  # noqa: E501
        Row('MES', (53.33, 64.51, 85.8, 44.45, 52.46, 83.17, 25.41, 26.76, 47.54, 17.12, 18.79, 38.75), 'mes'),  # noqa: E501
        Row('MFRW-MES', (55.13, 61.67, 85.34, 50.19, 59.38, 90.26, 31.73, 34.2, 53.89, 21.79, 24.3, 39.99), 'mfrw-mes'),  # noqa: E501
    )))

_add(Table(
    '3.7', 'Test accuracy, Clothing1M', 'resnet50_clothing1m', _CLOTHING,
    tuple(Row(n, (v, ), m) for n, v, m in _CLOTHING_CITED) + (
        Row('MES', (76.43, ), 'mes'),
        Row('MFRW-MES', (77.44, ), 'mfrw-mes'),
    )))


def get_table(table_id: str) -> Table:
    """The table ``table_id`` (e.g. ``'3.1'``), with a clear error."""
    key = str(table_id).strip()
    for prefix in ('table', 'tab.', 'tab'):
        if key.lower().startswith(prefix):
            key = key[len(prefix):].strip()
    if key not in TABLES:
        raise KeyError(
            f'unknown table {table_id!r}; the thesis has tables '
            f'{", ".join(TABLES)}.')
    return TABLES[key]


def runs_of(table: Table) -> List[Tuple[Row, Setting]]:
    """Every (row, setting) of ``table`` that this repository can train.

    A setting appears once per row even when several columns read it
    (table 3.4: top-1/3/5 of one run).
    """
    out = []
    for row in table.rows:
        if row.method is None:
            continue
        seen = []
        for col in table.columns:
            if col.setting not in seen:
                seen.append(col.setting)
        out += [(row, s) for s in seen]
    return out


# ----------------------------------------------------------------------
# The runs of a table
# ----------------------------------------------------------------------
def _cifar(pattern: str) -> Dict[str, str]:
    return {ds: pattern.format(ds) for ds in ('cifar10', 'cifar100')}


def zoo_methods() -> Dict[str, methods.Method]:
    """The methods with model-zoo configs, by key: the fragments of
    ``configs/_base_/methods/`` whose ``__method__`` names a ``zoo``."""
    return {key: m for key, m in methods.load().items() if m.zoo}


def zoo_method(key: str) -> methods.Method:
    """The method ``key``, with an error that lists the known ones."""
    found = zoo_methods()
    if key not in found:
        raise KeyError(f'unknown method {key!r}; use one of {list(found)}.')
    return found[key]

#: table recipe -> {dataset: its base, configs/_base_/recipes/NAME.py}; a
#: method's config is ``configs/<folder>/{model}-{method}_{rest}.py`` for
#: the recipe ``{model}_{rest}`` (:func:`config_path`).
RECIPES: Dict[str, Dict[str, str]] = {
    'resnet32_flip': _cifar('resnet32_1xb128_{}-flip'),
    'resnet32_lt': _cifar('resnet32_1xb128_{}-lt'),
    'resnet32_lt_autoaug': _cifar('resnet32_1xb512-aa-cutout-cos13k_{}-lt'),
    'resnet18_lt': _cifar('resnet18_1xb128_{}-lt'),
    'imagenet_places_lt': {
        'imagenet-lt': 'resnet10_8xb64_imagenet-lt',
        'places-lt': 'resnet152_1xb64_places-lt',
    },
    'resnet50_clothing1m': {
        'clothing1m': 'resnet50_1xb32_clothing1m'
    },
}

#: CIFAR: (classes, training images per class left after the meta split).
CIFAR_PROTOCOL = {'cifar10': (10, 5000 - 10), 'cifar100': (100, 500 - 10)}
#: the checkpoint a table 3.4 advisor run starts from (its CE baseline).
LOAD_FROM = {
    'imagenet-lt': ('resnet10-ce_8xb64_imagenet-lt', 180),
    'places-lt': ('resnet152-ce_1xb64_places-lt', 60),
}

IF_KEY = 'train_dataloader.dataset.dataset.imbalance_factor'
NOISE_TYPE_KEY = 'train_dataloader.dataset.noise_type'
NOISE_RATIO_KEY = 'train_dataloader.dataset.noise_ratio'


class Run(NamedTuple):
    table: str
    row: str
    method: str
    setting: Setting
    config: str
    cfg_options: List[str]
    work_dir: str

    def command(self, gpus: int = 1) -> List[str]:
        if gpus > 1:
            head = ['bash', 'tools/dist_train.sh', self.config, str(gpus)]
        else:
            head = ['python', 'tools/train.py', self.config]
        cmd = head + ['--work-dir', self.work_dir]
        if self.cfg_options:
            cmd += ['--cfg-options'] + self.cfg_options
        return cmd


def protocol_class_counts(dataset: str, imbalance_factor: float) -> List[int]:
    """Training images per class of a CIFAR protocol at an IF.

    The counts ``LongTailDataset`` keeps from the meta-split training set
    (before any label noise: the nominal long tail).
    """
    if dataset not in CIFAR_PROTOCOL:
        raise ValueError('class counts are computed for '
                         f'{list(CIFAR_PROTOCOL)}, not {dataset!r}.')
    num_classes, per_class = CIFAR_PROTOCOL[dataset]
    counts = long_tail_counts(
        np.full(num_classes, per_class), imbalance_factor, 'exp')
    return [int(c) for c in counts]


def class_weights(counts: List[int],
                  beta: Optional[float] = None) -> List[float]:
    """Class weights normalised to sum to C: CB's inverse effective number
    ``(1 - beta) / (1 - beta^n)`` (Cui et al.), or without ``beta`` CBW's
    ``1 / n``."""
    counts = np.asarray(counts, dtype=np.float64)
    if beta is not None:
        w = (1 - beta) / (1 - beta**counts)
    else:
        w = 1 / counts
    return (w * len(w) / w.sum()).tolist()


def _fmt_list(values) -> str:
    return '[' + ','.join(
        str(v) if isinstance(v, int) else repr(float(v)) for v in values) + ']'


def config_name(method: str, recipe: str, dataset: str) -> str:
    """The name of ``method``'s config for ``recipe`` on ``dataset``."""
    return zoo_method(method).config_name(RECIPES[recipe][dataset])


def config_path(method: str, recipe: str, dataset: str) -> str:
    """``configs/<zoo>/<name>.py``, relative to the repository root."""
    return osp.join('configs', zoo_method(method).zoo,
                    config_name(method, recipe, dataset) + '.py')


def cfg_options(method: str, setting: Setting) -> List[str]:
    """The ``--cfg-options`` of ``method``'s config at ``setting``."""
    opts = []
    if setting.dataset in CIFAR_PROTOCOL:
        opts += [
            f'{IF_KEY}={setting.imbalance_factor:g}',
            f'{NOISE_TYPE_KEY}={setting.noise_type}',
            f'{NOISE_RATIO_KEY}={setting.noise_ratio:g}'
        ]
        counts = protocol_class_counts(setting.dataset,
                                       setting.imbalance_factor)
        parts = zoo_method(method).parts
        loss = parts.get('loss') or {}
        if 'class_counts' in loss:
            opts.append(f'model.head.loss.class_counts={_fmt_list(counts)}')
        elif 'class_weight' in loss:
            weights = class_weights(counts, parts.get('cb_beta'))
            opts.append('model.head.loss.class_weight='
                        f'{_fmt_list(weights)}')
    elif setting.imbalance_factor != 1 or setting.noise_ratio:
        raise ValueError(f'{setting.dataset} has its own long tail / noise; '
                         'IF and p apply to CIFAR only.')
    elif setting.dataset in LOAD_FROM and method != 'ce':
        name, epochs = LOAD_FROM[setting.dataset]
        opts.append(f'load_from=work_dirs/{name}/{setting.slug}/'
                    f'epoch_{epochs}.pth')
    return opts


def table_runs(table_id: str, work_root: str = 'work_dirs') -> List[Run]:
    """Every run of a table, in the table's row order."""
    table = get_table(table_id)
    runs = []
    for row, setting in runs_of(table):
        config = config_path(row.method, table.recipe, setting.dataset)
        name = osp.splitext(osp.basename(config))[0]
        runs.append(
            Run(table.id, row.name, row.method, setting, config,
                cfg_options(row.method, setting),
                osp.join(work_root, name, setting.slug)))
    return runs


def options_for(config: str,
                imbalance_factor: float = 1,
                noise_type: str = 'flip',
                noise_ratio: float = 0.0) -> List[str]:
    """The --cfg-options of one CIFAR config at one setting."""
    name = osp.splitext(osp.basename(config))[0]
    for method in zoo_methods():
        for recipe, datasets in RECIPES.items():
            for ds in datasets:
                if config_name(method, recipe, ds) == name:
                    return cfg_options(
                        method,
                        Setting(ds, imbalance_factor, noise_type,
                                noise_ratio))
    raise ValueError(f'{config} is not a config of the thesis grid.')


# ----------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------
MARK = re.compile(
    r'(<!-- thesis-table (?P<table>[\d.]+) (?P<method>[\w-]+) -->\n)'
    r'.*?(?P<end><!-- /thesis-table -->)', re.S)


def _final_step(run_dir: str) -> Optional[int]:
    """max_epochs / max_iters of the config dumped in a timestamp dir."""
    path = osp.join(run_dir, 'vis_data', 'config.py')
    if not osp.exists(path):
        return None
    text = open(path).read()
    m = re.search(r'max_(?:epochs|iters)\s*=\s*(\d+)', text)
    return int(m.group(1)) if m else None


def read_result(work_dir: str) -> Dict[str, float]:
    """The final validation metrics of a finished run.

    Raises:
        FileNotFoundError: ``work_dir`` has no scalars log with metrics.
        ValueError: the run has not reached its last epoch (iteration).
    """
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'work dir {work_dir} does not exist.')
    logs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    records, final = [], None
    for log in logs:
        run_dir = osp.dirname(osp.dirname(log))
        final = _final_step(run_dir) or final
        with open(log) as f:
            for line in f:
                line = line.strip()
                if line:
                    rec = json.loads(line)
                    if any(k.startswith('accuracy/') for k in rec):
                        records.append(rec)
    if not records:
        raise FileNotFoundError(
            f'no results in work dir {work_dir}: no validation metrics in '
            f'{osp.join(work_dir, "<timestamp>/vis_data/scalars.json")} '
            '(has the run started and reached a validation?).')
    last = max(records, key=lambda r: r.get('step', 0))
    if final is not None and last.get('step') != final:
        raise ValueError(
            f'work dir {work_dir} is unfinished: its last result is at step '
            f'{last.get("step")}, the run ends at {final}.')
    return {k: v for k, v in last.items() if k.startswith('accuracy/')}


def _match(run: Run, work_dirs: Sequence[str]) -> Optional[str]:
    """The work dir of ``run`` among ``work_dirs`` (or below one)."""
    tail = osp.join(*run.work_dir.split(os.sep)[-2:])
    for wd in work_dirs:
        wd = osp.normpath(wd)
        if wd.endswith(tail):
            return wd
        if osp.isdir(osp.join(wd, tail)):
            return osp.join(wd, tail)
    return None


def _fmt(v: Optional[float]) -> str:
    return '-' if v is None else f'{v:g}'


def config_link(run: Run, readme_dir: Optional[str]) -> str:
    if readme_dir is None:
        return run.config
    return f'[config]({osp.relpath(osp.join(ROOT, run.config), readme_dir)})'


def build_table(table_id: str,
                work_dirs: Sequence[str] = (),
                thesis_only: bool = False,
                method: Optional[str] = None,
                readme_dir: Optional[str] = None) -> str:
    """The markdown of a table: the thesis' rows and, unless
    ``thesis_only``, one "(ours)" row per method the repository trains.

    Raises:
        FileNotFoundError / ValueError: a given work dir of this table has
            no results / is unfinished (named in the message).
        ValueError: a given work dir is not a run of the table.
    """
    table = get_table(table_id)
    if method is not None:
        zoo_method(method)  # known, or a KeyError that lists the known
    runs = table_runs(table.id)
    results = {}
    if not thesis_only:
        used = set()
        for run in runs:
            wd = _match(run, work_dirs)
            if wd is not None:
                results[(run.row, run.setting)] = read_result(wd)
                used.add(wd)
        unused = [
            wd for wd in work_dirs
            if osp.normpath(wd) not in used and not any(
                u.startswith(osp.normpath(wd) + os.sep) for u in used)
        ]
        if unused:
            raise ValueError(
                f'work dir(s) {", ".join(unused)} hold no run of table '
                f'{table.id}; its runs are listed by tools/thesis_grid.py '
                f'--table {table.id}.')
    header = ['Method'] + [c.label for c in table.columns]
    if readme_dir is not None:
        header.append('Config')
    lines = [
        f'Table {table.id}: {table.caption}. "(thesis)": the thesis\' '
        'numbers' + ('' if thesis_only else '; "(ours)": this repository\'s'
                     ' runs, last epoch') + '.', '',
        '| ' + ' | '.join(header) + ' |',
        '|' + '---|' * len(header)
    ]
    for row in table.rows:
        if method is not None and row.method != method:
            continue
        cells = [f'{row.name} (thesis)'] + [_fmt(v) for v in row.values]
        row_runs = [r for r in runs if r.row == row.name]
        if readme_dir is not None:
            cfgs = sorted({config_link(r, readme_dir) for r in row_runs})
            cells.append(', '.join(cfgs))
        lines.append('| ' + ' | '.join(cells) + ' |')
        if thesis_only or row.method is None:
            continue
        ours = [f'{row.name} (ours)']
        for col in table.columns:
            res = results.get((row.name, col.setting))
            ours.append('-' if res is None or col.metric not in res else
                        f'{res[col.metric]:.2f}')
        lines.append('| ' + ' | '.join(ours) + ' |')
    return '\n'.join(lines) + '\n'


def update_readmes(check: bool = False) -> List[str]:
    """Regenerate every ``<!-- thesis-table T METHOD -->`` block of the
    configs' READMEs; return the READMEs that changed (or would)."""
    changed = []
    for readme in sorted(glob.glob(osp.join(ROOT, 'configs', '*',
                                            'README.md'))):
        text = open(readme).read()

        def repl(m):
            body = build_table(
                m.group('table'), thesis_only=True,
                method=m.group('method'),
                readme_dir=osp.dirname(readme))
            return m.group(1) + body + m.group('end')

        new = MARK.sub(repl, text)
        if new != text:
            changed.append(readme)
            if not check:
                with open(readme, 'w') as f:
                    f.write(new)
    return changed
