"""Time, FLOPs and memory of one training iteration: CE vs advisors.

For each setup (model, batch, input size) and each method, a fresh process
builds the model on synthetic data, runs ``--warmup`` then ``--iters``
iterations, and reports the median iteration time, the FLOPs of an
iteration (torch's FlopCounterMode), both as ratios to cross-entropy, the
FLOP floor of the exact algorithm and the peak memory
(:mod:`benchmarks.step_cost` has the definitions and the floor model; the
harness is the repository's, not installed: run this tool from a clone)::

    python tools/analysis_tools/benchmark_meta_step.py            # defaults
    python tools/analysis_tools/benchmark_meta_step.py --setups resnet32 \\
        --iters 10 --markdown results.md
    python tools/analysis_tools/benchmark_meta_step.py --setups lenet5 \\
        --profile mfrw-mes     # torch.profiler: where the time goes

Methods: ``ce``, ``mw-net``, ``mfrw``, ``mes``, ``mfrw-mes`` (the thesis'
exact algorithm, forward-mode meta-gradient), ``mfrw-mes-dbl`` (the same
through the virtual step's graph) and cheaper variants of MFRW-MES:
``head-only`` (virtual step of the fc only), ``fast-last`` (last stage +
fc), ``fast-k2`` / ``fast-k4`` (advisor updated every 2 / 4 iterations),
``fast-last-k4``, and ``fast``, the fast preset
(``configs/_base_/methods/mfrw-mes-fast.py``: fc only, every 2 iterations);
``low-memory``, the exact step with ``MetaOptimWrapper(low_memory=True)``.

Working memory (``benchmarks/step_cost.py``, ``working_memory``): on CPU the
growth of the process' peak resident memory above the built model (the
process runs with glibc's mmap threshold fixed, so the peak follows the live
tensors rather than heap fragmentation) and, deterministic, the peak of the
live tensor bytes of an iteration (torch's profiler); on CUDA
``max_memory_allocated`` minus what the model and optimizers hold.
"""
import argparse
import json
import os
import os.path as osp
import platform
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# The harness (benchmarks/) is the checkout's, not the installed package's:
# put the repository root on the path to import it.
sys.path.insert(0, ROOT)
from benchmarks import step_cost  # noqa: E402
from benchmarks.readme import update_marked_section  # noqa: E402


