"""Write generated tables into README.md between marker comments (the
README tables of the tools are generated, never typed)."""
import os.path as osp
import sys


def update_marked_section(path: str, name: str, text: str) -> None:
    """Replace what stands between ``<!-- NAME:start -->`` and
    ``<!-- NAME:end -->`` in the file at ``path``.

    Raises:
        SystemExit: The file lacks either marker.
    """
    start, end = f'<!-- {name}:start -->', f'<!-- {name}:end -->'
    with open(path) as f:
        content = f.read()
    if start not in content or end not in content:
        sys.exit(f'{osp.basename(path)} lacks the markers {start} ... {end}')
    head, rest = content.split(start, 1)
    tail = rest.split(end, 1)[1]
    with open(path, 'w') as f:
        f.write(f'{head}{start}\n{text.rstrip()}\n{end}{tail}')
