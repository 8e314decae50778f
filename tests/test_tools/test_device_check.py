"""The one-command device check runs end to end (its CPU smoke mode)."""
import os
import os.path as osp
import subprocess
import sys

from fashion_mnist_files import write_fashion_mnist

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_device_check_cpu_smoke(tmp_path):
    data = tmp_path / 'fashion'
    data.mkdir()
    write_fashion_mnist(data, train_per_class=300, test_per_class=10)
    out = tmp_path / 'out'
    env = dict(os.environ, FASHION_MNIST_ROOT=str(data), OMP_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, 'tools/device_check.py', '--cpu-smoke', '--out',
         str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = (out / 'summary.md').read_text()
    # the CUDA tests are collected and skip cleanly without a GPU
    assert '9 skipped' in summary
    # the step benchmark table with FLOP ratios
    assert '| lenet5 b128 (meta 100) 32px | mfrw-mes |' in summary
    assert 'x CE FLOPs' in summary
    # ... and working memory: the exact step holds phase 1's activations
    # and the meta batch's at once (live tensor bytes, deterministic)
    row = next(line for line in summary.splitlines()
               if line.startswith('| lenet5 b128 (meta 100) 32px | mfrw-mes |'))
    header = next(line for line in summary.splitlines()
                  if line.startswith('| setup | method |'))
    cells = dict(zip([c.strip() for c in header.split('|')],
                     [c.strip() for c in row.split('|')]))
    assert float(cells['x CE live tensors']) > 1.3
    assert float(cells['working memory (MiB)']) > 0
    # the two benchmark runs, one epoch each on the CPU
    for key in ('lt100/ce@default/seed0', 'lt100/mfrw-mes@meta-lr0.001/seed0'):
        assert f'| {key} |' in summary
    assert (out / 'grid.jsonl').read_text().count('\n') == 2
    assert '| pytest -m cuda | 0 |' in summary
