"""Build a thesis table in markdown from finished runs, beside the thesis'.

For each run of the table found among WORK_DIRS, the result is the last
validation record of MMEngine's scalars log, at the run's last epoch
(iteration); the thesis' numbers, the runs and the reader are in
:mod:`benchmarks.thesis` (the repository's harness, not installed: run
this tool from a clone), this is its command line. Nothing is
typed by hand.

Examples::

    # our results beside the thesis' (work dirs, or a folder above them)
    python tools/collect_results.py work_dirs --table 3.1
    # the thesis' numbers only, for the READMEs
    python tools/collect_results.py --thesis-only --table 3.1 --method mfrw
    # rewrite every generated table of the configs' READMEs and the model
    # zoo's metafiles: the thesis' (its numbers as targets) and the
    # Fashion-MNIST benchmark's (its runs in docs/results/)
    python tools/collect_results.py --update-readmes
"""
import argparse
import os.path as osp
import sys

# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from benchmarks import metafiles, thesis  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dirs', nargs='*',
                        help='run work dirs, or folders above them')
    parser.add_argument('--table', help=f'one of {", ".join(thesis.TABLES)}')
    parser.add_argument('--thesis-only', action='store_true',
                        help="the thesis' numbers only (no runs needed)")
    parser.add_argument('--method', help='keep only this method\'s rows')
    parser.add_argument('--out', help='also write the markdown here')
    parser.add_argument('--update-readmes', action='store_true',
                        help='regenerate the tables in configs/*/README.md '
                        'and the model zoo\'s configs/*/metafile.yml (the '
                        'thesis\' numbers, the Fashion-MNIST benchmark\'s '
                        'runs)')
    args = parser.parse_args(argv)
    if not args.update_readmes:
        if not args.table:
            parser.error('--table is required (one of ' +
                         ', '.join(thesis.TABLES) + ')')
        if not args.thesis_only and not args.work_dirs:
            parser.error('give WORK_DIRS, or --thesis-only')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.update_readmes:
        for path in thesis.update_readmes() + metafiles.update_metafiles():
            print(f'updated {osp.relpath(path, thesis.ROOT)}')
        return 0
    try:
        md = thesis.build_table(args.table, args.work_dirs,
                                args.thesis_only, args.method)
    except (KeyError, FileNotFoundError, ValueError) as e:
        print(f'error: {e.args[0] if e.args else e}', file=sys.stderr)
        return 2
    print(md, end='')
    if args.out:
        with open(args.out, 'w') as f:
            f.write(md)
    return 0


if __name__ == '__main__':
    sys.exit(main())
