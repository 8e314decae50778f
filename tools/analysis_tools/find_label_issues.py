"""Rank training samples by how likely their label is wrong.

Uses one record of :class:`AdviceRecordHook` (``WORK_DIR/advice``) and
writes to ``WORK_DIR/advice/label_issues`` (or ``--out-dir``):

- ``label_issues_epoch{E}.csv``: every recorded sample, most suspicious
  first: ``rank, sample_idx, img_path, given_label, suggested_label``
  (argmax of the classifier's prediction) ``, score`` and, when known,
  ``noise_flag`` and ``clean_label``;
- ``label_issues_epoch{E}.png``: the top ``--top-k`` suspects with the
  given and the suggested label (at most 64 drawn). Images come from
  ``img_path`` when the record has it; otherwise (in-memory datasets such
  as Digits) the training dataset is rebuilt from the config MMEngine
  dumped into the work dir and ``get_data_info(idx)['img']`` is drawn;
- with noise flags (a LabelNoiseDataset): ``evaluation_epoch{E}.md`` /
  ``.json``: AUROC and precision@K (K = ``--top-k``) of every candidate
  score of :func:`mmadvisor.analysis.metrics.label_issue_scores`, the plain
  pre-loss, and cleanlab's ``get_label_quality_scores`` (self-confidence
  and normalized margin) and ``find_label_issues`` on the same predicted
  probabilities (cleanlab is needed only here: requirements/analysis.txt).

The scores are computed from in-sample predictions recorded during
training, not the out-of-sample (cross-validated) probabilities cleanlab
recommends; every method in the table sees the same probabilities.
``--score`` picks the ranking (default: ``combined``, the mean of the
rank-normalised classifier margin and the advisor's MES weight on the
class the classifier prefers; see docs/advice_records.md for how it
compared).

Example::

    python tools/analysis_tools/find_label_issues.py work_dirs/run --top-k 50
"""
import argparse
import csv
import glob
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmadvisor.analysis.metrics import (auroc, cleanlab_scores,  # noqa: E402
                                        default_score_name,
                                        label_issue_scores, precision_at_k)
from mmadvisor.analysis.records import load_advice  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Find likely annotation errors from recorded advice.')
    parser.add_argument('work_dir', help='the training work dir')
    parser.add_argument('--epoch', type=int,
                        help='recorded epoch (default: the last)')
    parser.add_argument('--top-k', type=int, default=50,
                        help='suspects drawn and K of precision@K '
                        '(default 50)')
    parser.add_argument('--score', help='which score ranks the CSV '
                        '(default: combined; see --help text)')
    parser.add_argument('--config', help='config to rebuild the dataset for '
                        'the image grid (default: the .py in WORK_DIR)')
    parser.add_argument('--no-images', action='store_true',
                        help='draw the grid without loading images')
    parser.add_argument('--out-dir', help='default WORK_DIR/advice/'
                        'label_issues')
    return parser.parse_args(argv)


def load_images(rec, rows, args):
    """Images of ``rows`` of the record, or None each when unavailable."""
    if args.no_images:
        return [None] * len(rows)
    if 'img_path' in rec:
        from PIL import Image
        out = []
        for r in rows:
            try:
                out.append(np.asarray(Image.open(str(rec['img_path'][r]))))
            except OSError as err:
                print(f'cannot read {rec["img_path"][r]}: {err}')
                out.append(None)
        return out
    config = args.config or rec.meta.get('config')
    if config and not osp.isabs(config) and not osp.exists(config):
        config = osp.join(args.work_dir, config)
    if not config or not osp.exists(config):
        found = sorted(glob.glob(osp.join(args.work_dir, '*.py')))
        config = found[0] if found else None
    if config is None:
        print('no img_path in the record and no config in the work dir: '
              'drawing the grid without images.')
        return [None] * len(rows)
    try:
        from mmengine.config import Config
        from mmengine.registry import init_default_scope

        import mmadvisor  # noqa: F401
        from mmpretrain.registry import DATASETS
        init_default_scope('mmpretrain')
        cfg = Config.fromfile(config)
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        return [dataset.get_data_info(int(rec['sample_idx'][r])).get('img')
                for r in rows]
    except Exception as err:  # the data may be gone; the ranking stays
        print(f'could not rebuild the training set from {config}: {err}; '
              'drawing the grid without images.')
        return [None] * len(rows)


