"""Build mmadvisor's wheel from the sources as a fresh clone has them, and
run commands in subprocesses (tests/test_install.py, tests/test_mim.py;
the fixtures ``clone`` and ``wheel`` are in conftest.py)."""
import glob
import os
import os.path as osp
import shutil
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: What a clone of the repository holds that the build reads (and the
#: harness and tools beside it, which the build must leave out).
SOURCES = ('setup.py', 'MANIFEST.in', 'README.md', 'requirements.txt',
           'requirements', 'mmadvisor_config_scope.py',
           '_mmadvisor_config_scope.py', 'configs', 'mmadvisor',
           'benchmarks', 'tools')


def run(args, cwd, env=None, check=True):
    """Run a command; with ``check``, fail the test with its output unless
    it succeeds.

    ``env`` updates the environment; a value ``None`` removes the variable
    (``PYTHONPATH``: a process that must see the installed package only).
    """
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore',
               **(env or {}))
    env = {k: v for k, v in env.items() if v is not None}
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True,
                          text=True)
    if check:
        assert proc.returncode == 0, \
            proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def copy_sources(top) -> None:
    """Copy :data:`SOURCES` to ``top`` (no ``.mim``, no caches)."""
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim')
    os.makedirs(top, exist_ok=True)
    for name in SOURCES:
        src = osp.join(ROOT, name)
        if osp.isdir(src):
            shutil.copytree(src, osp.join(top, name), ignore=ignore)
        else:
            shutil.copy(src, osp.join(top, name))


def build_wheel(clone, dist) -> str:
    """``pip wheel`` the clone into ``dist``; the wheel's path."""
    run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(dist), '.'], cwd=clone)
    (path, ) = glob.glob(osp.join(str(dist), 'mmadvisor-*.whl'))
    return path
