"""The model zoo's ``metafile.yml`` files (OpenMMLab's model index),
generated from the configs, the thesis' tables and this repository's runs,
never typed.

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

**The Fashion-MNIST benchmark** (``configs/fashion_mnist_bench/``): one
Model per config, with the measured test top-1 of the benchmark's runs
(``docs/results/fashion_mnist_bench.jsonl``, read by
:mod:`benchmarks.fashion_mnist_benchmark`) in OpenMMLab's ``Results``
format, one result per setting: the mean, the sample std and the number of
seeds of the variant chosen on the validation split, and that variant's
``--cfg-options``. The folder's README gets the same numbers as a table
(between ``<!-- fmnist-bench-zoo:start/end -->``).

``tools/collect_results.py --update-readmes`` writes them all; a test
checks that the committed files are what it writes. ``setup.py`` lists
every ``configs/*/metafile.yml`` in the installed ``.mim/model-index.yml``,
where ``mim search mmadvisor`` reads them.
"""
import glob
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from . import ROOT, methods, thesis
from . import fashion_mnist_benchmark as bench

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
#: The benchmark's folder, its results and its README's generated section.
BENCH_FOLDER = 'fashion_mnist_bench'
BENCH_RESULTS = osp.join('docs', 'results', 'fashion_mnist_bench.jsonl')
BENCH_MARK = 'fmnist-bench-zoo'
BENCH_HEADER = '''\
# Written by `python tools/collect_results.py --update-readmes` from the
# configs of this folder and the benchmark's runs,
# docs/results/fashion_mnist_bench.jsonl (benchmarks/metafiles.py).
'''
BENCH_RESULTS_NOTE = '''\
# Results: real runs of this repository, one per setting (README.md says
# what each setting is): test top-1 (%) after the last epoch, the mean and
# the sample std over the seeds run (Seeds) of the variant chosen on the
# validation split at the selection seed; Options are that variant's
# --cfg-options on top of the config and the setting. The checkpoints of
# these runs are not released (Weights: null).
'''
#: What a benchmark method trains on (``Method.train``).
TRAINED_ON = {
    'setting': "the setting's training set",
    'union': "the setting's training set and the meta set",
    'config': 'the meta set (10 clean images per class)',
}


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


# ----------------------------------------------------------------------
# The Fashion-MNIST benchmark
# ----------------------------------------------------------------------
def bench_method(config: str) -> str:
    """The benchmark method (key of ``bench.METHODS``) that ``config``
    trains; the studies that reuse a config (``fast-study``, ``ablation``)
    are not its results."""
    found = [key for key, spec in bench.METHODS.items()
             if bench.CONFIG.format(spec.config) == config
             and spec.family not in ('fast-study', 'ablation')]
    if len(found) != 1:
        raise ValueError(
            f'{config} is the config of {found or "no"} benchmark method(s) '
            'in benchmarks/fashion_mnist_benchmark.py METHODS; give each '
            'config of configs/fashion_mnist_bench/ exactly one.')
    return found[0]


def load_bench_rows(root: str = ROOT) -> List[dict]:
    """The benchmark's runs (the last row of each run key)."""
    return list(bench.load_results(osp.join(root, BENCH_RESULTS)).values())


def selection_seed(rows: Sequence[dict]) -> Optional[int]:
    """The seed the variants were chosen at: the grid's first seed, which
    runs every candidate and is its smallest (0)."""
    return min((r['seed'] for r in rows), default=None)


