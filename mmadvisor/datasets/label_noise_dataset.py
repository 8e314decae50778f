# Copyright (c) mmadvisor contributors.
from typing import Any, Dict, Optional, Sequence, Union

import numpy as np

from mmpretrain.registry import DATASETS
from .base_wrapper import BaseLabelWrapper

#: noise type -> number of other classes a class's noise goes to.
NOISE_TARGETS = {'flip': 1, 'flip2': 2, 'flip3': 3}
NOISE_TYPES = tuple(NOISE_TARGETS) + ('uniform', )


def _class_index(key: Any, classes: Sequence[str], num_classes: int) -> int:
    """Resolve a class given by index or by name to its index."""
    if isinstance(key, str):
        if key in classes:
            return list(classes).index(key)
        if key.isdigit():
            key = int(key)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool) \
            and 0 <= key < num_classes:
        return int(key)
    raise ValueError(
        f'mapping names class {key!r}, which is neither a class name of '
        f'{tuple(classes)} nor an index in [0, {num_classes}); fix the '
        'mapping.')


def noise_transition(num_classes: int,
                     noise_type: str,
                     noise_ratio: float,
                     targets: Dict[int, Sequence[int]]) -> np.ndarray:
    """Build the C x C label transition matrix.

    Row ``c`` is the distribution of the noisy label of a sample of class
    ``c``: ``1 - p`` on ``c``; ``p`` split equally over ``targets[c]`` for
    the flip types, or over all other classes for ``'uniform'``. A flip
    class absent from ``targets`` keeps its labels (row = one-hot).

    Args:
        num_classes (int): C.
        noise_type (str): One of ``NOISE_TYPES``.
        noise_ratio (float): p.
        targets (dict): class -> the other classes its noise goes to (flip
            types only).

    Returns:
        np.ndarray: float64 (C, C), rows summing to 1.
    """
    matrix = np.eye(num_classes)
    if noise_type == 'uniform':
        matrix = np.full((num_classes, num_classes),
                         noise_ratio / (num_classes - 1))
        np.fill_diagonal(matrix, 1 - noise_ratio)
        return matrix
    for c, tgts in targets.items():
        matrix[c, c] = 1 - noise_ratio
        for t in tgts:
            matrix[c, t] += noise_ratio / len(tgts)
    return matrix


