"""Choose the quickstart advisor's meta lr on a validation split.

See :mod:`benchmarks.quickstart_meta_lr` (the repository's harness, not
installed: run this tool from a clone)::

    python tools/benchmarks/quickstart_meta_lr.py --seeds 0 1
    python tools/benchmarks/quickstart_meta_lr.py --report   # README table

Finished runs (``--out-dir``/results.jsonl) are skipped.
"""
import argparse
import os.path as osp
import shutil
import sys

# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from benchmarks import quickstart_meta_lr as exp  # noqa: E402
from benchmarks.readme import update_marked_section  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--lrs', type=float, nargs='+',
                        default=list(exp.CANDIDATES))
    parser.add_argument('--out-dir', default=osp.join(
        exp.ROOT, 'work_dirs', 'quickstart_meta_lr'))
    parser.add_argument('--report', action='store_true',
                        help='write the table into README.md and the runs '
                        'into docs/results/')
    args = parser.parse_args(argv)
    if args.report:
        rows = list(exp.load(osp.join(args.out_dir,
                                      'results.jsonl')).values())
        shutil.copyfile(osp.join(args.out_dir, 'results.jsonl'),
                        osp.join(exp.ROOT, 'docs', 'results',
                                 'quickstart_meta_lr.jsonl'))
        text = exp.table(rows)
        update_marked_section(osp.join(exp.ROOT, 'README.md'),
                              'quickstart-meta-lr', text)
    else:
        rows = exp.run_all(args.out_dir, args.seeds, args.lrs,
                           log=lambda s: print(s, flush=True))
        text = exp.table(rows)
    print(text)


if __name__ == '__main__':
    main()
