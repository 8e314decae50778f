"""A reduced but honest Fashion-MNIST grid: advisors vs clean-set baselines.

Every (setting, method, seed) is one training run of a config of this
repository, built from

- the method's config (``configs/fashion_mnist/`` for CE and the advisors,
  ``configs/clean_set_baselines/`` for CE on train + meta, the fine-tuning
  stage and CE on the meta set alone);
- the setting's dataset base (``configs/_base_/datasets/fashion_mnist_
  {setting}_meta10.py``), whose training set replaces the method's;
- the seed, given to every generated quantity (meta split, long tail,
  noise) and to the runner (initialisation, data order);
- the training subset: the first ``--train-size`` images of the training
  split (meta split drawn from them).

Each run trains without validation and is evaluated once, after its last
epoch, on the full 10k test set: no epoch is picked on the test set.
``ce-ft`` is the second stage of ``ce`` (same setting and seed): it starts
from ``ce``'s final checkpoint. The runs go to ``--workers`` processes with
one thread each; each process builds one :class:`mmengine.runner.Runner`
per run (as ``tools/train.py`` does), which saves the interpreter start-up
per run.

Writes into ``--out-dir``: ``results.jsonl`` (one line per finished run,
kept across invocations: finished runs are skipped), ``results.csv``,
``table.md`` (mean +- sample std over seeds), ``runs/`` (work dirs), and
rewrites the part of ``--readme`` between ``<!-- fashion-mnist-table:start
-->`` and ``<!-- fashion-mnist-table:end -->`` (it stops if they are
missing).

Examples::

    python tools/benchmarks/fashion_mnist_grid.py --dry-run
    OMP_NUM_THREADS=1 python tools/benchmarks/fashion_mnist_grid.py \\
        --seeds 0 1 2 --workers 2
"""
import argparse
import contextlib
import copy
import csv
import json
import os
import os.path as osp
import statistics
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Dict, List, Optional

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SETTINGS = {
    'flip0.4': 'Flip 0.4',
    'flip0.6': 'Flip 0.6',
    'lt50': 'LT IF 50',
    'lt100': 'LT IF 100',
    'lt10-flip0.4': 'LT IF 10 + Flip 0.4',
}
FM = 'configs/fashion_mnist/lenet5-{}_1xb64_fashion-mnist-flip0.4.py'
BL = 'configs/clean_set_baselines/lenet5-{}.py'
#: method -> (label, config, what its training set is)
METHODS = {
    'ce': ('CE', FM.format('ce'), 'setting'),
    'ce-union-meta': ('CE on train + meta',
                      BL.format('ce_1xb64_fashion-mnist-flip0.4-union-meta'),
                      'union'),
    'ce-ft': ('CE, then fine-tune on meta',
              BL.format('ce-ft_1xb32_fashion-mnist-meta10'), 'meta'),
    'meta-only': ('CE on meta only',
                  BL.format('ce_1xb64_fashion-mnist-meta10-only'), 'meta'),
    'mwnet': ('MW-Net', FM.format('mwnet'), 'setting'),
    'mfrw': ('MFRW', FM.format('mfrw'), 'setting'),
    'mes': ('MES', FM.format('mes'), 'setting'),
    'mfrw-mes': ('MFRW-MES', FM.format('mfrw-mes'), 'setting'),
}
#: rough cost of a run in CE runs, to start the long ones first
COST = {'mwnet': 3, 'mfrw': 3, 'mes': 3, 'mfrw-mes': 3, 'ce': 1.2,
        'ce-union-meta': 1, 'meta-only': 0.3, 'ce-ft': 0.1}
WRAPPERS = ('MetaSplit', 'LongTailDataset', 'LabelNoiseDataset')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--settings', nargs='+', default=list(SETTINGS),
                        choices=list(SETTINGS))
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=list(METHODS))
    parser.add_argument('--train-size', type=int, default=3000,
                        help='first N images of the training split')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--out-dir',
                        default=osp.join(ROOT, 'work_dirs',
                                         'fashion_mnist_grid'))
    parser.add_argument('--readme', default=osp.join(ROOT, 'README.md'))
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value overrides applied to every run '
                        '(e.g. train_cfg.max_epochs=1 for a smoke run)')
    parser.add_argument('--dry-run', action='store_true',
                        help='list the runs and exit')
    parser.add_argument('--table-only', action='store_true',
                        help='rewrite the table from results.jsonl')
    return parser.parse_args(argv)