def bench_cells(rows: Sequence[dict], root: str = ROOT
                ) -> Dict[str, Dict[str, Optional[dict]]]:
    """Method -> setting -> its result, for the settings each method
    applies to (in ``bench.SETTINGS`` order): ``mean``, ``std``, ``seeds``
    (the seeds run), ``variant`` (chosen on the validation split) and
    ``options`` (its ``--cfg-options``; empty for a method without
    candidates), or ``None`` while the method has no run there."""
    seed = selection_seed(rows)
    chosen = bench.chosen_variants(rows, seed) if rows else {}
    out: Dict[str, Dict[str, Optional[dict]]] = {}
    for config in bench_configs(root):
        method = bench_method(config)
        cells = out.setdefault(method, {})
        for setting in bench.SETTINGS:
            if not bench.applies(method, setting):
                continue
            runs = bench.cell_rows(rows, setting, method, chosen)
            if not runs:
                cells[setting] = None
                continue
            mean, std = bench.mean_std([r['top1'] for r in runs])
            variant = runs[0]['variant']
            candidates = bench.variants_of(method)
            cells[setting] = dict(
                mean=mean, std=std, seeds=[r['seed'] for r in runs],
                variant=variant,
                options=dict(candidates)[variant] if len(candidates) > 1
                else {})
    return out


def bench_configs(root: str = ROOT) -> List[str]:
    return configs_of(BENCH_FOLDER, root)


def _trained_on(method: str) -> str:
    spec = bench.METHODS[method]
    text = TRAINED_ON[spec.train]
    if spec.after is not None:
        stage1 = bench.CONFIG.format(bench.METHODS[spec.after].config)
        text += (f', from the final checkpoint of '
                 f'{osp.splitext(osp.basename(stage1))[0]} (same setting '
                 'and seed)')
    return text


def bench_metafile(rows: Optional[Sequence[dict]] = None,
                   root: str = ROOT) -> str:
    """The ``metafile.yml`` of ``configs/fashion_mnist_bench/``, with the
    results of ``rows`` (default: the committed runs)."""
    rows = load_bench_rows(root) if rows is None else list(rows)
    cells = bench_cells(rows, root)
    name = readme_title(BENCH_FOLDER, root)
    lines = [
        BENCH_HEADER.rstrip('\n'),
        'Collections:',
        f'  - Name: {name}',
        '    Metadata:',
        '      Training Data: [Fashion-MNIST]',
        '      Architecture: [LeNet-5]',
        '    Paper:',
        f"      Title: '{thesis.THESIS}'",
        f'    README: configs/{BENCH_FOLDER}/README.md',
        '',
        BENCH_RESULTS_NOTE.rstrip('\n'),
        'Models:',
    ]
    for config in bench_configs(root):
        method = bench_method(config)
        lines += [
            f'  - Name: {osp.splitext(osp.basename(config))[0]}',
            f'    In Collection: {name}',
            '    Metadata:',
            '      Training Data: Fashion-MNIST',
            f'      Method: {_q(bench.METHODS[method].label)}',
            f'      Trained On: {_q(_trained_on(method))}',
        ]
        results = [(s, c) for s, c in cells[method].items() if c]
        if not results:
            lines.append('    Results: null')
        else:
            lines.append('    Results:')
        for setting, cell in results:
            lines += [
                '      - Task: Image Classification',
                f'        Dataset: Fashion-MNIST {bench.SETTINGS[setting].label}',  # noqa: E501
                '        Metrics:',
                f"          Top 1 Accuracy: {cell['mean']:.2f}",
                f"          Top 1 Accuracy Std: {cell['std']:.2f}",
                f"          Seeds: {len(cell['seeds'])}",
            ]
            if cell['options']:
                lines.append(f"        Options: {_flow(cell['options'])}")
        lines += [f'    Config: {config}',
                  '    Weights: null  # the checkpoints are not released']
    return '\n'.join(lines) + '\n'


def _fmt_cell(cell: Optional[dict], most: int) -> str:
    if cell is None:
        return '-'
    text = f"{cell['mean']:.2f} ± {cell['std']:.2f}"
    n = len(cell['seeds'])
    if n < most:
        text += f' ({n} seed{"s" * (n > 1)})'
    return text