def device_name(device: str) -> str:
    if device.startswith('cuda'):
        import torch
        return torch.cuda.get_device_name(device)
    return f'CPU {platform.processor() or platform.machine()}'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 1)[1])
    parser.add_argument('--setups', nargs='+', default=list(step_cost.SETUPS),
                        choices=list(step_cost.SETUPS))
    parser.add_argument('--methods', nargs='+',
                        default=list(step_cost.METHODS),
                        choices=list(step_cost.METHODS))
    parser.add_argument('--meta-batch', type=int, default=None,
                        help='meta batch size (default: the setup\'s)')
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
    parser.add_argument('--no-flops', action='store_true',
                        help='skip counting FLOPs')
    parser.add_argument('--no-memory', action='store_true',
                        help='skip the working-memory processes')
    parser.add_argument('--profile', choices=list(step_cost.METHODS),
                        help='print a torch.profiler table for this method')
    parser.add_argument('--markdown', help='also write the table here')
    parser.add_argument('--json', help='also write the raw results here')
    parser.add_argument(
        '--update-readme', action='store_true',
        help='replace the table between the --section markers of README.md '
        '(with the command that made it)')
    parser.add_argument(
        '--section', default='benchmark-table',
        help='the README section --update-readme writes (its markers: '
        '<!-- SECTION:start --> ... <!-- SECTION:end -->)')
    # internal: one measurement in a fresh process
    parser.add_argument('--setup', help=argparse.SUPPRESS)
    parser.add_argument('--method', help=argparse.SUPPRESS)
    parser.add_argument('--memory', action='store_true',
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child(args) -> None:
    import torch
    torch.set_num_threads(args.threads)
    if args.memory:
        print('RESULT ' + json.dumps(step_cost.working_memory(
            args.setup, args.method, args.device,
            meta_batch=args.meta_batch)))
        return
    result = step_cost.measure(args.setup, args.method, args.device,
                               args.iters, args.warmup, args.meta_batch,
                               flops=not args.no_flops)
    if args.profile:
        from torch.profiler import ProfilerActivity, profile
        model, wrapper, batch = step_cost.build(args.setup, args.method,
                                                args.device, args.meta_batch)
        activities = [ProfilerActivity.CPU]
        if args.device.startswith('cuda'):
            activities.append(ProfilerActivity.CUDA)
        with profile(activities=activities) as prof:
            for _ in range(3):
                model.train_step(batch, wrapper)
        key = 'self_cuda_time_total' if args.device.startswith(
            'cuda') else 'self_cpu_time_total'
        result['profile'] = prof.key_averages().table(sort_by=key,
                                                      row_limit=20)
    print('RESULT ' + json.dumps(result))


def _ratio(r, base, key, digits=2) -> str:
    if not base or r.get(key) is None or not base.get(key):
        return '-'
    return f'{r[key] / base[key]:.{digits}f}'


def table(results, args) -> str:
    memory = not args.no_memory
    live = memory and not args.device.startswith('cuda')
    header = (
        f'Device: {device_name(args.device)}, {args.threads} thread(s); '
        f'fastest of {args.repeats} sweep(s) of the median over '
        f'{args.iters} timings after {args.warmup} warm-up iterations (with '
        'advisor_interval=k a timing is the mean of a cycle of k '
        'iterations); FLOPs counted by torch.utils.flop_counter; synthetic '
        'data.' + (
            ' Working memory above the built model: '
            + ('growth of the peak resident memory in a fresh process '
               '(glibc mmap threshold 64 KiB), and the peak of the live '
               'tensor bytes (torch profiler).' if live else
               'max_memory_allocated minus the model and optimizer state.')
            if memory else '') +
        '\n\n| setup | method | ms / iteration | x CE time | GFLOP / '
        'iteration | x CE FLOPs |' +
        (' working memory (MiB) | x CE memory |' if memory else '') +
        (' x CE live tensors |' if live else '') + '\n'
        '|---|---|---:|---:|---:|---:|' + ('---:|---:|' if memory else '') +
        ('---:|' if live else '') + '\n')
    rows = []
    for setup in args.setups:
        base = next((r for r in results
                     if r['setup'] == setup and r['method'] == 'ce'), None)
        s = step_cost.SETUPS[setup]
        for r in (r for r in results if r['setup'] == setup):
            gflop = '-' if r['gflop'] is None else f"{r['gflop']:.2f}"
            row = (f"| {setup} b{s.batch} (meta {r['meta_batch']}) "
                   f"{s.size}px | {r['method']} | "
                   f"{r['median_s'] * 1e3:.1f} | "
                   f"{_ratio(r, base, 'median_s')} | {gflop} | "
                   f"{_ratio(r, base, 'gflop')} |")
            if memory:
                row += (f" {r['work_mib']:.0f} | "
                        f"{_ratio(r, base, 'work_mib')} |")
            if live:
                row += f" {_ratio(r, base, 'live_mib')} |"
            rows.append(row)
    return header + '\n'.join(rows) + '\n'


def memory_child(cmd, env, setup, method) -> dict:
    """The working memory of ``setup``/``method`` in a process of its own
    (:data:`step_cost.MEMORY_ENV` on CPU)."""
    if '--profile' in cmd:  # the timing process profiles, not this one
        at = cmd.index('--profile')
        cmd = cmd[:at] + cmd[at + 2:]
    proc = subprocess.run(cmd + ['--memory'],
                          env=dict(env, **step_cost.MEMORY_ENV),
                          capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines()
             if line.startswith('RESULT ')]
    if proc.returncode != 0 or not lines:
        sys.exit(f'{setup}/{method} (memory) failed:\n{proc.stderr[-3000:]}')
    return json.loads(lines[-1][len('RESULT '):])


def main(argv=None):
    args = parse_args(argv)
    if args.device is None:
        import torch
        args.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.setup:  # child process
        child(args)
        return
    results = []
    sweeps = [(r, setup, method) for r in range(args.repeats)
              for setup in args.setups
              for method in list(args.methods) + (
                  [args.profile] if args.profile and args.profile not in
                  args.methods and r == 0 else [])]
    for repeat, setup, method in sweeps:
        cmd = [sys.executable, osp.abspath(__file__), '--setup', setup,
               '--method', method, '--iters', str(args.iters), '--warmup',
               str(args.warmup), '--threads', str(args.threads),
               '--device', args.device]
        if args.meta_batch:
            cmd += ['--meta-batch', str(args.meta_batch)]
        if args.no_flops or repeat > 0:
            cmd.append('--no-flops')  # FLOPs are deterministic
        if args.profile == method and repeat == 0:
            cmd += ['--profile', method]
        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
                   PYTHONWARNINGS='ignore')
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        lines = [line for line in proc.stdout.splitlines()
                 if line.startswith('RESULT ')]
        if proc.returncode != 0 or not lines:
            sys.exit(f'{setup}/{method} failed:\n{proc.stderr[-3000:]}')
        result = json.loads(lines[-1][len('RESULT '):])
        if not args.no_memory and repeat == 0:
            result.update(memory_child(cmd, env, setup, method))
        best = next((r for r in results if r['setup'] == setup
                     and r['method'] == method), None)
        if best is None:
            results.append(result)
        elif result['median_s'] < best['median_s']:
            best.update({k: v for k, v in result.items()
                         if k != 'gflop'})
        flops = '' if result['gflop'] is None else \
            f" {result['gflop']:8.2f} GFLOP"
        memory = '' if 'work_mib' not in result else \
            f" {result['work_mib']:9.0f} MiB"
        print(f'{setup:9s} {method:13s} {result["median_s"] * 1e3:9.1f} ms'
              f'{flops}{memory}', flush=True)
        if 'profile' in result:
            print(result['profile'])
    text = table(results, args)
    print('\n' + text)
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(text)
    if args.update_readme:
        command = 'python tools/analysis_tools/benchmark_meta_step.py ' + \
            ' '.join(a for a in (argv if argv is not None else sys.argv[1:])
                     if a != '--update-readme')
        update_marked_section(
            osp.join(ROOT, 'README.md'), args.section,
            f'`{command.strip()}`\n\n{text}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump([{k: v for k, v in r.items() if k != 'profile'}
                       for r in results], f, indent=1)


if __name__ == '__main__':
    main()
