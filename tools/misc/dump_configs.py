"""Resolve every config of ``configs/`` and dump it, or compare two dumps.

A refactoring of the configs (moved fragments, flatter inheritance) must
leave what each config resolves to unchanged. This tool makes that
checkable: dump before, change, dump after, compare::

    python tools/misc/dump_configs.py --out /tmp/configs_before.json
    # ... change the configs ...
    python tools/misc/dump_configs.py --out /tmp/configs_after.json
    python tools/misc/dump_configs.py --compare /tmp/configs_before.json \\
        /tmp/configs_after.json [--ignore custom_hooks] [--rename OLD=NEW]

The dump is ``{path: resolved dict}`` for every ``.py`` file under
``configs/`` (paths relative to the repository root), the result of
``mmengine.Config.fromfile(path).to_dict()``, written as canonical JSON:
sorted keys, tuples as lists. A ``_base_`` fragment that does not resolve
on its own (it names a base variable it does not define) is recorded as
``{"__unresolved__": "ExceptionType: message"}``, so that the comparison
also notices a fragment that stops (or starts) resolving.

``--compare`` prints, for each config, every key path whose value differs
(``+`` only after, ``-`` only before, ``~`` changed), then a summary of
the differences by top-level key, and exits with 1 if a difference is
left that ``--ignore`` does not cover. ``--ignore KEY`` leaves out a
top-level key (the intended differences); ``--rename OLD=NEW`` compares
the config that moved from ``OLD`` to ``NEW``.
"""
import argparse
import functools
import glob
import json
import os
import os.path as osp
import sys
from typing import Dict, Iterator, List, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def config_paths(root: str = ROOT) -> List[str]:
    """Every ``.py`` file under ``configs/``, relative to ``root``."""
    return sorted(
        osp.relpath(p, root)
        for p in glob.glob(osp.join(root, 'configs', '**', '*.py'),
                           recursive=True))


def resolve_all(root: str = ROOT) -> Dict[str, dict]:
    """``{path: Config.fromfile(path).to_dict()}`` for every config, in the
    canonical form of the dump (a JSON round trip)."""
    import mmengine.config.utils as config_utils
    from mmengine.config import Config

    import mmadvisor  # noqa: F401  (the `mmadvisor::` scope)

    # MMPretrain's model index is read once per `mmpretrain::` base; the
    # same file gives the same answer, so read it once (about 2x faster).
    config_utils._get_cfg_metainfo = functools.lru_cache(
        config_utils._get_cfg_metainfo)
    out = {}
    for path in config_paths(root):
        try:
            cfg = Config.fromfile(osp.join(root, path),
                                  import_custom_modules=False)
            out[path] = cfg.to_dict()
        except Exception as exc:  # a fragment that needs its user's bases
            if f'{os.sep}_base_{os.sep}' not in osp.join(os.sep, path):
                raise
            out[path] = {'__unresolved__': f'{type(exc).__name__}: {exc}'}
    return json.loads(canonical(out))


def canonical(dump: Dict[str, dict]) -> str:
    """Sorted keys, tuples as lists, anything else JSON lacks as repr."""
    return json.dumps(dump, sort_keys=True, indent=1, default=repr) + '\n'


def _diff(a, b, path: str = '') -> Iterator[Tuple[str, str]]:
    """``(sign, key path)`` of every difference between ``a`` and ``b``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            sub = f'{path}.{key}' if path else str(key)
            if key not in b:
                yield '-', sub
            elif key not in a:
                yield '+', sub
            else:
                yield from _diff(a[key], b[key], sub)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _diff(x, y, f'{path}[{i}]')
    elif a != b:
        yield '~', path


def compare(before: Dict[str, dict], after: Dict[str, dict],
            ignore=(), rename=None) -> Tuple[List[str], int]:
    """The report lines and the number of differences not ignored."""
    rename = dict(rename or {})
    lines, left, summary = [], 0, {}
    old_paths = set(before)
    new_of = {old: rename.get(old, old) for old in old_paths}
    gone = sorted(old for old, new in new_of.items() if new not in after)
    added = sorted(set(after) - set(new_of.values()))
    for old in gone:
        lines.append(f'{old}: only before')
        left += 1
    for new in added:
        lines.append(f'{new}: only after')
        left += 1
    for old in sorted(old_paths):
        new = new_of[old]
        if new not in after:
            continue
        diffs = list(_diff(before[old], after[new]))
        if not diffs:
            continue
        name = old if old == new else f'{old} -> {new}'
        lines.append(f'{name}:')
        for sign, key in diffs:
            top = key.split('.')[0].split('[')[0]
            kept = top not in ignore
            summary.setdefault((top, sign, kept), set()).add(new)
            lines.append(f'  {sign} {key}' + ('' if kept else ' (ignored)'))
            left += kept
    lines.append('')
    lines.append(f'{len(before)} configs before, {len(after)} after; '
                 'differences by top-level key:')
    for (top, sign, kept), paths in sorted(summary.items()):
        lines.append(f'  {sign} {top}: {len(paths)} config(s)' +
                     ('' if kept else ' (ignored)'))
    if not summary and not gone and not added:
        lines.append('  none: every config resolves to an equal dict')
    return lines, left


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 1)[1])
    parser.add_argument('--out', help='write the dump of every config here')
    parser.add_argument('--compare', nargs=2, metavar=('BEFORE', 'AFTER'),
                        help='compare two dumps')
    parser.add_argument('--ignore', nargs='*', default=[],
                        help='top-level keys whose differences are intended')
    parser.add_argument('--rename', nargs='*', default=[],
                        metavar='OLD=NEW', help='a config that moved')
    args = parser.parse_args(argv)
    if bool(args.out) == bool(args.compare):
        parser.error('give either --out FILE or --compare BEFORE AFTER')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.out:
        dump = resolve_all()
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(canonical(dump))
        unresolved = [p for p, d in dump.items() if '__unresolved__' in d]
        print(f'{len(dump)} configs ({len(unresolved)} _base_ fragments '
              f'that do not resolve alone) -> {args.out}')
        return 0
    with open(args.compare[0]) as f:
        before = json.load(f)
    with open(args.compare[1]) as f:
        after = json.load(f)
    rename = dict(r.split('=', 1) for r in args.rename)
    lines, left = compare(before, after, set(args.ignore), rename)
    print('\n'.join(lines))
    return int(left > 0)


if __name__ == '__main__':
    sys.exit(main())
