"""The numbers behind the analysis plots (thesis sections 2.5.5, 3.5.7,
3.5.8) and the label-issue scores."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np


# ---------------------------------------------------------------------- PCA
def pca(x: np.ndarray, k: int = 2) -> Tuple[np.ndarray, np.ndarray]:
    """Project ``x`` (N, d) on its first ``k`` principal components.

    Returns:
        tuple: the projection (N, k) and the explained-variance ratio of
        each of the ``k`` components (descending, in (0, 1]).
    """
    from sklearn.decomposition import PCA
    x = np.asarray(x, dtype=np.float64)
    k = int(min(k, x.shape[0], x.shape[1]))
    if k < 1:
        raise ValueError(f'PCA needs at least one sample and one dimension, '
                         f'got x of shape {x.shape}.')
    model = PCA(n_components=k, svd_solver='full').fit(x)
    return model.transform(x), model.explained_variance_ratio_


# ------------------------------------------------- MES vs Equalization Loss
def class_size_target(counts: Sequence[int]) -> np.ndarray:
    r"""The class-size distribution normalized into [0, 1]:
    :math:`n_k / \max_j n_j` (the largest class is 1)."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.max() <= 0:
        raise ValueError('class counts are all zero.')
    return counts / counts.max()


def eql_threshold(freq: np.ndarray, lam: float) -> np.ndarray:
    r""":math:`T_\lambda(f_k) = 1` if :math:`f_k < \lambda` else 0
    (Equalization Loss, thesis eq. 3.7)."""
    return (np.asarray(freq, dtype=np.float64) < lam).astype(np.float64)


def eql_weights(counts: Sequence[int], lam: float) -> np.ndarray:
    r"""The weight EQL gives a negative class in the softmax (eq. 3.7 with
    :math:`\beta = 1`, :math:`y_k = 0`): :math:`1 - T_\lambda(f_k)`."""
    counts = np.asarray(counts, dtype=np.float64)
    return 1.0 - eql_threshold(counts / counts.sum(), lam)


def mes_weights(s: np.ndarray) -> np.ndarray:
    r"""The weight MES gives a negative class (eq. 3.8 with
    :math:`\beta = 1`, :math:`y_k = 0`), averaged over samples:
    :math:`1 - \bar{s}_k`."""
    return 1.0 - np.asarray(s, dtype=np.float64).mean(axis=0)


def weights_mae(weights: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error over classes."""
    weights, target = np.asarray(weights), np.asarray(target)
    if weights.shape != target.shape:
        raise ValueError(f'weights of shape {weights.shape} and target of '
                         f'shape {target.shape} differ.')
    return float(np.abs(weights - target).mean())


# ------------------------------------------------------------ label issues
def auroc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for ``positive`` (bool)."""
    from sklearn.metrics import roc_auc_score
    positive = np.asarray(positive, bool)
    if positive.all() or not positive.any():
        raise ValueError('AUROC needs both positive and negative samples.')
    return float(roc_auc_score(positive, score))


def precision_at_k(score: np.ndarray, positive: np.ndarray, k: int) -> float:
    """Fraction of positives among the ``k`` highest scores (stable order:
    ties keep the lower index first)."""
    if k < 1:
        raise ValueError(f'k={k} must be a positive integer.')
    order = np.argsort(-np.asarray(score, dtype=np.float64), kind='stable')
    return float(np.asarray(positive, bool)[order[:k]].mean())


def _rank01(x: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (ties averaged)."""
    from scipy.stats import rankdata
    return (rankdata(x) - 1) / max(len(x) - 1, 1)


def label_issue_scores(arrays: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Candidate label-issue scores of every recorded sample; higher means
    more likely mislabelled. None of them uses the noise flags.

    - ``pre_loss``: the phase-1 loss :math:`-\\log p_{y}` (baseline (a));
    - ``margin``: :math:`\\max_{k \\ne y} p_k - p_y`, the classifier's
      preference for another class;
    - ``advisor_s_pred``: MES weight :math:`s_k` of the best other class
      :math:`k = \\arg\\max_{k \\ne y} p_k` (MES only): how much the advisor
      silences the discouraging gradient of the class the classifier
      believes in;
    - ``advisor_w_f``: :math:`-\\mathrm{mean}(W_f)` (MFRW only), less
      attention;
    - ``advisor_pc1``: the sample's coordinate on the first principal
      component of ``W_f`` (its random projection when not every sample has
      the full vector), signed so that it correlates positively with the
      pre-loss (MFRW only);
    - ``combined``: the mean of the rank-normalised ``margin`` and
      ``advisor_s_pred`` (``advisor_pc1`` without MES). Chosen on the
      digits Flip-0.6 quickstart (epochs 10-20): it kept the margin's AUROC
      and raised precision@50; the W_f-based scores alone were near chance
      there (see docs/advice_records.md).
    """
    p = np.asarray(arrays['pred_score'], dtype=np.float64)
    y = np.asarray(arrays['gt_label'], dtype=np.int64)
    rows = np.arange(len(y))
    p_given = p[rows, y]
    others = p.copy()
    others[rows, y] = -np.inf
    best_other = others.argmax(axis=1)
    scores = dict(
        pre_loss=np.asarray(arrays['pre_loss'], dtype=np.float64),
        margin=others[rows, best_other] - p_given)
    if 's' in arrays:
        scores['advisor_s_pred'] = np.asarray(
            arrays['s'], dtype=np.float64)[rows, best_other]
    if 'w_f_mean' in arrays:
        scores['advisor_w_f'] = -np.asarray(arrays['w_f_mean'], np.float64)
        if 'w_f' in arrays and len(arrays['w_f']) == len(y):
            feats = arrays['w_f']
        else:
            feats = arrays['w_f_proj']
        pc1 = pca(feats, 1)[0][:, 0]
        corr = np.corrcoef(pc1, scores['pre_loss'])[0, 1]
        scores['advisor_pc1'] = pc1 if not corr < 0 else -pc1
    advisor = scores.get('advisor_s_pred', scores.get('advisor_pc1'))
    if advisor is not None:
        scores['combined'] = (_rank01(scores['margin']) +
                              _rank01(advisor)) / 2
    return scores


def default_score_name(scores: Dict[str, np.ndarray]) -> str:
    """The score :func:`label_issue_scores` recommends (see the tool)."""
    for name in ('combined', 'margin'):
        if name in scores:
            return name
    raise KeyError('no label-issue score available')


def cleanlab_scores(labels: np.ndarray, pred_probs: np.ndarray,
                    methods: Sequence[str] = ('self_confidence',
                                              'normalized_margin')
                    ) -> Tuple[Dict[str, np.ndarray], Optional[np.ndarray]]:
    """cleanlab's label-quality scores (turned into issue scores, 1 -
    quality) and its ``find_label_issues`` mask on the same probabilities.

    cleanlab is imported here only: a dependency of the label-issue tool.
    """
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores
    pred_probs = np.asarray(pred_probs, dtype=np.float64)
    pred_probs = pred_probs / pred_probs.sum(axis=1, keepdims=True)
    scores = {
        f'cleanlab_{m}': 1.0 - get_label_quality_scores(
            labels, pred_probs, method=m)
        for m in methods
    }
    try:
        mask = find_label_issues(labels, pred_probs)
    except Exception as err:  # e.g. a class without samples
        print(f'cleanlab.filter.find_label_issues failed: {err}')
        mask = None
    return scores, mask
