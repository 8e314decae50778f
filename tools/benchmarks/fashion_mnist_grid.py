"""The Fashion-MNIST benchmark grid (CIFAR-shaped): run, resume, report.

The runs, their configs, the choice of hyper-parameters on the validation
split and the tables are in :mod:`benchmarks.fashion_mnist_benchmark` (the
repository's harness, not installed: run this tool from a clone); this is
its command line::

    # list the runs (what can be planned now; the rest waits for choices)
    python tools/benchmarks/fashion_mnist_grid.py --dry-run
    # run (resumes: finished runs in OUT_DIR/results.jsonl are skipped)
    python tools/benchmarks/fashion_mnist_grid.py --workers 2
    python tools/benchmarks/fashion_mnist_grid.py --device cuda --workers 4
    # tables into README.md, docs/results/ and configs/fashion_mnist_bench/
    # (README.md, metafile.yml) from the finished runs
    python tools/benchmarks/fashion_mnist_grid.py --report

The data are the real Fashion-MNIST files (idx, gzip) from Debian's
``dataset-fashion-mnist`` package (``apt-get install dataset-fashion-mnist``
puts them in /usr/share/datasets/fashion-mnist) or any folder given as
``$FASHION_MNIST_ROOT``. Exits with status 1 when a run failed.
"""
import argparse
import os.path as osp
import shutil
import sys

from mmengine.config import DictAction

# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from benchmarks import fashion_mnist_benchmark as bench  # noqa: E402
from benchmarks import metafiles  # noqa: E402
from benchmarks.readme import update_marked_section  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='the first is the selection seed')
    parser.add_argument('--settings', nargs='+', default=list(bench.SETTINGS),
                        choices=list(bench.SETTINGS))
    parser.add_argument('--methods', nargs='+', default=list(bench.METHODS),
                        choices=list(bench.METHODS))
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads per worker')
    parser.add_argument('--device', choices=('cpu', 'cuda'), default='cpu')
    parser.add_argument('--out-dir', default=osp.join(
        bench.ROOT, 'work_dirs', 'fashion_mnist_bench'))
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='key=value options for every run (e.g. train_cfg.max_epochs=1 '
        'with another --out-dir for a smoke run); the fine-tuning stage '
        'keeps its own schedule')
    parser.add_argument(
        '--wait-for-choices', action='store_true',
        help='with another grid process on the same --out-dir (other '
        '--methods): wait for the variant choices it makes')
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--report', action='store_true',
                        help='write the tables (README.md, docs/results/, '
                        'configs/fashion_mnist_bench/) from the finished runs '
                        'instead of running')
    parser.add_argument('--readme', default=osp.join(bench.ROOT, 'README.md'))
    return parser.parse_args(argv)


def report(args) -> None:
    rows = list(bench.load_results(
        osp.join(args.out_dir, 'results.jsonl')).values())
    results = osp.join(bench.ROOT, 'docs', 'results',
                       'fashion_mnist_bench.jsonl')
    shutil.copyfile(osp.join(args.out_dir, 'results.jsonl'), results)
    tables = dict(
        headline=bench.headline, shots=bench.shot_table,
        cost=bench.cost_table, choices=bench.choice_table)
    texts = {name: make(rows, args.settings, [
        m for m in args.methods
        if bench.METHODS[m].family not in ('fast-study', 'ablation')],
        args.seeds)
             for name, make in tables.items()}
    texts['headline-seeds'] = bench.headline_seeds_table(rows, args.seeds)
    init = osp.join(bench.ROOT, bench.INIT_STUDY)
    if osp.exists(init):
        texts['init'] = bench.init_study_table(
            rows, list(bench.load_results(init).values()), args.seeds)
    texts['fast'] = bench.fast_study_table(rows, args.seeds)
    texts['ablation'] = bench.ablation_table(rows, args.seeds)
    preset, lines = bench.choose_fast_preset(rows, args.seeds)
    texts['fast-choice'] = (
        'Chosen on the validation split (the variant within '
        f'{bench.FAST_TIME_BUDGET}x CE\'s training time with the smallest '
        'validation shortfall in its worse setting): '
        f"**{bench.METHODS[preset].label if preset else 'not yet (runs missing)'}**."
        '\n\n' + '\n'.join(f'- {line}' for line in lines))
    for name, text in texts.items():
        update_marked_section(args.readme, f'fmnist-bench-{name}', text)
        print(text, '\n')
    # the benchmark's model zoo (configs/fashion_mnist_bench/metafile.yml
    # and README.md) from the same runs
    for path in metafiles.update_metafiles():
        print(f'updated {osp.relpath(path, bench.ROOT)}')


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report:
        report(args)
        return 0
    if args.dry_run:
        done = bench.load_results(osp.join(args.out_dir, 'results.jsonl'))
        runs, waiting = bench.planned_runs(args.settings, args.methods,
                                           args.seeds, done)
        for run in runs:
            state = 'done' if run.key in done else 'to run'
            print(f'{run.key}\t{state}' +
                  (f'\tafter {run.after}' if run.after else ''))
        for setting, method, seed in waiting:
            why = (bench.fast_preset_problem(list(done.values()), args.seeds)
                   if bench.METHODS[method].fast_preset else None) or \
                f'the choice on seed {args.seeds[0]}'
            print(f'{setting}/{method}/seed{seed}\twaits for {why}')
        print(f'{len(runs)} runs planned, {len(waiting)} waiting')
        return 0
    _, failed = bench.run_grid(
        args.settings, args.methods, args.seeds, args.out_dir, args.workers,
        args.threads, args.device, args.cfg_options,
        log=lambda s: print(s, flush=True),
        wait_for_choices=args.wait_for_choices)
    if failed:
        print(f'{len(failed)} run(s) failed or were skipped: {failed}',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
