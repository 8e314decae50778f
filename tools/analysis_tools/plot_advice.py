"""Plot what the advisor learned (thesis figures 2.10-2.12, 3.5-3.12).

Reads the records of :class:`AdviceRecordHook` in ``WORK_DIR/advice`` and
writes to ``WORK_DIR/advice/plots`` (or ``--out-dir``):

- ``pca_epoch{E}.png`` / ``.csv``: the first two principal components of
  ``W_f``, clean (pink) vs noisy (light blue) labels (figs. 2.10, 3.8);
  ``pca_epoch{E}.json``: the explained-variance ratios;
- ``tsne_epoch{E}.png`` / ``.csv``: t-SNE of the first ``--tsne-pca-dims``
  PCA components (default 2, as the thesis: "T-SNE of the first two main
  components"), coloured by class, noisy labels marked with x, class
  means labelled (figs. 2.11, 3.9);
- ``wf_heatmap_epoch{E}_class{K}.png`` / ``.csv``: ``W_f`` of the first 50
  examples of class K (rows; black 0, white 1), a pink / light blue strip
  marks clean / noisy labels (figs. 2.12, 3.5, 3.6, 3.10, 3.11). Without
  ``--class-id``: the largest and the smallest class;
- ``mes_vs_eql.png`` / ``.csv``: per recorded epoch, the MAE between the
  class sizes normalized into [0, 1] (``n_k / max n``) and the weights the
  softmax of eq. 3.6 gives the negative classes: ``1 - mean_i s_ik`` for
  MES, ``1 - T_lambda(f_k)`` for Equalization Loss at two thresholds
  (figs. 3.7, 3.12). The thesis does not give the lambdas of its "two
  functions"; we draw lambda = 1/C (every class rarer than uniform is a
  tail class) and lambda = 1/(2C) (only classes under half the uniform
  frequency), change them with ``--eql-lambdas``. MES weights enter the
  comparison as ``1 - s`` because ``s_k = 1`` *removes* class k from the
  denominator, the role ``T_lambda = 1`` plays for rare classes in EQL.

Without noise flags (no LabelNoiseDataset) the clean/noisy colours are
left out; without ``W_f`` (no MFRW) the first three are skipped; without
``s`` (no MES) the last one is.

Example::

    python tools/analysis_tools/plot_advice.py work_dirs/quickstart_analysis
"""
import argparse
import csv
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmadvisor.analysis.metrics import (class_size_target,  # noqa: E402
                                        eql_weights, mes_weights, pca,
                                        weights_mae)
from mmadvisor.analysis.records import list_epochs, load_advice  # noqa: E402

CLEAN, NOISY = '#ff69b4', '#5bc0eb'  # the thesis' pink and light blue
NOISE_NOTE = ('no noise flags in the record (no LabelNoiseDataset in the '
              'training set): the clean/noisy colours of the PCA, t-SNE and '
              'heat-map plots need them; drawn without.')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Plot the advisor outputs recorded by AdviceRecordHook.')
    parser.add_argument('work_dir', help='the training work dir')
    parser.add_argument('--epoch', type=int, help='recorded epoch for the '
                        'PCA, t-SNE and heat maps (default: the last)')
    parser.add_argument('--class-id', type=int, action='append',
                        help='class of the W_f heat map (repeatable; '
                        'default: the largest and the smallest class)')
    parser.add_argument('--num-examples', type=int, default=50,
                        help='rows of the heat map (default 50)')
    parser.add_argument('--tsne-pca-dims', type=int, default=2,
                        help='PCA components fed to t-SNE (default 2)')
    parser.add_argument('--max-points', type=int, default=5000,
                        help='subsample PCA / t-SNE points (default 5000)')
    parser.add_argument('--eql-lambdas', type=float, nargs=2,
                        help='the two EQL thresholds (default 1/C, 1/(2C))')
    parser.add_argument('--out-dir', help='default WORK_DIR/advice/plots')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def write_csv(path, header, rows):
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def full_wf(rec):
    """(rows, W_f) of the samples with a full W_f vector."""
    return rec['w_f_rows'], rec['w_f']


