# Copyright (c) mmadvisor contributors.
from typing import Any, Dict, Union

import numpy as np

from mmpretrain.registry import DATASETS
from .base_wrapper import BaseLabelWrapper

SPLITS = ('train', 'meta')


@DATASETS.register_module()
class MetaSplit(BaseLabelWrapper):
    """Split a dataset into a small balanced meta set and the rest.

    The meta set of the thesis (sections 2.5.1 and 3.5.1): ``num_per_class``
    samples of every class, drawn at random, e.g. 10 per class of the CIFAR
    training set. The split is computed as follows.

    1. For each class c, in order 0..C-1, collect the indices of its
       samples in the wrapped dataset.
    2. Draw ``num_per_class`` of them without replacement with
       ``np.random.default_rng(seed)`` (one generator, classes in order).
    3. The meta set is the union of the draws, the train set the rest;
       both are sorted.

    Two ``MetaSplit`` with the same wrapped dataset and seed, one with
    ``split='train'`` and one with ``split='meta'``, therefore serve
    disjoint sets that cover the dataset.

    Args:
        dataset (dict | Dataset): The dataset to split.
        split (str): ``'train'`` (the rest) or ``'meta'`` (the balanced
            subset). Defaults to ``'train'``.
        num_per_class (int): Meta samples per class. Defaults to 10.
        seed (int): Seed of the draw. Defaults to 0.
        lazy_init (bool): Whether to defer the split until first use.
            Defaults to False.

    Attributes:
        meta_indices (np.ndarray): Indices of the meta set in the wrapped
            dataset.
        train_indices (np.ndarray): Indices of the rest.
    """

    def __init__(self,
                 dataset: Union[dict, Any],
                 split: str = 'train',
                 num_per_class: int = 10,
                 seed: int = 0,
                 lazy_init: bool = False):
        if split not in SPLITS:
            raise ValueError(
                f"split={split!r} is not supported; use 'train' or 'meta'.")
        if not isinstance(num_per_class, (int, np.integer)) or \
                num_per_class < 1:
            raise ValueError(
                f'num_per_class={num_per_class!r} must be a positive '
                'integer, e.g. 10.')
        self.split = split
        self.num_per_class = int(num_per_class)
        self.seed = seed
        super().__init__(dataset, lazy_init=lazy_init)

    def _generate(self, labels: np.ndarray, num_classes: int) -> str:
        classes = self._metainfo.get('classes') or range(num_classes)
        rng = np.random.default_rng(self.seed)
        meta = []
        for c in range(num_classes):
            # 1. indices of class c
            idx_c = np.flatnonzero(labels == c)
            if len(idx_c) < self.num_per_class:
                raise ValueError(
                    f'class {c} ({classes[c]!r}) has {len(idx_c)} samples, '
                    f'fewer than num_per_class={self.num_per_class}; lower '
                    'num_per_class or give the wrapped dataset more samples '
                    'of that class.')
            # 2. seeded draw without replacement
            meta.append(rng.choice(idx_c, self.num_per_class, replace=False))
        # 3. meta = the draws, train = the rest
        self.meta_indices = np.sort(np.concatenate(meta)).astype(np.int64) \
            if meta else np.zeros(0, dtype=np.int64)
        is_meta = np.zeros(len(labels), dtype=bool)
        is_meta[self.meta_indices] = True
        self.train_indices = np.flatnonzero(~is_meta).astype(np.int64)
        self._index_map = (
            self.meta_indices if self.split == 'meta' else self.train_indices)
        self._labels = labels[self._index_map]
        return (f'split={self.split!r}: {len(self.meta_indices)} meta '
                f'samples ({self.num_per_class} per class x {num_classes}), '
                f'{len(self.train_indices)} train samples, seed={self.seed}')

    def _dump_arrays(self) -> Dict[str, np.ndarray]:
        return dict(
            meta_indices=self.meta_indices,
            train_indices=self.train_indices,
            labels=self._labels)

    def _config(self) -> Dict[str, Any]:
        return dict(
            split=self.split, num_per_class=self.num_per_class, seed=self.seed)

    def _summary(self) -> Dict[str, Any]:
        return dict(
            num_meta=len(self.meta_indices),
            num_train=len(self.train_indices))
