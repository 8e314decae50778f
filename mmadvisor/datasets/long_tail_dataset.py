# Copyright (c) mmadvisor contributors.
import math
from typing import Any, Dict, Optional, Union

import numpy as np

from mmpretrain.registry import DATASETS
from .base_wrapper import BaseLabelWrapper

PROFILES = ('exp', 'step')


def long_tail_counts(available: np.ndarray,
                     imbalance_factor: float,
                     profile: str = 'exp',
                     step_ratio: float = 0.5,
                     max_per_class: Optional[int] = None) -> np.ndarray:
    """Number of samples each class keeps.

    With ``C`` classes, ``n_max = max(available)`` (or ``max_per_class`` if
    that is smaller) and ``IF`` the imbalance factor, class ``c`` (0-based)
    keeps

    - ``'exp'`` (CIFAR-LT protocol):
      :math:`\\lfloor n_{max} \\cdot (1/IF)^{c/(C-1)} \\rfloor`, so class 0
      keeps ``n_max`` and class ``C-1`` keeps ``n_max / IF``;
    - ``'step'``: the first :math:`\\lfloor (1 - r) C \\rfloor` classes
      (``r = step_ratio``, the fraction of tail classes) keep ``n_max``,
      the others :math:`\\lfloor n_{max} / IF \\rfloor`;

    each clipped at the class's ``available`` count.

    Args:
        available (np.ndarray): Samples per class in the wrapped dataset.
        imbalance_factor (float): ``IF >= 1``; 1 keeps everything.
        profile (str): ``'exp'`` or ``'step'``. Defaults to ``'exp'``.
        step_ratio (float): Fraction of tail classes for ``'step'``.
            Defaults to 0.5.
        max_per_class (int, optional): Cap on ``n_max``, the head class
            size; with ``imbalance_factor=1`` a balanced per-class subsample
            (e.g. 1000 per class). Defaults to None (no cap).

    Returns:
        np.ndarray: int64 counts, one per class.
    """
    available = np.asarray(available, dtype=np.int64)
    num_classes = len(available)
    n_max = int(available.max()) if num_classes else 0
    if max_per_class is not None:
        n_max = min(n_max, int(max_per_class))
    if profile == 'exp':
        if num_classes == 1:
            wanted = [n_max]
        else:
            wanted = [
                int(n_max * (1.0 / imbalance_factor)**(c / (num_classes - 1)))
                for c in range(num_classes)
            ]
    else:
        # the epsilon keeps e.g. (1 - 0.7) * 10 = 2.9999... at 3
        num_head = math.floor((1 - step_ratio) * num_classes + 1e-9)
        tail = math.floor(n_max / imbalance_factor)
        wanted = [n_max if c < num_head else tail for c in range(num_classes)]
    return np.minimum(np.asarray(wanted, dtype=np.int64), available)


@DATASETS.register_module()
class LongTailDataset(BaseLabelWrapper):
    """Make a dataset long-tailed by removing samples at random.

    The long-tailed CIFAR protocol of the thesis (section 3.5.1; CIFAR-LT-10
    and CIFAR-LT-100 with imbalance factors 10..200):

    1. Count the samples of each class in the wrapped dataset.
    2. Compute how many each class keeps with :func:`long_tail_counts`
       (``n_max`` = the largest class, capped at ``max_per_class``;
       ``'exp'``: ``floor(n_max * (1/IF)^(c/(C-1)))``; ``'step'``: the
       first ``floor((1 - step_ratio) * C)`` classes keep ``n_max``, the
       rest ``floor(n_max / IF)``), clipped at what is available.
    3. For each class in order 0..C-1, draw that many of its samples without
       replacement with ``np.random.default_rng(seed)``.
    4. Keep the drawn samples in their original order.

    Args:
        dataset (dict | Dataset): The dataset to subsample.
        imbalance_factor (float): Ratio of the largest to the smallest class,
            ``>= 1``.
        profile (str): ``'exp'`` or ``'step'``. Defaults to ``'exp'``.
        seed (int): Seed of the draw. Defaults to 0.
        step_ratio (float): Fraction of tail classes for ``'step'``, in
            [0, 1]. Defaults to 0.5.
        max_per_class (int, optional): Cap on the head class size ``n_max``;
            with ``imbalance_factor=1`` this draws a balanced subsample of
            ``max_per_class`` images per class. Defaults to None (no cap).
        lazy_init (bool): Whether to defer the draw until first use.
            Defaults to False.

    Attributes:
        kept_indices (np.ndarray): Kept indices of the wrapped dataset.
        class_counts (np.ndarray): Kept samples per class.
    """

    def __init__(self,
                 dataset: Union[dict, Any],
                 imbalance_factor: float,
                 profile: str = 'exp',
                 seed: int = 0,
                 step_ratio: float = 0.5,
                 max_per_class: Optional[int] = None,
                 lazy_init: bool = False):
        if not imbalance_factor >= 1:
            raise ValueError(
                f'imbalance_factor={imbalance_factor} must be >= 1 (the ratio '
                'of the largest to the smallest class, e.g. 100); 1 keeps '
                'the dataset balanced.')
        if profile not in PROFILES:
            raise ValueError(
                f"profile={profile!r} is not supported; use 'exp' or 'step'.")
        if not 0 <= step_ratio <= 1:
            raise ValueError(
                f'step_ratio={step_ratio} must lie in [0, 1] (the fraction '
                'of tail classes), e.g. 0.5.')
        if max_per_class is not None and (
                not isinstance(max_per_class, (int, np.integer))
                or max_per_class < 1):
            raise ValueError(
                f'max_per_class={max_per_class!r} must be a positive integer '
                '(the head class size, e.g. 1000) or None (no cap).')
        self.max_per_class = max_per_class
        self.imbalance_factor = imbalance_factor
        self.profile = profile
        self.seed = seed
        self.step_ratio = step_ratio
        super().__init__(dataset, lazy_init=lazy_init)

    def _generate(self, labels: np.ndarray, num_classes: int) -> str:
        # 1. available samples per class
        available = np.bincount(labels, minlength=num_classes)
        # 2. how many each class keeps
        self.class_counts = long_tail_counts(
            available, self.imbalance_factor, self.profile, self.step_ratio,
            self.max_per_class)
        # 3. seeded draw per class
        rng = np.random.default_rng(self.seed)
        kept = [
            rng.choice(np.flatnonzero(labels == c), n, replace=False)
            for c, n in enumerate(self.class_counts)
        ]
        # 4. original order
        self.kept_indices = np.sort(np.concatenate(kept)).astype(np.int64) \
            if kept else np.zeros(0, dtype=np.int64)
        self._index_map = self.kept_indices
        self._labels = labels[self.kept_indices]
        counts = self.class_counts
        return (f'{self.profile} profile, IF={self.imbalance_factor}: kept '
                f'{len(self.kept_indices)}/{len(labels)} samples, class '
                f'counts {counts.max()}..{counts.min()} (actual IF '
                f'{counts.max() / max(counts.min(), 1):.2f}), '
                f'seed={self.seed}')

    def _dump_arrays(self) -> Dict[str, np.ndarray]:
        return dict(
            kept_indices=self.kept_indices,
            class_counts=self.class_counts,
            labels=self._labels)

    def _config(self) -> Dict[str, Any]:
        return dict(
            imbalance_factor=self.imbalance_factor,
            profile=self.profile,
            seed=self.seed,
            step_ratio=self.step_ratio,
            max_per_class=self.max_per_class)

    def _summary(self) -> Dict[str, Any]:
        return dict(
            num_kept=len(self.kept_indices),
            class_counts=self.class_counts)