def draw_grid(rec, rows, scores, path, args):
    names = rec.class_names()
    rows = rows[:64]
    images = load_images(rec, rows, args)
    cols = min(8, len(rows))
    nrows = int(np.ceil(len(rows) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(1.8 * cols, 2.4 * nrows),
                             squeeze=False)
    suggested = rec['pred_score'].argmax(axis=1)
    for ax in axes.flat:
        ax.axis('off')
    for ax, r, img in zip(axes.flat, rows, images):
        if img is not None:
            ax.imshow(img, cmap='gray' if img.ndim == 2 else None)
        else:
            ax.text(0.5, 0.5, 'no image', ha='center', va='center')
        title = (f'#{int(rec["sample_idx"][r])} s={scores[r]:.2f}\n'
                 f'given {names[rec["gt_label"][r]]} -> '
                 f'{names[suggested[r]]}')
        colour = 'black'
        if rec.has_noise_flags:
            colour = 'tab:red' if rec['noise_flag'][r] else 'tab:green'
            title += '\n(noisy)' if rec['noise_flag'][r] else '\n(clean)'
        ax.set_title(title, fontsize=7, color=colour)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def evaluate(rec, scores, top_k):
    """AUROC and precision@K of every score, plus cleanlab's filter."""
    flags = rec['noise_flag']
    try:
        clean_scores, mask = cleanlab_scores(rec['gt_label'],
                                             rec['pred_score'])
    except ModuleNotFoundError as err:
        if not (err.name or '').startswith('cleanlab'):
            raise
        print('find_label_issues: cleanlab is not installed, so the '
              'evaluation leaves out its baseline rows (self-confidence, '
              'normalized margin, find_label_issues); to compare with it: '
              'pip install -r requirements/analysis.txt')
        clean_scores, mask = {}, None
    table = []
    for name, score in {**scores, **clean_scores}.items():
        table.append(dict(method=name, auroc=auroc(score, flags),
                          precision_at_k=precision_at_k(score, flags,
                                                        top_k)))
    if mask is not None:
        table.append(dict(
            method='cleanlab_find_label_issues (set)',
            auroc=auroc(mask.astype(float), flags),
            precision_at_k=float(flags[mask].mean()) if mask.any() else 0.0,
            flagged=int(mask.sum()),
            recall=float(mask[flags].mean())))
    return table


def markdown(table, top_k, rec):
    flags = rec['noise_flag']
    lines = [
        f'Epoch {rec.epoch}: {len(flags)} samples, {int(flags.sum())} '
        f'noisy ({flags.mean():.1%}); K = {top_k}.', '',
        f'| score | AUROC | precision@{top_k} |', '|---|---|---|'
    ]
    for row in sorted(table, key=lambda r: -r['auroc']):
        extra = ''
        if 'flagged' in row:
            extra = (f' (precision of the {row["flagged"]} flagged; recall '
                     f'{row["recall"]:.3f})')
        lines.append(f'| {row["method"]} | {row["auroc"]:.3f} | '
                     f'{row["precision_at_k"]:.3f}{extra} |')
    return '\n'.join(lines) + '\n'


def main(argv=None):
    args = parse_args(argv)
    try:
        rec = load_advice(args.work_dir, args.epoch)
        if args.top_k < 1:
            raise ValueError(f'top-k={args.top_k} must be positive.')
        scores = label_issue_scores(rec.arrays)
        name = args.score or default_score_name(scores)
        if name not in scores:
            raise ValueError(f'score={name!r} is not available for this '
                             f'record; choose from {sorted(scores)}.')
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'find_label_issues: {err}')
    out_dir = args.out_dir or osp.join(args.work_dir, 'advice',
                                       'label_issues')
    os.makedirs(out_dir, exist_ok=True)
    stem = osp.join(out_dir, f'label_issues_epoch{rec.epoch}')
    score = scores[name]
    order = np.argsort(-score, kind='stable')
    suggested = rec['pred_score'].argmax(axis=1)
    header = ['rank', 'sample_idx', 'img_path', 'given_label',
              'suggested_label', 'score']
    known = rec.has_noise_flags
    if known:
        header += ['noise_flag', 'clean_label']
    with open(stem + '.csv', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for rank, r in enumerate(order, 1):
            row = [rank, int(rec['sample_idx'][r]),
                   str(rec['img_path'][r]) if 'img_path' in rec else '',
                   int(rec['gt_label'][r]), int(suggested[r]),
                   f'{score[r]:.6g}']
            if known:
                row += [int(rec['noise_flag'][r]), int(rec['clean_label'][r])]
            writer.writerow(row)
    draw_grid(rec, order[:args.top_k], score, stem + '.png', args)
    print(f'ranked {len(order)} samples by {name!r} -> {stem}.csv, '
          f'{stem}.png')
    if not known:
        print('no noise flags in the record (no LabelNoiseDataset): the '
              'AUROC / precision@K evaluation needs them; skipped.')
        return
    table = evaluate(rec, scores, args.top_k)
    text = markdown(table, args.top_k, rec)
    eval_stem = osp.join(out_dir, f'evaluation_epoch{rec.epoch}')
    with open(eval_stem + '.md', 'w') as f:
        f.write(text)
    with open(eval_stem + '.json', 'w') as f:
        json.dump(dict(epoch=rec.epoch, top_k=args.top_k, ranking=name,
                       table=table), f, indent=2)
    print(text)


if __name__ == '__main__':
    main()