def bench_table(rows: Optional[Sequence[dict]] = None,
                root: str = ROOT) -> str:
    """The README's results table of the benchmark's configs, and the
    variants chosen on the validation split."""
    rows = load_bench_rows(root) if rows is None else list(rows)
    cells = bench_cells(rows, root)
    seeds = sorted({r['seed'] for r in rows})
    most = max((len(c['seeds']) for m in cells.values() for c in m.values()
                if c), default=0)
    settings = list(bench.SETTINGS)
    order = [m for m in bench.METHODS if m in cells]
    lines = [
        'Test top-1 (%) after the last epoch, mean ± sample std over seeds '
        f"{', '.join(map(str, seeds)) or '(none yet)'} of the variant "
        'chosen on the validation split (fewer seeds where marked; "-": not '
        'run yet, "n/a": the method does not apply), from '
        f'[`{BENCH_RESULTS}`](../../{BENCH_RESULTS}):', '',
        '| Method | ' + ' | '.join(bench.SETTINGS[s].label for s in settings)
        + ' | Config |',
        '|---|' + '---:|' * len(settings) + '---|']
    for method in order:
        config = bench.CONFIG.format(bench.METHODS[method].config)
        cell_text = [_fmt_cell(cells[method][s], most)
                     if s in cells[method] else 'n/a' for s in settings]
        lines.append(
            f'| {bench.METHODS[method].label} | ' + ' | '.join(cell_text) +
            f' | [config]({osp.basename(config)}) |')
    lines += ['', 'The variant chosen on the validation split '
              f'(seed {selection_seed(rows)}), where a method has '
              'candidates:', '',
              '| Method | ' + ' | '.join(bench.SETTINGS[s].label
                                       for s in settings) + ' |',
              '|---|' + '---|' * len(settings)]
    for method in order:
        if len(bench.variants_of(method)) < 2:
            continue
        cell_text = []
        for s in settings:
            cell = cells[method].get(s, 'n/a')
            cell_text.append(cell if isinstance(cell, str) else
                             '-' if cell is None else f"`{cell['variant']}`")
        lines.append(f'| {bench.METHODS[method].label} | ' +
                     ' | '.join(cell_text) + ' |')
    return '\n'.join(lines) + '\n'


def _marked(text: str, name: str, body: str, path: str) -> str:
    """``text`` with the section between ``<!-- NAME:start -->`` and
    ``<!-- NAME:end -->`` replaced by ``body``."""
    start, end = f'<!-- {name}:start -->', f'<!-- {name}:end -->'
    if start not in text or end not in text:
        raise ValueError(f'{path} lacks the markers {start} ... {end}: put '
                         'them where the generated table goes.')
    head, rest = text.split(start, 1)
    return f'{head}{start}\n{body.rstrip()}\n{end}{rest.split(end, 1)[1]}'


def generated_files(root: str = ROOT) -> Dict[str, str]:
    """Path -> text of every file this module writes."""
    out = {}
    for folder in zoo_folders(root):
        out[osp.join(root, 'configs', folder, 'metafile.yml')] = metafile(
            folder, root)
    rows = load_bench_rows(root)
    out[osp.join(root, 'configs', BENCH_FOLDER,
                 'metafile.yml')] = bench_metafile(rows, root)
    readme = osp.join(root, 'configs', BENCH_FOLDER, 'README.md')
    with open(readme) as f:
        out[readme] = _marked(f.read(), BENCH_MARK, bench_table(rows, root),
                              readme)
    return out


def update_metafiles(check: bool = False, root: str = ROOT) -> List[str]:
    """Write every zoo folder's ``metafile.yml`` and the benchmark's
    ``metafile.yml`` and README table; return the files that changed (or,
    with ``check``, would)."""
    changed = []
    for path, text in generated_files(root).items():
        old = open(path).read() if osp.exists(path) else None
        if text != old:
            changed.append(path)
            if not check:
                with open(path, 'w') as f:
                    f.write(text)
    return changed

