"""Every training run behind a thesis table: config, --cfg-options, work dir.

A run is one (method, setting) cell of a table (``mmadvisor.thesis_tables``):
the method picks the config (``configs/<method>/...``), the setting (dataset,
imbalance factor IF, noise type and ratio p) the ``--cfg-options``; the work
dir is ``{work_root}/{config name}/{setting}``, so a run shared by two
tables (e.g. 2.1 and 3.5) is trained once. Count-based losses (CB, CBW,
BALMS, Equalization Loss) get the class counts of the protocol at that IF,
computed by the same formula as ``LongTailDataset``.

Examples::

    python tools/thesis_grid.py --table 3.1                  # list the runs
    python tools/thesis_grid.py --table 3.1 --print-commands # shell commands
    python tools/thesis_grid.py --table 3.1 --run --dry-run  # what --run runs
    python tools/thesis_grid.py --table 3.1 --run --gpus 8   # dist_train.sh
    # the --cfg-options of one config at one setting (for runs by hand):
    python tools/thesis_grid.py --options-for \\
        configs/baselines/resnet32-balms_1xb128_cifar10-lt.py \\
        --imbalance-factor 50 --noise-ratio 0.4
"""
import argparse
import os.path as osp
import shlex
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from mmadvisor.datasets.long_tail_dataset import long_tail_counts  # noqa
from mmadvisor.thesis_tables import (TABLES, Setting, get_table,  # noqa
                                     runs_of)

#: method key -> (configs/ folder, name in the config file name)
METHODS: Dict[str, tuple] = dict(
    ce=('baselines', 'ce'), focal=('baselines', 'focal'),
    cb=('baselines', 'cb-ce'), cbw=('baselines', 'cbw-ce'),
    balms=('baselines', 'balms'), eql=('baselines', 'eql'),
    mw_net=('mw_net', 'mw-net'), mfrw=('mfrw', 'mfrw'), mes=('mes', 'mes'),
    mfrw_mes=('mfrw_mes', 'mfrw-mes'))

#: recipe -> {dataset: config name template}; ``{m}`` is the method name.
RECIPES: Dict[str, Dict[str, str]] = {
    'resnet32_flip': {
        ds: f'resnet32-{{m}}_1xb128_{ds}-flip'
        for ds in ('cifar10', 'cifar100')
    },
    'resnet32_lt': {
        ds: f'resnet32-{{m}}_1xb128_{ds}-lt'
        for ds in ('cifar10', 'cifar100')
    },
    'resnet32_lt_autoaug': {
        ds: f'resnet32-{{m}}_1xb512-aa-cutout-cos13k_{ds}-lt'
        for ds in ('cifar10', 'cifar100')
    },
    'resnet18_lt': {
        ds: f'resnet18-{{m}}_1xb128_{ds}-lt'
        for ds in ('cifar10', 'cifar100')
    },
    'imagenet_places_lt': {
        'imagenet-lt': 'resnet10-{m}_8xb64_imagenet-lt',
        'places-lt': 'resnet152-{m}_1xb64_places-lt',
    },
    'resnet50_clothing1m': {
        'clothing1m': 'resnet50-{m}_1xb32_clothing1m'
    },
}

#: CIFAR: (classes, training images per class left after the meta split).
CIFAR_PROTOCOL = {'cifar10': (10, 5000 - 10), 'cifar100': (100, 500 - 10)}
#: the checkpoint a table 3.4 advisor run starts from (its CE baseline).
LOAD_FROM = {
    'imagenet-lt': ('resnet10-ce_8xb64_imagenet-lt', 180),
    'places-lt': ('resnet152-ce_1xb64_places-lt', 60),
}
#: the class-balanced loss' beta (Cui et al.); must match configs/baselines.
CB_BETA = 0.9999

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
        raise ValueError(f'class counts are computed for {list(CIFAR_PROTOCOL)}'
                         f', not {dataset!r}.')
    num_classes, per_class = CIFAR_PROTOCOL[dataset]
    counts = long_tail_counts(
        np.full(num_classes, per_class), imbalance_factor, 'exp')
    return [int(c) for c in counts]


