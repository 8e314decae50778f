"""Build a thesis table in markdown from finished runs, beside the thesis'.

For each run of the table (``tools/thesis_grid.py``) found among WORK_DIRS,
the result is the last validation record of MMEngine's scalars log
(``{work_dir}/{timestamp}/vis_data/scalars.json``), which must be at the
run's last epoch (iteration) as its dumped config says; the thesis' numbers
come from ``mmadvisor/thesis_tables.py``. Nothing is typed by hand.

Examples::

    # our results beside the thesis' (work dirs, or a folder above them)
    python tools/collect_results.py work_dirs --table 3.1
    # the thesis' numbers only, for the READMEs
    python tools/collect_results.py --thesis-only --table 3.1 --method mfrw
    # rewrite every generated table of the READMEs in place
    python tools/collect_results.py --update-readmes
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from mmadvisor.thesis_tables import TABLES, get_table  # noqa: E402
from thesis_grid import METHODS, Run, table_runs  # noqa: E402

MARK = re.compile(
    r'(<!-- thesis-table (?P<table>[\d.]+) (?P<method>\w+) -->\n)'
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
    if method is not None and method not in METHODS:
        raise KeyError(f'unknown method {method!r}; use one of '
                       f'{list(METHODS)}.')
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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dirs', nargs='*',
                        help='run work dirs, or folders above them')
    parser.add_argument('--table', help=f'one of {", ".join(TABLES)}')
    parser.add_argument('--thesis-only', action='store_true',
                        help="the thesis' numbers only (no runs needed)")
    parser.add_argument('--method', help='keep only this method\'s rows')
    parser.add_argument('--out', help='also write the markdown here')
    parser.add_argument('--update-readmes', action='store_true',
                        help='regenerate the tables in configs/*/README.md')
    args = parser.parse_args(argv)
    if not args.update_readmes:
        if not args.table:
            parser.error('--table is required (one of ' +
                         ', '.join(TABLES) + ')')
        if not args.thesis_only and not args.work_dirs:
            parser.error('give WORK_DIRS, or --thesis-only')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.update_readmes:
        for path in update_readmes():
            print(f'updated {osp.relpath(path, ROOT)}')
        return 0
    try:
        md = build_table(args.table, args.work_dirs, args.thesis_only,
                         args.method)
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