def plot_pca(rec, out_dir, args, rng):
    rows, w_f = full_wf(rec)
    if len(rows) > args.max_points:
        rows = np.sort(rng.choice(rows, args.max_points, replace=False))
        w_f = rec['w_f'][np.searchsorted(rec['w_f_rows'], rows)]
    k = max(2, args.tsne_pca_dims)
    proj, ratio = pca(w_f, k)
    noisy = rec['noise_flag'][rows] if rec.has_noise_flags else None
    fig, ax = plt.subplots(figsize=(6, 5))
    if noisy is None:
        ax.scatter(proj[:, 0], proj[:, 1], s=6, c='gray')
    else:
        for flag, colour, name in ((False, CLEAN, 'correct label'),
                                   (True, NOISY, 'noisy label')):
            sel = noisy == flag
            ax.scatter(proj[sel, 0], proj[sel, 1], s=6, c=colour,
                       label=f'{name} ({sel.sum()})')
        ax.legend()
    ax.set_xlabel(f'PC1 ({ratio[0]:.1%})')
    ax.set_ylabel(f'PC2 ({ratio[1]:.1%})' if len(ratio) > 1 else 'PC2')
    ax.set_title(f'PCA of W_f, epoch {rec.epoch}')
    stem = osp.join(out_dir, f'pca_epoch{rec.epoch}')
    fig.tight_layout()
    fig.savefig(stem + '.png', dpi=120)
    plt.close(fig)
    write_csv(stem + '.csv', ['sample_idx', 'gt_label', 'noise_flag', 'pc1',
                              'pc2'],
              [(int(rec['sample_idx'][r]), int(rec['gt_label'][r]),
                '' if noisy is None else int(noisy[j]), proj[j, 0],
                proj[j, 1]) for j, r in enumerate(rows)])
    with open(stem + '.json', 'w') as f:
        json.dump(dict(explained_variance_ratio=[float(r) for r in ratio],
                       num_points=int(len(rows))), f, indent=2)
    print(f'PCA: explained variance ratio {np.round(ratio, 4).tolist()} '
          f'-> {stem}.png')
    return rows, proj


def plot_tsne(rec, rows, proj, out_dir, args):
    from sklearn.manifold import TSNE
    k = min(args.tsne_pca_dims, proj.shape[1])
    emb = TSNE(n_components=2, init='pca', random_state=args.seed,
               perplexity=min(30.0, max(2.0, (len(rows) - 1) / 3))
               ).fit_transform(proj[:, :k])
    labels = rec['gt_label'][rows]
    noisy = rec['noise_flag'][rows] if rec.has_noise_flags else None
    names = rec.class_names()
    fig, ax = plt.subplots(figsize=(7, 6))
    cmap = plt.get_cmap('tab20' if rec.num_classes > 10 else 'tab10')
    colours = cmap(labels % cmap.N)
    clean = np.ones(len(rows), bool) if noisy is None else ~noisy
    ax.scatter(emb[clean, 0], emb[clean, 1], s=8, c=colours[clean],
               marker='o', label='correct label' if noisy is not None else
               None)
    if noisy is not None:
        ax.scatter(emb[noisy, 0], emb[noisy, 1], s=10, c=colours[noisy],
                   marker='x', linewidths=0.6, label='noisy label')
        ax.legend(loc='best')
    for c in np.unique(labels):
        centre = emb[labels == c].mean(axis=0)
        ax.annotate(names[c], centre, fontsize=9, weight='bold',
                    ha='center', color='black')
    ax.set_title(f't-SNE of the first {k} PCA components of W_f, '
                 f'epoch {rec.epoch} (colour: given class)', fontsize=9)
    stem = osp.join(out_dir, f'tsne_epoch{rec.epoch}')
    fig.tight_layout()
    fig.savefig(stem + '.png', dpi=120)
    plt.close(fig)
    write_csv(stem + '.csv', ['sample_idx', 'gt_label', 'noise_flag', 'x',
                              'y'],
              [(int(i), int(y), '' if noisy is None else int(noisy[j]),
                emb[j, 0], emb[j, 1])
               for j, (i, y) in enumerate(zip(rec['sample_idx'][rows],
                                              labels))])
    print(f't-SNE -> {stem}.png')


def plot_heatmap(rec, class_id, out_dir, args):
    rows, w_f = full_wf(rec)
    sel = np.flatnonzero(rec['gt_label'][rows] == class_id)
    sel = sel[:args.num_examples]
    name = rec.class_names()[class_id]
    if not len(sel):
        print(f'heat map: no recorded sample of class {class_id} ({name}) '
              'has a full W_f; skipped.')
        return
    mat = w_f[sel]
    noisy = rec['noise_flag'][rows[sel]] if rec.has_noise_flags else None
    fig, (strip, ax) = plt.subplots(
        1, 2, figsize=(10, 0.18 * len(sel) + 1.5), sharey=True,
        gridspec_kw=dict(width_ratios=[1, 30], wspace=0.02))
    if noisy is not None:
        strip.imshow(np.where(noisy, 1, 0)[:, None], aspect='auto',
                     cmap=matplotlib.colors.ListedColormap([CLEAN, NOISY]),
                     vmin=0, vmax=1)
    strip.set_xticks([])
    strip.set_ylabel('example (pink: correct, light blue: noisy label)'
                     if noisy is not None else 'example')
    im = ax.imshow(mat, aspect='auto', cmap='gray', vmin=0, vmax=1,
                   interpolation='nearest')
    ax.set_xlabel('feature dimension')
    ax.set_title(f'W_f of class {class_id} ({name}), epoch {rec.epoch}, '
                 f'{int(rec["class_counts"][class_id])} training samples',
                 fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.03)
    stem = osp.join(out_dir, f'wf_heatmap_epoch{rec.epoch}_class{class_id}')
    fig.savefig(stem + '.png', dpi=120, bbox_inches='tight')
    plt.close(fig)
    write_csv(stem + '.csv',
              ['sample_idx', 'noise_flag'] +
              [f'w{j}' for j in range(mat.shape[1])],
              [[int(rec['sample_idx'][rows[i]]),
                '' if noisy is None else int(noisy[n])] + list(mat[n])
               for n, i in enumerate(sel)])
    print(f'W_f heat map of class {class_id} -> {stem}.png')


