"""Every training run behind a thesis table: config, --cfg-options, work dir.

The runs, their configs, ``--cfg-options`` and work dirs are in
:mod:`benchmarks.thesis` (the repository's harness, not installed: run
this tool from a clone); this is its command line.

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

# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks import thesis  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='List or run every training run of a thesis table.')
    parser.add_argument(
        '--table', help=f'table id, one of {", ".join(thesis.TABLES)}')
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
        parser.error('give --table (one of ' + ', '.join(thesis.TABLES) +
                     ') or --options-for CONFIG')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.options_for:
        print(' '.join(
            shlex.quote(o) for o in thesis.options_for(
                args.options_for, args.imbalance_factor, args.noise_type,
                args.noise_ratio)))
        return 0
    try:
        runs = thesis.table_runs(args.table, args.work_root)
    except KeyError as e:
        print(f'error: {e.args[0]}', file=sys.stderr)
        return 2
    if args.run:
        for i, run in enumerate(runs, 1):
            cmd = run.command(args.gpus)
            if args.skip_finished:
                try:
                    thesis.read_result(run.work_dir)
                    print(f'[{i}/{len(runs)}] finished: {run.work_dir}')
                    continue
                except (FileNotFoundError, ValueError):
                    pass
            print(f'[{i}/{len(runs)}] ' + ' '.join(map(shlex.quote, cmd)),
                  flush=True)
            if not args.dry_run:
                subprocess.run(cmd, cwd=thesis.ROOT, check=True)
        return 0
    if args.print_commands:
        for run in runs:
            print(' '.join(map(shlex.quote, run.command(args.gpus))))
        return 0
    table = thesis.get_table(args.table)
    print(f'Table {table.id}: {table.caption} -- {len(runs)} runs')
    for run in runs:
        print(f'{run.row:<18} {run.setting.slug:<24} {run.config}')
        print(f'{"":<18} work dir: {run.work_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
