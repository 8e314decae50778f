# Copyright (c) mmadvisor contributors.
"""A tiny in-memory dataset for the wrapper tests (not registered)."""
from typing import Optional, Sequence

import numpy as np
import pytest

from mmpretrain.datasets import BaseDataset


class ToyDataset(BaseDataset):
    """One dict per label: ``gt_label`` and ``feat`` (the sample's index)."""

    def __init__(self,
                 labels: Sequence[int],
                 classes: Optional[Sequence[str]] = None,
                 **kwargs):
        self._toy_labels = [int(x) for x in labels]
        if classes is None:
            classes = [f'c{i}' for i in range(max(self._toy_labels) + 1)]
        super().__init__(
            ann_file='', metainfo=dict(classes=tuple(classes)), **kwargs)

    def load_data_list(self):
        return [
            dict(gt_label=label, feat=i)
            for i, label in enumerate(self._toy_labels)
        ]


@pytest.fixture
def toy():
    """Factory: ``toy(counts)`` -> ToyDataset with ``counts[c]`` samples of
    class c, interleaved (labels 0, 1, ..., 0, 1, ...)."""

    def make(counts, classes=None, **kwargs):
        labels = []
        remaining = list(counts)
        while any(remaining):
            for c, n in enumerate(remaining):
                if n:
                    labels.append(c)
                    remaining[c] -= 1
        return ToyDataset(
            np.array(labels),
            classes=classes or [f'c{i}' for i in range(len(counts))],
            **kwargs)

    return make
