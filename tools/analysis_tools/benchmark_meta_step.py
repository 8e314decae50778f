"""Time and memory of one training iteration: cross-entropy vs advisors.

For each setup (model, batch, input size) and each method, a fresh process
builds the model, runs ``--warmup`` then ``--iters`` training iterations on
synthetic data (random images and labels, a meta batch of the same size),
and reports the median iteration time (per cycle of ``advisor_interval``
iterations for the ``-k4`` options) and the peak memory (CUDA: peak
allocated; CPU: peak resident set size of the process). The table gives
the ratio to cross-entropy and names the device and the thread count::

    python tools/analysis_tools/benchmark_meta_step.py            # defaults
    python tools/analysis_tools/benchmark_meta_step.py --setups resnet32 \
        --iters 10 --markdown results.md
    python tools/analysis_tools/benchmark_meta_step.py --setups resnet32 \
        --profile mfrw-mes     # torch.profiler: where the time goes

Methods: ``ce``, ``mw-net``, ``mfrw``, ``mes``, ``mfrw-mes`` (the thesis'
exact algorithm, with the default forward-mode meta-gradient),
``mfrw-mes-dbl`` (the same, differentiating through the virtual step's
graph: ``meta_gradient='double_backward'``) and the fast options of
``mfrw-mes``: ``fast-last`` (the
virtual step through the last stage + fc only), ``fast-k4`` (advisor
updated every 4 iterations), ``fast-last-k4`` (both).
"""
import argparse
import json
import os
import os.path as osp
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

SETUPS = {
    # name: (backbone, feature size, batch, image size, classes, last stage)
    'resnet32': (dict(type='CifarResNet', depth=32), 64, 128, 32, 10,
                 'backbone.layer3'),
    'resnet50': (dict(type='ResNet', depth=50), 2048, 32, 224, 1000,
                 'backbone.layer4'),
}
METHODS = ('ce', 'mw-net', 'mfrw', 'mes', 'mfrw-mes', 'mfrw-mes-dbl',
           'fast-last', 'fast-k4', 'fast-last-k4')


def build(setup: str, method: str, device: str):
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import OptimWrapper
    from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmpretrain.structures import DataSample

    import mmadvisor  # noqa: F401  (registers the components)
    from mmadvisor.datasets.samplers import MetaSampler
    backbone, dims, batch, size, classes, last = SETUPS[setup]
    head = dict(num_classes=classes, in_channels=dims)
    if method == 'ce':
        head.update(type='LinearClsHead')
    elif method == 'mw-net':
        head.update(type='AdvisorHead', advisor=dict(type='MWNet'),
                    loss=dict(type='CrossEntropyLoss'))
    else:
        outputs = {'mfrw': ('mfrw', ), 'mes': ('mes', )}.get(
            method, ('mfrw', 'mes'))
        head.update(type='AdvisorHead',
                    advisor=dict(type='Advisor', outputs=outputs))
    model = MODELS.build(
        dict(type='ImageClassifier' if method == 'ce' else
             'AdvisorClassifier',
             data_preprocessor=dict(type='ClsDataPreprocessor',
                                    num_classes=classes),
             backbone=backbone, neck=dict(type='GlobalAveragePooling'),
             head=head)).to(device).train()

    def make_batch(n):
        return pseudo_collate([
            dict(inputs=torch.randint(0, 256, (3, size, size),
                                      dtype=torch.uint8),
                 data_samples=DataSample().set_gt_label(i % classes))
            for i in range(n)
        ])

    optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
    if method == 'ce':
        wrapper = OptimWrapper(
            torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                            weight_decay=5e-4))
    else:

        class Synthetic(torch.utils.data.Dataset):

            def __len__(self):  # every class at least once
                return max(batch * 4, classes)

            def get_gt_labels(self):
                return [i % classes for i in range(len(self))]

            def __getitem__(self, i):
                return dict(
                    inputs=torch.randint(0, 256, (3, size, size),
                                         dtype=torch.uint8),
                    data_samples=DataSample().set_gt_label(i % classes))

        meta_set = Synthetic()
        loader = torch.utils.data.DataLoader(
            meta_set, batch_size=batch, collate_fn=pseudo_collate,
            sampler=MetaSampler(meta_set, seed=0))
        extra = {}
        if method == 'mfrw-mes-dbl':
            extra['meta_gradient'] = 'double_backward'
        if method in ('fast-last', 'fast-last-k4'):
            extra['virtual_params'] = [last, 'head.fc']
        if method in ('fast-k4', 'fast-last-k4'):
            extra['advisor_interval'] = 4
        wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(type='MetaOptimWrapperConstructor',
                 optim_wrapper_cfg=dict(
                     type='MetaOptimWrapper', optimizer=optimizer,
                     meta_optimizer=dict(type='Adam', lr=1e-4),
                     meta_dataloader=loader, **extra)))(model)
    return model, wrapper, make_batch(batch)


