"""The quickstart advisor's meta learning rate, chosen on a validation split.

The quickstart trains 570 iterations, the thesis' advisors ~40k, so its
meta lr is not the thesis' 1e-4. Each candidate trains
``configs/quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6-val20.py`` (the
quickstart with 20 clean images per class of the training split held out
for validation) for each seed; the candidate with the best mean final
validation top-1 is chosen, and the test top-1 (read once per run, after
the last epoch) is reported for every candidate, the chosen one marked.
"""
import json
import os
import os.path as osp
import statistics
from typing import Dict, List, Sequence

from . import ROOT
from .runs import provenance, train_and_test

CONFIG = ('configs/quickstart/'
          'resnet20-mfrw-mes_1xb64_digits-flip0.6-val20.py')
CANDIDATES = (1e-4, 1e-3, 3e-3, 1e-2)


def run_key(lr: float, seed: int) -> str:
    return f'meta-lr{lr:g}/seed{seed}'


def train_candidate(lr: float, seed: int, out_dir: str) -> dict:
    """One candidate at one seed; its result row."""
    from mmengine.config import Config

    def build():
        cfg = Config.fromfile(osp.join(ROOT, CONFIG))
        cfg.optim_wrapper.meta_optimizer.lr = lr
        cfg.randomness = dict(seed=seed, deterministic=False)
        return cfg

    key = run_key(lr, seed)
    done = train_and_test(build, osp.join(out_dir, 'runs', key),
                          f'quickstart-meta-lr:{key}')
    return dict(key=key, lr=lr, seed=seed,
                top1=round(float(done.metrics['accuracy/top1']), 2),
                val_top1=done.curves['val_top1'][-1], curves=done.curves,
                wall_s=done.wall_s, config=CONFIG, **provenance(ROOT))


def run_all(out_dir: str, seeds: Sequence[int],
            candidates: Sequence[float] = CANDIDATES, log=print) -> List[dict]:
    """Every candidate at every seed not yet in ``results.jsonl``."""
    os.makedirs(out_dir, exist_ok=True)
    path = osp.join(out_dir, 'results.jsonl')
    rows = load(path)
    for seed in seeds:
        for lr in candidates:
            if run_key(lr, seed) in rows:
                continue
            row = train_candidate(lr, seed, out_dir)
            rows[row['key']] = row
            with open(path, 'a') as f:
                f.write(json.dumps(row) + '\n')
            log(f"{row['key']}: val {row['val_top1']:.2f}, test "
                f"{row['top1']:.2f} ({row['wall_s']} s)")
    return list(rows.values())


def load(path: str) -> Dict[str, dict]:
    rows = {}
    if osp.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    rows[row['key']] = row
    return rows


def choose(rows: List[dict]) -> float:
    """The candidate with the best mean final validation top-1 over the
    seeds it ran (the test top-1 plays no part; ties: the smaller lr)."""
    by_lr: Dict[float, List[float]] = {}
    for row in rows:
        by_lr.setdefault(row['lr'], []).append(row['val_top1'])
    return max(sorted(by_lr), key=lambda lr: statistics.mean(by_lr[lr]))


def table(rows: List[dict]) -> str:
    chosen = choose(rows)
    seeds = sorted({r['seed'] for r in rows})
    lines = ['| meta lr | validation top-1 | test top-1 | runs |',
             '|---|---:|---:|---:|']
    for lr in sorted({r['lr'] for r in rows}):
        cell = [r for r in rows if r['lr'] == lr]
        vals = [r['val_top1'] for r in cell]
        tests = [r['top1'] for r in cell]

        def fmt(values):
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            return f'{statistics.mean(values):.2f} ± {std:.2f}'

        name = f'**{lr:g} (chosen)**' if lr == chosen else f'{lr:g}'
        lines.append(f'| {name} | {fmt(vals)} | {fmt(tests)} | '
                     f'{len(cell)} |')
    return (f'Seeds {seeds}; mean ± sample std; chosen on the validation '
            'split (20 clean images per class of the training split).\n\n' +
            '\n'.join(lines))