def class_weights(counts: List[int], method: str) -> List[float]:
    """CB (effective number, beta 0.9999) or CBW (1/n) weights, sum = C."""
    counts = np.asarray(counts, dtype=np.float64)
    if method == 'cb':
        w = (1 - CB_BETA) / (1 - CB_BETA**counts)
    else:
        w = 1 / counts
    return (w * len(w) / w.sum()).tolist()


def _fmt_list(values) -> str:
    return '[' + ','.join(
        str(v) if isinstance(v, int) else repr(float(v)) for v in values) + ']'


def config_path(method: str, recipe: str, dataset: str) -> str:
    if method not in METHODS:
        raise KeyError(f'unknown method {method!r}; use one of '
                       f'{list(METHODS)}.')
    folder, name = METHODS[method]
    template = RECIPES[recipe][dataset]
    return osp.join('configs', folder, template.format(m=name) + '.py')


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
        if method in ('balms', 'eql'):
            opts.append(f'model.head.loss.class_counts={_fmt_list(counts)}')
        elif method in ('cb', 'cbw'):
            opts.append('model.head.loss.class_weight='
                        f'{_fmt_list(class_weights(counts, method))}')
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


def options_for(config: str, imbalance_factor: float = 1,
                noise_type: str = 'flip', noise_ratio: float = 0.0) -> List[str]:
    """The --cfg-options of one CIFAR config at one setting."""
    name = osp.splitext(osp.basename(config))[0]
    for method, (_, mname) in METHODS.items():
        for recipe, templates in RECIPES.items():
            for ds, template in templates.items():
                if template.format(m=mname) == name:
                    return cfg_options(
                        method,
                        Setting(ds, imbalance_factor, noise_type,
                                noise_ratio))
    raise ValueError(f'{config} is not a config of the thesis grid.')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='List or run every training run of a thesis table.')
    parser.add_argument(
        '--table', help=f'table id, one of {", ".join(TABLES)}')
    parser.add_argument('--work-root', default='work_dirs')
    parser.add_argument('--print-commands', action='store_true',
                        help='print one shell command per run')
    parser.add_argument('--run', action='store_true',
                        help='train the runs one after another')
    parser.add_argument('--dry-run', action='store_true',
                        help='with --run: print the commands, run nothing')
    parser.add_argument('--gpus', type=int, default=1,
                        help='GPUs per run (>1 uses tools/dist_train.sh)')
    parser.add_argument('--skip-finished', action='store_true',
                        help='with --run: skip runs whose work dir has a '
                        'final-epoch result')
    parser.add_argument('--options-for', metavar='CONFIG',
                        help='print the --cfg-options of CONFIG at the '
                        'setting given by the next three flags')
    parser.add_argument('--imbalance-factor', type=float, default=1)
    parser.add_argument('--noise-type', default='flip')
    parser.add_argument('--noise-ratio', type=float, default=0.0)
    args = parser.parse_args(argv)
    if not args.table and not args.options_for:
        parser.error('give --table (one of ' + ', '.join(TABLES) +
                     ') or --options-for CONFIG')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.options_for:
        print(' '.join(
            shlex.quote(o) for o in options_for(
                args.options_for, args.imbalance_factor, args.noise_type,
                args.noise_ratio)))
        return 0
    try:
        runs = table_runs(args.table, args.work_root)
    except KeyError as e:
        print(f'error: {e.args[0]}', file=sys.stderr)
        return 2
    if args.run:
        from collect_results import read_result  # noqa: E402
        for i, run in enumerate(runs, 1):
            cmd = run.command(args.gpus)
            if args.skip_finished:
                try:
                    read_result(run.work_dir)
                    print(f'[{i}/{len(runs)}] finished: {run.work_dir}')
                    continue
                except (FileNotFoundError, ValueError):
                    pass
            print(f'[{i}/{len(runs)}] ' + ' '.join(map(shlex.quote, cmd)),
                  flush=True)
            if not args.dry_run:
                subprocess.run(cmd, cwd=ROOT, check=True)
        return 0
    if args.print_commands:
        for run in runs:
            print(' '.join(map(shlex.quote, run.command(args.gpus))))
        return 0
    table = get_table(args.table)
    print(f'Table {table.id}: {table.caption} -- {len(runs)} runs')
    for run in runs:
        print(f'{run.row:<18} {run.setting.slug:<24} {run.config}')
        print(f'{"":<18} work dir: {run.work_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