def expected_runs(settings, methods, seeds) -> List[dict]:
    """All runs of the grid, each with its key and what it waits for."""
    runs = []
    for seed in seeds:
        for setting in settings:
            for method in methods:
                key = f'{setting}/{method}/seed{seed}'
                runs.append(dict(
                    key=key, setting=setting, method=method, seed=seed,
                    config=METHODS[method][1],
                    after=(f'{setting}/ce/seed{seed}'
                           if method == 'ce-ft' else None)))
    return runs


def _seed_datasets(node, seed: int, train_size: int) -> None:
    """Give every generating wrapper ``seed`` and cut the training split."""
    if isinstance(node, dict):
        if node.get('type') in WRAPPERS:
            node['seed'] = seed
        if node.get('type') == 'OfflineFashionMNIST' and \
                node.get('split') == 'train':
            node['indices'] = train_size
        for value in node.values():
            _seed_datasets(value, seed, train_size)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _seed_datasets(value, seed, train_size)


def build_run_cfg(run: dict, out_dir: str, train_size: int,
                  cfg_options: Optional[dict] = None):
    """The config of one run (see the module docstring)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, run['config']))
    setting = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'datasets',
                 f"fashion_mnist_{run['setting']}_meta10.py"))
    meta = copy.deepcopy(setting.meta_dataloader.dataset)
    kind = METHODS[run['method']][2]
    if kind == 'setting':
        cfg.train_dataloader.dataset = setting.train_dataloader.dataset
    elif kind == 'union':
        cfg.train_dataloader.dataset = dict(
            type='ConcatDataset',
            datasets=[setting.train_dataloader.dataset, meta])
    _seed_datasets(cfg.train_dataloader, run['seed'], train_size)
    if cfg.optim_wrapper.get('meta_dataloader') is not None:
        _seed_datasets(cfg.optim_wrapper.meta_dataloader, run['seed'],
                       train_size)
        cfg.optim_wrapper.meta_dataloader.sampler.seed = run['seed']
    cfg.randomness = dict(seed=run['seed'], deterministic=False)
    cfg.work_dir = osp.join(out_dir, 'runs', run['key'])
    # Train without validation; evaluate once at the end (runner.test()).
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    if run['after'] is not None:
        stage1 = osp.join(out_dir, 'runs', run['after'])
        cfg.load_from = osp.join(
            stage1, f'epoch_{_max_epochs(stage1)}.pth')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def _max_epochs(work_dir: str) -> int:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        name = osp.basename(f.read().strip())
    return int(name[len('epoch_'):-len('.pth')])


def _init_worker() -> None:
    import torch
    torch.set_num_threads(1)
    sys.path.insert(0, ROOT)


def train_one(run: dict, out_dir: str, train_size: int,
              cfg_options: Optional[dict]) -> dict:
    """Train and test one run in this process; return its result row."""
    from mmengine.runner import Runner
    cfg = build_run_cfg(run, out_dir, train_size, cfg_options)
    os.makedirs(cfg.work_dir, exist_ok=True)
    start = time.time()
    with open(osp.join(cfg.work_dir, 'stdout.log'), 'w') as log, \
            contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        runner = Runner.from_cfg(cfg)
        runner.train()
        metrics = runner.test()
    return dict(
        key=run['key'], setting=run['setting'], method=run['method'],
        seed=run['seed'], top1=float(metrics['accuracy/top1']),
        train_samples=len(runner.train_dataloader.dataset),
        iters=runner.iter, epochs=runner.epoch, train_size=train_size,
        wall_s=round(time.time() - start, 1), config=run['config'],
        load_from=cfg.load_from)


def load_results(path: str) -> Dict[str, dict]:
    rows = {}
    if osp.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    rows[row['key']] = row
    return rows


def make_table(rows: List[dict], settings, methods) -> str:
    """Markdown table: mean +- sample std of top-1 over seeds; the best
    mean of each column in bold."""
    cell = {}
    for s in settings:
        for m in methods:
            accs = [r['top1'] for r in rows
                    if r['setting'] == s and r['method'] == m]
            if accs:
                std = statistics.stdev(accs) if len(accs) > 1 else 0.0
                cell[s, m] = (statistics.mean(accs), std, len(accs))
    lines = ['| Method | ' + ' | '.join(SETTINGS[s] for s in settings) + ' |',
             '|---|' + '---:|' * len(settings)]
    best = {s: max((cell[s, m][0] for m in methods if (s, m) in cell),
                   default=None) for s in settings}
    for m in methods:
        entries = []
        for s in settings:
            if (s, m) not in cell:
                entries.append('-')
                continue
            mean, std, n = cell[s, m]
            text = f'{mean:.2f} ± {std:.2f}'
            entries.append(f'**{text}**' if mean == best[s] else text)
        lines.append(f'| {METHODS[m][0]} | ' + ' | '.join(entries) + ' |')
    return '\n'.join(lines)


def describe(rows: List[dict], args) -> str:
    seeds = sorted({r['seed'] for r in rows})
    first = rows[0] if rows else {}
    epochs = sorted({r['epochs'] for r in rows if r['method'] == 'ce'})
    results = osp.relpath(osp.join(args.out_dir, 'results.jsonl'), ROOT)
    return (
        f"Fashion-MNIST, LeNet-5 ({'/'.join(map(str, epochs))} epochs), "
        'top-1 (%) on the full 10k test set after the last epoch (mean ± '
        f'sample std over seeds {seeds}). Training subset: the first '
        f"{first.get('train_size', args.train_size)} training images, of "
        'which 10 per class form the clean meta set (redrawn per seed, as '
        'are the noise and the long tail). Advisor meta optimizer: Adam, lr '
        '1e-3, for all advisor methods. Generated by '
        '`tools/benchmarks/fashion_mnist_grid.py`; raw runs in '
        f'`{results}`.')


def write_outputs(rows: List[dict], args) -> str:
    sys.path.insert(0, ROOT)
    from mmadvisor.utils.readme import update_marked_section
    rows = sorted(rows, key=lambda r: (r['setting'], r['method'], r['seed']))
    with open(osp.join(args.out_dir, 'results.csv'), 'w', newline='') as f:
        fields = ['setting', 'method', 'seed', 'top1', 'train_samples',
                  'iters', 'epochs', 'train_size', 'wall_s', 'config']
        writer = csv.DictWriter(f, fields, extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)
    table = make_table(rows, args.settings, args.methods)
    body = describe(rows, args) + '\n\n' + table + '\n'
    with open(osp.join(args.out_dir, 'table.md'), 'w') as f:
        f.write(body)
    target = args.readme
    update_marked_section(target, 'fashion-mnist-table', body)
    print(f'table written to {target}')
    return table


def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import DictAction
    cfg_options = {}
    if args.cfg_options:
        ns = argparse.Namespace()
        DictAction(option_strings=[], dest='o')(None, ns, args.cfg_options)
        cfg_options = ns.o
    runs = expected_runs(args.settings, args.methods, args.seeds)
    if args.dry_run:
        for run in runs:
            after = f"  (after {run['after']})" if run['after'] else ''
            print(f"{run['key']}\t{run['config']}{after}")
        print(f'{len(runs)} runs')
        return runs
    os.makedirs(args.out_dir, exist_ok=True)
    results_path = osp.join(args.out_dir, 'results.jsonl')
    done = load_results(results_path)
    if not args.table_only:
        todo = [r for r in runs if r['key'] not in done]
        # Seed by seed (a stopped grid leaves whole seeds), long runs first.
        todo.sort(key=lambda r: (r['seed'], -COST[r['method']]))
        os.environ.setdefault('OMP_NUM_THREADS', '1')
        pending, running, failed = list(todo), {}, set()
        with ProcessPoolExecutor(args.workers, get_context('spawn'),
                                 initializer=_init_worker) as pool:
            while pending or running:
                for run in list(pending):
                    if run['after'] is None or run['after'] in done:
                        pending.remove(run)
                        fut = pool.submit(train_one, run, args.out_dir,
                                          args.train_size, cfg_options)
                        running[fut] = run
                if not running:
                    missing = {r['after'] for r in pending}
                    raise RuntimeError(f'runs {missing} are needed first.')
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    run = running.pop(fut)
                    try:
                        row = fut.result()
                    except Exception as exc:  # keep the other runs going
                        print(f"{run['key']} FAILED: {exc!r}", flush=True)
                        failed.add(run['key'])
                        pending = [r for r in pending
                                   if r['after'] not in failed]
                        continue
                    done[run['key']] = row
                    with open(results_path, 'a') as f:
                        f.write(json.dumps(row) + '\n')
                    print(f"{row['key']}: top-1 {row['top1']:.2f} "
                          f"({row['wall_s']} s)", flush=True)
    keys = {r['key'] for r in runs}
    table = write_outputs([r for k, r in done.items() if k in keys], args)
    print(table)


if __name__ == '__main__':
    main()
