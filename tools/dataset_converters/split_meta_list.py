"""Take a meta set out of an image list: a few images per class, held out.

The advisor is meta-trained on a small clean, balanced meta set that the
classifier never trains on (README, "Train on your own data"). From a
``CustomDataset`` list (``relative/path label`` per line) this draws
``--per-class`` images of every class (seeded) into ``--meta`` and writes
every other line to ``--rest``, so the two are disjoint by construction::

    python tools/dataset_converters/split_meta_list.py data/all.txt \\
        --per-class 10 --meta data/meta.txt --rest data/train.txt

Check the labels of the meta list by eye and fix them in place (a wrong
label there teaches the advisor the noise it should undo); the checks of a
run stop it if a meta image is also in the training list. A class with no
more than ``--per-class`` images stops the split (it would have none left
to train on), naming the class.
"""
import argparse
import random
import sys
from collections import defaultdict


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('source', help='the list to split')
    parser.add_argument('--per-class', type=int, default=10,
                        help='meta images per class (the thesis: 10)')
    parser.add_argument('--meta', required=True, help='the meta list')
    parser.add_argument('--rest', required=True,
                        help='every other line (the training list)')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def read_list(path: str):
    """``(line, label)`` of every line; stops on a line that is not
    ``relative/path label``."""
    out = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            fields = line.strip().rsplit(' ', 1)
            if len(fields) != 2 or not fields[1].isdigit():
                raise ValueError(f'{path}, line {lineno}: {line!r} is not '
                                 '"relative/path label" (an empty line '
                                 'included).')
            out.append((line, int(fields[1])))
    return out


def split(entries, per_class: int, seed: int):
    """The meta lines (``per_class`` of every class, in source order) and
    the rest, drawn with ``seed``."""
    if per_class < 1:
        raise ValueError(f'--per-class={per_class} must be at least 1.')
    by_class = defaultdict(list)
    for i, (_, label) in enumerate(entries):
        by_class[label].append(i)
    rng = random.Random(seed)
    chosen = set()
    for label in sorted(by_class):
        rows = by_class[label]
        if len(rows) <= per_class:
            raise ValueError(
                f'class {label} has {len(rows)} images, not more than '
                f'--per-class={per_class}: none would be left to train on. '
                'Lower --per-class or add images of that class.')
        chosen.update(rng.sample(rows, per_class))
    meta = [line for i, (line, _) in enumerate(entries) if i in chosen]
    rest = [line for i, (line, _) in enumerate(entries) if i not in chosen]
    return meta, rest


def main(argv=None):
    args = parse_args(argv)
    try:
        meta, rest = split(read_list(args.source), args.per_class, args.seed)
    except (OSError, ValueError) as err:
        sys.exit(f'split_meta_list: {err}')
    for path, lines in ((args.meta, meta), (args.rest, rest)):
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
    print(f'{len(meta)} meta images ({args.per_class} per class) -> '
          f'{args.meta}; {len(rest)} others -> {args.rest}')


if __name__ == '__main__':
    main()
