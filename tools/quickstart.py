"""The quickstart: the same model on noisy digits, without and with advisor.

Trains ``configs/quickstart/resnet20-ce_1xb64_digits-flip0.6.py`` (plain
cross-entropy) and ``configs/quickstart/resnet20-mfrw-mes_1xb64_digits-
flip0.6.py`` (MFRW-MES advisor) side by side, one process and one thread
each, evaluates each final checkpoint on the digits test split with
``tools/test.py`` and prints the two test accuracies and wall times::

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--seed 0]
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

#: The repository root: the tools and configs the quickstart runs.
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RUNS = {
    'cross-entropy': 'configs/quickstart/resnet20-ce_1xb64_digits-flip0.6.py',
    'MFRW-MES advisor':
    'configs/quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6.py',
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--seed', type=int, default=0,
                        help='randomness.seed of both runs')
    parser.add_argument('--sequential', action='store_true',
                        help='run one after the other instead of in parallel')
    parser.add_argument('--update-readme', action='store_true',
                        help="write the table into README.md's quickstart "
                        'section')
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    start = time.time()
    procs = {}
    for name, config in RUNS.items():
        work_dir = osp.join(args.work_dir, osp.basename(config)[:-3])
        os.makedirs(work_dir, exist_ok=True)
        log = open(osp.join(work_dir, 'quickstart_train.log'), 'w')
        cmd = [sys.executable, 'tools/train.py', config, '--work-dir',
               work_dir, '--cfg-options', f'randomness.seed={args.seed}']
        print(f'[{name}] {" ".join(cmd[1:])}  (log: {log.name})', flush=True)
        procs[name] = (subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                        stderr=subprocess.STDOUT),
                       work_dir, config, time.time())
        if args.sequential:
            procs[name][0].wait()
    rows = []
    for name, (proc, work_dir, config, t0) in procs.items():
        if proc.wait() != 0:
            sys.exit(f'[{name}] training failed: see '
                     f'{osp.join(work_dir, "quickstart_train.log")}')
        train_time = time.time() - t0
        with open(osp.join(ROOT, work_dir, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
        out = osp.join(work_dir, 'test_metrics.json')
        subprocess.run(
            [sys.executable, 'tools/test.py', config, checkpoint,
             '--work-dir', work_dir, '--out', out],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        with open(osp.join(ROOT, out)) as f:
            accuracy = json.load(f)['accuracy/top1']
        rows.append((name, accuracy, train_time, checkpoint))
    lines = [
        'Digits, Flip noise p=0.6, meta set 10 images per class, seed '
        f'{args.seed}: final-epoch test accuracy', '',
        '| method | test top-1 (%) | train time (s) |', '|---|---|---|'
    ] + [f'| {name} | {acc:.2f} | {secs:.0f} |' for name, acc, secs, _ in rows]
    lines += ['', f'total wall time: {time.time() - start:.0f} s '
              f'({os.cpu_count()} CPU cores, two runs in parallel)'
              if not args.sequential else
              f'total wall time: {time.time() - start:.0f} s (sequential)']
    print('\n' + '\n'.join(lines))
    for name, _, _, ckpt in rows:
        print(f'[{name}] checkpoint: {ckpt}')
    if args.update_readme:
        from mmadvisor.utils.readme import update_marked_section
        update_marked_section(
            osp.join(ROOT, 'README.md'), 'quickstart-table',
            '`python tools/quickstart.py`\n\n' + '\n'.join(lines))


if __name__ == '__main__':
    main()