@DATASETS.register_module()
class LabelNoiseDataset(BaseLabelWrapper):
    """Corrupt the labels of a dataset with synthetic noise.

    The Flip, Flip2 and Flip3 noises of the thesis (section 2.5.1) and
    uniform (symmetric) noise. A clean label is kept with probability
    ``1 - p`` and replaced with probability ``p = noise_ratio`` by

    - ``'flip'``: one other class (e.g. cat -> dog);
    - ``'flip2'`` / ``'flip3'``: one of 2 / 3 other classes, each with
      probability ``p / 2`` / ``p / 3``;
    - ``'uniform'``: any other class, each with ``p / (C - 1)``.

    The labels are generated as follows.

    1. Build the C x C transition matrix ``T`` (row = clean class, column =
       noisy class): given as ``transition``; or from ``mapping`` (the
       target classes of each class; unmapped classes stay clean); or, by
       default, with targets drawn for every class, in class order, with
       ``rng = np.random.default_rng(seed)``.
    2. For each class c in order 0..C-1, draw the noisy labels of its
       samples from row ``T[c]`` with the same ``rng``.
    3. ``noise_flags = noisy_labels != clean_labels``.

    Args:
        dataset (dict | Dataset): The dataset whose labels are corrupted.
        noise_type (str): ``'flip'``, ``'flip2'``, ``'flip3'`` or
            ``'uniform'``.
        noise_ratio (float): p, in [0, 1].
        seed (int): Seed of the target draw and the label draw.
            Defaults to 0.
        transition (array-like, optional): A full C x C transition matrix
            with non-negative rows summing to 1. When given it defines the
            noise; ``noise_type`` and ``noise_ratio`` are only recorded.
            Defaults to None.
        mapping (dict, optional): class -> target class (``'flip'``) or
            class -> list of 2 / 3 targets (``'flip2'`` / ``'flip3'``);
            classes by index or name, e.g. ``{'cat': 'dog', 'dog': 'cat'}``.
            Defaults to None (random targets).
        lazy_init (bool): Whether to defer the noise until first use.
            Defaults to False.

    Attributes:
        clean_labels (np.ndarray): Labels of the wrapped dataset.
        noisy_labels (np.ndarray): Labels served.
        noise_flags (np.ndarray): bool, ``noisy_labels != clean_labels``.
        transition_matrix (np.ndarray): T used to draw the noisy labels.
    """

    def __init__(self,
                 dataset: Union[dict, Any],
                 noise_type: str,
                 noise_ratio: float,
                 seed: int = 0,
                 transition: Optional[Sequence[Sequence[float]]] = None,
                 mapping: Optional[Dict[Any, Any]] = None,
                 lazy_init: bool = False):
        if noise_type not in NOISE_TYPES:
            raise ValueError(
                f'noise_type={noise_type!r} is not supported; use one of '
                f'{NOISE_TYPES}.')
        if not 0 <= noise_ratio <= 1:
            raise ValueError(
                f'noise_ratio={noise_ratio} must lie in [0, 1] (the '
                'probability that a label is corrupted), e.g. 0.4.')
        if transition is not None and mapping is not None:
            raise ValueError(
                'got both transition and mapping; pass only one (the '
                'transition matrix already fixes the targets).')
        if mapping is not None and noise_type == 'uniform':
            raise ValueError(
                "mapping is meaningless for noise_type='uniform' (all other "
                "classes are targets); drop it or use a 'flip' type.")
        self.noise_type = noise_type
        self.noise_ratio = noise_ratio
        self.seed = seed
        self.transition = (None if transition is None else np.asarray(
            transition, dtype=np.float64))
        self.mapping = None if mapping is None else dict(mapping)
        super().__init__(dataset, lazy_init=lazy_init)

    # --------------------------------------------------------------- step 1
    def _check_transition(self, num_classes: int) -> np.ndarray:
        matrix = self.transition
        if matrix.shape != (num_classes, num_classes):
            raise ValueError(
                f'transition has shape {matrix.shape}, expected '
                f'({num_classes}, {num_classes}) for {num_classes} classes; '
                'give one row and one column per class.')
        if (matrix < 0).any():
            raise ValueError(
                f'transition has negative entries (min {matrix.min()}); all '
                'entries must be probabilities >= 0.')
        sums = matrix.sum(axis=1)
        bad = np.flatnonzero(~np.isclose(sums, 1.0, atol=1e-6))
        if bad.size:
            raise ValueError(
                f'transition row {bad[0]} sums to {sums[bad[0]]}, not 1; '
                'every row must be a probability distribution.')
        return matrix

    def _targets_from_mapping(self, num_classes: int) -> Dict[int, list]:
        classes = self._metainfo.get('classes') or ()
        k = NOISE_TARGETS[self.noise_type]
        targets = {}
        for src, tgts in self.mapping.items():
            c = _class_index(src, classes, num_classes)
            tgts = list(tgts) if isinstance(tgts, (list, tuple)) else [tgts]
            tgts = [_class_index(t, classes, num_classes) for t in tgts]
            if len(tgts) != k or len(set(tgts)) != k or c in tgts:
                raise ValueError(
                    f'mapping[{src!r}]={self.mapping[src]!r} is invalid for '
                    f"noise_type='{self.noise_type}': give {k} distinct "
                    'target class(es) other than the class itself.')
            targets[c] = tgts
        return targets

    def _build_transition(self, num_classes: int,
                          rng: np.random.Generator) -> np.ndarray:
        if self.transition is not None:
            return self._check_transition(num_classes)
        k = NOISE_TARGETS.get(self.noise_type, 1)
        if num_classes < k + 1:
            raise ValueError(
                f"noise_type='{self.noise_type}' needs at least {k + 1} "
                f'classes, but the dataset has {num_classes}; use a noise '
                'type with fewer targets or pass a transition matrix.')
        if self.noise_type == 'uniform' or self.mapping is not None:
            targets = ({} if self.noise_type == 'uniform' else
                       self._targets_from_mapping(num_classes))
        else:
            targets = {
                c: rng.choice(
                    np.delete(np.arange(num_classes), c), k,
                    replace=False).tolist()
                for c in range(num_classes)
            }
        return noise_transition(num_classes, self.noise_type,
                                self.noise_ratio, targets)

    def _generate(self, labels: np.ndarray, num_classes: int) -> str:
        rng = np.random.default_rng(self.seed)
        # 1. transition matrix
        self.transition_matrix = self._build_transition(num_classes, rng)
        # 2. noisy labels drawn from each clean class's row
        noisy = labels.copy()
        for c in range(num_classes):
            idx_c = np.flatnonzero(labels == c)
            row = self.transition_matrix[c] / self.transition_matrix[c].sum()
            noisy[idx_c] = rng.choice(num_classes, size=len(idx_c), p=row)
        # 3. flags
        self.clean_labels = labels
        self.noisy_labels = noisy
        self.noise_flags = noisy != labels
        self._index_map = np.arange(len(labels))
        self._labels = noisy
        n = len(labels)
        return (f'{self.noise_type} noise, p={self.noise_ratio}: '
                f'{int(self.noise_flags.sum())}/{n} labels corrupted '
                f'({self.noise_flags.mean() if n else 0.0:.2%}), '
                f'seed={self.seed}')

    def _extra_info(self, idx: int) -> Dict[str, Any]:
        return dict(
            clean_label=int(self.clean_labels[idx]),
            noise_flag=bool(self.noise_flags[idx]))

    def _dump_arrays(self) -> Dict[str, np.ndarray]:
        return dict(
            clean_labels=self.clean_labels,
            noisy_labels=self.noisy_labels,
            noise_flags=self.noise_flags,
            transition_matrix=self.transition_matrix)

    def _config(self) -> Dict[str, Any]:
        return dict(
            noise_type=self.noise_type,
            noise_ratio=self.noise_ratio,
            seed=self.seed,
            transition=self.transition,
            mapping=self.mapping)

    def _summary(self) -> Dict[str, Any]:
        return dict(
            num_noisy=int(self.noise_flags.sum()),
            noise_fraction=float(self.noise_flags.mean())
            if len(self.noise_flags) else 0.0)