def plot_mes_vs_eql(work_dir, out_dir, args):
    records = [load_advice(work_dir, e) for e in list_epochs(work_dir)]
    records = [r for r in records if 's' in r]
    if not records:
        print('MES vs EQL: the records have no `s` (the advisor has no MES '
              "output); skipped.")
        return None
    counts = records[-1]['class_counts']
    num_classes = len(counts)
    target = class_size_target(counts)
    lambdas = args.eql_lambdas or [1.0 / num_classes, 0.5 / num_classes]
    eql = {lam: weights_mae(eql_weights(counts, lam), target)
           for lam in lambdas}
    epochs = [r.epoch for r in records]
    mes = [weights_mae(mes_weights(r['s']), target) for r in records]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    ax.plot(epochs, mes, 'o-', label='MES (1 - mean s)')
    for colour, (lam, value) in zip(('tab:red', 'tab:green'), eql.items()):
        ax.axhline(value, ls='--', color=colour, label=f'EQL T_lambda, lambda={lam:.3g}')
    ax.set_xlabel('epoch')
    ax.set_ylabel('MAE to normalized class sizes')
    ax.set_title('MES vs Equalization Loss thresholds')
    ax.legend(fontsize=8)
    order = np.argsort(-counts, kind='stable')
    x = np.arange(num_classes)
    ax2.plot(x, target[order], 'k-', lw=2, label='n_k / max n')
    for r in records:
        ax2.plot(x, mes_weights(r['s'])[order], '.-', lw=0.8,
                 label=f'1 - mean s, epoch {r.epoch}')
    ax2.set_xlabel('class (by size, largest first)')
    ax2.set_ylabel('weight of a negative class')
    ax2.legend(fontsize=7)
    stem = osp.join(out_dir, 'mes_vs_eql')
    fig.tight_layout()
    fig.savefig(stem + '.png', dpi=120)
    plt.close(fig)
    header = ['epoch', 'mae_mes'] + [f'mae_eql_lambda_{lam:.4g}'
                                     for lam in lambdas]
    write_csv(stem + '.csv', header,
              [[e, m] + list(eql.values()) for e, m in zip(epochs, mes)])
    write_csv(stem + '_weights.csv',
              ['epoch', 'class', 'count', 'target', 'mean_s'],
              [[r.epoch, k, int(counts[k]), target[k],
                float(r['s'][:, k].mean())] for r in records
               for k in range(num_classes)])
    print(f'MES vs EQL: MAE of MES {np.round(mes, 4).tolist()} at epochs '
          f'{epochs}; EQL {dict((f"{k:.3g}", round(v, 4)) for k, v in eql.items())}'
          f' -> {stem}.png')
    return dict(epochs=epochs, mes=mes, eql=eql)


def main(argv=None):
    args = parse_args(argv)
    try:
        rec = load_advice(args.work_dir, args.epoch)
        class_ids = [rec.check_class(k) for k in (args.class_id or [])]
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'plot_advice: {err}')
    out_dir = args.out_dir or osp.join(args.work_dir, 'advice', 'plots')
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    if not rec.has_noise_flags:
        print(NOISE_NOTE)
    if 'w_f' in rec:
        rows, proj = plot_pca(rec, out_dir, args, rng)
        plot_tsne(rec, rows, proj, out_dir, args)
        if not class_ids:
            counts = rec['class_counts']
            class_ids = sorted({int(np.argmax(counts)),
                                int(np.argmin(counts))})
        for k in class_ids:
            plot_heatmap(rec, k, out_dir, args)
    else:
        print('no W_f in the record (the advisor has no MFRW output): PCA, '
              't-SNE and heat maps skipped.')
    plot_mes_vs_eql(args.work_dir, out_dir, args)
    print(f'plots in {out_dir}')


if __name__ == '__main__':
    main()
