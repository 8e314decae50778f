"""The package's layers: a module imports only from its own layer or the
ones below it (``structures`` < ``datasets`` < ``models`` < ``engine``), and
nothing of the research harness (``benchmarks/``) or the tools."""
import ast
import glob
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PACKAGE = osp.join(ROOT, 'mmadvisor')
#: package -> the mmadvisor packages it must not import
FORBIDDEN = {
    'structures': ('datasets', 'models', 'engine', 'evaluation'),
    'datasets': ('models', 'engine'),
    'models': ('engine', ),
}


def imported_packages(path: str) -> set:
    """The ``mmadvisor.<package>`` names a module imports (absolute or
    relative)."""
    rel = osp.relpath(path, ROOT).split(osp.sep)[:-1]  # mmadvisor/x/...
    out = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                base = '.'.join(rel[:len(rel) - node.level + 1] +
                                ([base] if base else []))
            names = [base]
        else:
            continue
        for name in names:
            parts = name.split('.')
            if parts[0] == 'mmadvisor' and len(parts) > 1:
                out.add(parts[1])
    return out


@pytest.mark.parametrize('package', sorted(FORBIDDEN))
def test_no_upward_import(package):
    bad = []
    for path in glob.glob(osp.join(PACKAGE, package, '**', '*.py'),
                          recursive=True):
        upward = imported_packages(path) & set(FORBIDDEN[package])
        if upward:
            bad.append(f'{osp.relpath(path, ROOT)} imports {sorted(upward)}')
    assert not bad, '\n'.join(bad)


def test_the_check_sees_relative_imports():
    module = osp.join(PACKAGE, 'models', 'classifiers',
                      'advisor_classifier.py')
    assert 'structures' in imported_packages(module)


def test_package_does_not_import_the_harness():
    assert not osp.exists(osp.join(PACKAGE, 'experiments'))
    bad = []
    for path in glob.glob(osp.join(PACKAGE, '**', '*.py'), recursive=True):
        for node in ast.walk(ast.parse(open(path).read())):
            names = [a.name for a in node.names] if isinstance(
                node, ast.Import) else [node.module or ''] if isinstance(
                    node, ast.ImportFrom) and not node.level else []
            if any(n.split('.')[0] in ('benchmarks', 'tools') for n in names):
                bad.append(osp.relpath(path, ROOT))
    assert not bad, bad
