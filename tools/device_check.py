"""One command for a lent GPU: CUDA tests, step benchmark, a benchmark run.

Run it once on the machine (about 6 minutes on one GPU)::

    python tools/device_check.py --out work_dirs/device_check

It writes into ``--out``:

- ``cuda_tests.log`` / ``cuda_tests.xml``: ``pytest -m cuda`` (the meta
  step with cuDNN batch norm, forward mode = double backward, bfloat16 and
  float16 against float32, ``tools/train.py --amp``, ResNet-50 b32 224px
  working memory and time, strip + stock inference), and
  ``cuda_figures.json`` (the figures those tests measured);
- ``benchmark.md`` / ``benchmark.json``: time, FLOPs and working memory
  (``max_memory_allocated`` above the model and optimizers) per iteration,
  and their ratios to CE, for CE, the exact MFRW-MES, ``low_memory``, the
  fast preset and variants, and MW-Net, ResNet-32 b128 and ResNet-50 b32
  224px (``tools/analysis_tools/benchmark_meta_step.py``);
- ``grid/``: runs of the Fashion-MNIST benchmark on the card (default: CE
  and MFRW-MES in LT IF 100, seed 0, the full 30 epochs), ``grid.jsonl``;
- ``summary.md``: all of it with the card's name and the software versions,
  ready for a README section.

``--cpu-smoke`` runs the same steps on the CPU in a minute (LeNet-5
benchmark, one-epoch grid runs; the CUDA tests skip): CI runs it so the
script works when a GPU is lent. Exits non-zero when a step fails. Run it
from a clone: the benchmark runs are the repository's harness
(``benchmarks/``, not installed).
"""
import argparse
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, ROOT)
from benchmarks import fashion_mnist_benchmark as bench  # noqa: E402
GRID_RUNS = ['lt100/ce@default/seed0', 'lt100/mfrw-mes@meta-lr0.001/seed0']
BENCH_METHODS = ['ce', 'mfrw-mes', 'low-memory', 'fast', 'fast-last',
                 'head-only', 'mw-net']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default=osp.join(ROOT, 'work_dirs',
                                                  'device_check'))
    parser.add_argument('--cpu-smoke', action='store_true',
                        help='the same steps, small, on the CPU')
    parser.add_argument('--grid-runs', nargs='*', default=GRID_RUNS,
                        help='benchmark run keys SETTING/METHOD@VARIANT/seedN')
    parser.add_argument('--skip', nargs='*', default=[],
                        choices=('tests', 'benchmark', 'grid'))
    return parser.parse_args(argv)


def parse_key(key: str) -> bench.Run:
    """``SETTING/METHOD@VARIANT/seedN`` -> a benchmark run."""
    try:
        setting, method_variant, seed = key.split('/')
        method, variant = method_variant.split('@')
        run = bench.Run(setting, method, variant, int(seed[len('seed'):]))
    except ValueError:
        raise SystemExit(f'--grid-runs {key!r}: expected SETTING/METHOD@'
                         'VARIANT/seedN, e.g. lt100/ce@default/seed0') from None
    if setting not in bench.SETTINGS or method not in bench.METHODS or \
            variant not in dict(bench.variants_of(method)):
        raise SystemExit(f'--grid-runs {key!r}: unknown setting, method or '
                         'variant (see tools/benchmarks/fashion_mnist_grid.py'
                         ' --dry-run)')
    return run


def step(name: str, cmd: list, out: str, log: str, env=None,
         timeout: int = 600) -> dict:
    """Run one step as a subprocess; keep its output in ``log``."""
    start = time.time()
    with open(osp.join(out, log), 'w') as f:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=f,
                              stderr=subprocess.STDOUT, timeout=timeout,
                              env=dict(os.environ, **(env or {})))
    print(f'{name}: exit {proc.returncode} in {time.time() - start:.0f} s '
          f'(log: {osp.join(out, log)})', flush=True)
    return dict(name=name, returncode=proc.returncode,
                seconds=round(time.time() - start, 1))