def measure(args) -> dict:
    """Run in a fresh process: time one method on one setup."""
    import torch
    torch.set_num_threads(args.threads)
    device = args.device
    model, wrapper, batch = build(args.setup, args.method, device)

    def step():
        model.train_step(batch, wrapper)
        if device.startswith('cuda'):
            torch.cuda.synchronize()

    for _ in range(args.warmup):
        step()
    if device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
    # With advisor_interval=k only every k-th iteration meta-trains: time
    # whole cycles of k iterations and report the mean per iteration (the
    # median over single iterations would pick the cheap ones).
    interval = getattr(wrapper, 'advisor_interval', 1)
    times = []
    for _ in range(args.iters):
        t0 = time.perf_counter()
        for _ in range(interval):
            step()
        times.append((time.perf_counter() - t0) / interval)
    if device.startswith('cuda'):
        peak = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = dict(setup=args.setup, method=args.method,
                  median_s=statistics.median(times), peak_mib=peak,
                  iters=args.iters * interval)
    if args.profile:
        from torch.profiler import ProfilerActivity, profile
        activities = [ProfilerActivity.CPU]
        if device.startswith('cuda'):
            activities.append(ProfilerActivity.CUDA)
        with profile(activities=activities) as prof:
            for _ in range(3):
                step()
        key = 'self_cuda_time_total' if device.startswith(
            'cuda') else 'self_cpu_time_total'
        result['profile'] = prof.key_averages().table(sort_by=key,
                                                      row_limit=15)
    return result


def device_name(device: str) -> str:
    if device.startswith('cuda'):
        import torch
        return torch.cuda.get_device_name(device)
    return f'CPU {platform.processor() or platform.machine()}'


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 1)[1])
    parser.add_argument('--setups', nargs='+', default=list(SETUPS),
                        choices=list(SETUPS))
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=list(METHODS))
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--repeats', type=int, default=1,
        help='sweep all methods this many times (interleaved, each in a '
        'fresh process) and keep each method\'s fastest median: timings on '
        'a shared machine are noisy')
    parser.add_argument('--threads', type=int,
                        default=int(os.environ.get('OMP_NUM_THREADS',
                                                   os.cpu_count())))
    parser.add_argument('--device', default=None,
                        help='cpu or cuda (default: cuda if available)')
    parser.add_argument('--profile', choices=list(METHODS),
                        help='print a torch.profiler table for this method')
    parser.add_argument('--markdown', help='also write the table here')
    parser.add_argument('--json', help='also write the raw results here')
    parser.add_argument(
        '--update-readme', action='store_true',
        help='replace the table between the benchmark-table markers of '
        'README.md (with the command that made it)')
    # internal: one measurement in a fresh process
    parser.add_argument('--setup', help=argparse.SUPPRESS)
    parser.add_argument('--method', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.device is None:
        import torch
        args.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.setup:  # child process
        print('RESULT ' + json.dumps(measure(args)))
        return

    results = []
    sweeps = [(r, setup, method) for r in range(args.repeats)
              for setup in args.setups
              for method in list(args.methods) + (
                  [args.profile] if args.profile and args.profile not in
                  args.methods and r == 0 else [])]
    for repeat, setup, method in sweeps:
        cmd = [sys.executable, __file__, '--setup', setup, '--method',
               method, '--iters', str(args.iters), '--warmup',
               str(args.warmup), '--threads', str(args.threads),
               '--device', args.device]
        if args.profile == method and repeat == 0:
            cmd += ['--profile', method]
        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
                   PYTHONWARNINGS='ignore')
        proc = subprocess.run(cmd, env=env, capture_output=True,
                              text=True)
        lines = [l for l in proc.stdout.splitlines()
                 if l.startswith('RESULT ')]
        if proc.returncode != 0 or not lines:
            sys.exit(f'{setup}/{method} failed:\n{proc.stderr[-3000:]}')
        result = json.loads(lines[-1][len('RESULT '):])
        best = next((r for r in results if r['setup'] == setup
                     and r['method'] == method), None)
        if best is None:
            results.append(result)
        elif result['median_s'] < best['median_s']:
            best.update(result)
        print(f'{setup:9s} {method:13s} {result["median_s"]*1e3:9.1f} ms'
              f' {result["peak_mib"]:9.0f} MiB', flush=True)
        if 'profile' in result:
            print(result['profile'])
    header = (f'Device: {device_name(args.device)}, {args.threads} '
              f'thread(s); fastest of {args.repeats} sweep(s) of the median '
              f'over {args.iters} timings after '
              f'{args.warmup} warm-up iterations (with advisor_interval=k '
              'a timing is the mean of a cycle of k iterations); '
              'synthetic data.\n\n'
              '| setup | method | ms / iteration | x cross-entropy | '
              'peak memory (MiB) |\n|---|---|---|---|---|\n')
    rows = []
    for setup in args.setups:
        base = next((r for r in results
                     if r['setup'] == setup and r['method'] == 'ce'), None)
        for r in results:
            if r['setup'] != setup:
                continue
            ratio = f'{r["median_s"] / base["median_s"]:.2f}' if base else '-'
            b, _, size = SETUPS[setup][2], None, SETUPS[setup][3]
            rows.append(f'| {setup} b{b} {size}px | {r["method"]} | '
                        f'{r["median_s"]*1e3:.1f} | {ratio} | '
                        f'{r["peak_mib"]:.0f} |')
    table = header + '\n'.join(rows) + '\n'
    print('\n' + table)
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(table)
    if args.update_readme:
        command = 'python tools/analysis_tools/benchmark_meta_step.py ' + \
            ' '.join(a for a in sys.argv[1:] if a != '--update-readme')
        from mmadvisor.utils.readme import update_marked_section
        update_marked_section(
            osp.join(ROOT, 'README.md'), 'benchmark-table',
            f'`{command.strip()}`\n\n{table}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump([{k: v for k, v in r.items() if k != 'profile'}
                       for r in results], f, indent=1)


if __name__ == '__main__':
    main()