def tail_line(path: str, marker: str) -> str:
    with open(path) as f:
        lines = [line.strip() for line in f if marker in line]
    return lines[-1] if lines else '(no summary line)'


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch
    os.makedirs(args.out, exist_ok=True)
    device = 'cpu' if args.cpu_smoke else 'cuda'
    if device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('no CUDA device: run this on the GPU machine, or '
                         'use --cpu-smoke to check the script on the CPU.')
    card = torch.cuda.get_device_name(0) if device == 'cuda' else \
        f'CPU {platform.machine()}'
    env_line = (f'{card}; torch {torch.__version__}, CUDA '
                f'{torch.version.cuda}, cuDNN '
                f'{torch.backends.cudnn.version()}, Python '
                f'{platform.python_version()}')
    print(env_line, flush=True)
    steps, summary = [], [f'# Device check: {card}', '', env_line, '']

    if 'tests' not in args.skip:
        steps.append(step(
            'pytest -m cuda',
            [sys.executable, '-m', 'pytest', '-m', 'cuda', '-q', '-rs',
             'tests/test_cuda', '--junitxml',
             osp.join(args.out, 'cuda_tests.xml')], args.out,
            'cuda_tests.log', env=dict(MMADVISOR_DEVICE_OUT=args.out)))
        summary += ['## CUDA tests', '',
                    '`' + tail_line(osp.join(args.out, 'cuda_tests.log'),
                                    ' in ') + '`', '']
        figures = osp.join(args.out, 'cuda_figures.json')
        if osp.exists(figures):
            summary += ['```json', open(figures).read().strip(), '```', '']

    if 'benchmark' not in args.skip:
        setups = ['lenet5'] if args.cpu_smoke else ['resnet32', 'resnet50']
        iters = ['--iters', '1', '--warmup', '0'] if args.cpu_smoke else \
            ['--iters', '5', '--warmup', '2']
        steps.append(step(
            'benchmark_meta_step',
            [sys.executable, 'tools/analysis_tools/benchmark_meta_step.py',
             '--setups', *setups, '--methods',
             *(BENCH_METHODS[:2] if args.cpu_smoke else BENCH_METHODS), *iters,
             '--device', device, '--threads', str(os.cpu_count()),
             '--markdown', osp.join(args.out, 'benchmark.md'), '--json',
             osp.join(args.out, 'benchmark.json')], args.out,
            'benchmark.log'))
        if osp.exists(osp.join(args.out, 'benchmark.md')):
            summary += ['## One training iteration', '',
                        open(osp.join(args.out, 'benchmark.md')).read(), '']

    if 'grid' not in args.skip:
        rows = []
        options = {'train_cfg.max_epochs': 1} if args.cpu_smoke else None
        for key in args.grid_runs:
            run = parse_key(key)
            start = time.time()
            try:
                rows.append(bench.train_one(run, osp.join(args.out, 'grid'),
                                            options))
                status = 0
            except Exception as exc:  # report, go on with the next step
                print(f'{key} FAILED: {exc!r}', flush=True)
                status = 1
            steps.append(dict(name=f'grid {key}', returncode=status,
                              seconds=round(time.time() - start, 1)))
        with open(osp.join(args.out, 'grid.jsonl'), 'w') as f:
            f.writelines(json.dumps(r) + '\n' for r in rows)
        summary += ['## Fashion-MNIST benchmark runs on the device', '',
                    '| run | test top-1 | val top-1 | epochs | wall (s) | '
                    'device |', '|---|---:|---:|---:|---:|---|']
        summary += [f"| {r['key']} | {r['top1']:.2f} | {r['val_top1']:.2f} "
                    f"| {r['epochs']} | {r['wall_s']:.0f} | {r['device']} |"
                    for r in rows]
        summary.append('')

    summary += ['## Steps', '', '| step | exit | seconds |', '|---|---:|---:|']
    summary += [f"| {s['name']} | {s['returncode']} | {s['seconds']} |"
                for s in steps]
    with open(osp.join(args.out, 'summary.md'), 'w') as f:
        f.write('\n'.join(summary) + '\n')
    print(f"summary: {osp.join(args.out, 'summary.md')}")
    return int(any(s['returncode'] for s in steps))


if __name__ == '__main__':
    sys.exit(main())
