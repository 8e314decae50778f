# Copyright (c) mmadvisor contributors.
"""Where the samples of a wrapped dataset come from.

:class:`MetaSplit`, :class:`LongTailDataset` and :class:`LabelNoiseDataset`
(and MMEngine's ``RepeatDataset`` / ``ClassBalancedDataset``, torch's
``Subset``) map each of their indices to an index of the dataset they wrap.
:func:`source_indices` composes those maps down to the innermost dataset,
so that two chains built from the same data (the training set and the meta
set) can be compared sample by sample.
"""
import os.path as osp
from typing import Any, List, NamedTuple, Optional

import numpy as np
from torch.utils.data import Subset

from .base_wrapper import BaseLabelWrapper


class Sources(NamedTuple):
    """The innermost dataset, the indices of it a chain serves (sorted,
    unique), and the chain's wrappers from the outside in."""
    base: Any
    indices: np.ndarray
    chain: List[Any]


def source_indices(dataset: Any, max_depth: int = 32) -> Optional[Sources]:
    """Compose the index maps of ``dataset``'s wrappers down to its base.

    1. Start from every index of ``dataset``.
    2. While the current level is a wrapper, map the indices through it
       (``BaseLabelWrapper._index_map``, ``_get_ori_dataset_idx`` of
       MMEngine's wrappers, ``Subset.indices``) and step into
       ``.dataset``.
    3. The first level without ``.dataset`` is the base.

    Args:
        dataset: A dataset, possibly wrapped.
        max_depth (int): Wrappers to follow at most. Defaults to 32.

    Returns:
        Sources | None: ``None`` when a level is a wrapper (it has a
        ``.dataset``) whose index map is unknown.
    """
    idx = np.arange(len(dataset), dtype=np.int64)
    chain: List[Any] = []
    level = dataset
    for _ in range(max_depth):
        if isinstance(level, BaseLabelWrapper):
            level.full_init()
            idx = level._index_map[idx]
        elif isinstance(level, Subset):
            idx = np.asarray(level.indices, dtype=np.int64)[idx]
        elif hasattr(level, '_get_ori_dataset_idx') and hasattr(
                level, 'dataset'):
            if hasattr(level, 'full_init'):
                level.full_init()
            idx = np.asarray([level._get_ori_dataset_idx(int(i))
                              for i in idx], dtype=np.int64)
        elif hasattr(level, 'dataset'):
            return None
        else:
            return Sources(level, np.unique(idx), chain)
        chain.append(level)
        level = level.dataset
    return None


def _sample_key(dataset: Any, idx: int):
    """What identifies sample ``idx`` of a base dataset: its file or its
    pixels (``None`` when the dataset exposes neither)."""
    if not hasattr(dataset, 'get_data_info') or idx >= len(dataset):
        return None
    info = dataset.get_data_info(int(idx))
    for key in ('img_path', 'img'):
        if info.get(key) is not None:
            return key, info[key]
    return None


def same_sample(a: Any, b: Any, idx: int) -> bool:
    """Whether index ``idx`` of the bases ``a`` and ``b`` is one sample.

    The same object, or the same file / pixels at ``idx``; bases that expose
    neither count as the same data when they have the same type and length.
    """
    if a is b:
        return True
    if idx >= len(a) or idx >= len(b):
        return False
    ka, kb = _sample_key(a, idx), _sample_key(b, idx)
    if ka is None or kb is None:
        return type(a) is type(b) and len(a) == len(b)
    if ka[0] != kb[0]:
        return False
    va, vb = ka[1], kb[1]
    if isinstance(va, np.ndarray) or isinstance(vb, np.ndarray):
        return bool(np.array_equal(np.asarray(va), np.asarray(vb)))
    return va == vb


def shared_sources(a: Sources, b: Sources) -> np.ndarray:
    """Indices of the base that both chains serve (one sample in both)."""
    common = np.intersect1d(a.indices, b.indices)
    keep = [i for i in common if same_sample(a.base, b.base, int(i))]
    return np.asarray(keep, dtype=np.int64)


def _files(sources: Sources) -> Optional[dict]:
    """Normalised file path -> base index of the samples a chain serves,
    or ``None`` when its base does not read files."""
    base = sources.base
    if not hasattr(base, 'get_data_info'):
        return None
    files = {}
    for i in sources.indices:
        path = base.get_data_info(int(i)).get('img_path')
        if path is None:
            return None
        files[osp.normpath(osp.abspath(str(path)))] = int(i)
    return files


def shared_files(a: Sources, b: Sources) -> List[str]:
    """The image files that two chains over *different* base datasets both
    serve (e.g. a training list and a meta list of the same folder), sorted;
    empty when either base does not read files or both are one dataset
    (:func:`shared_sources` compares those by index)."""
    if a.base is b.base:
        return []
    fa, fb = _files(a), _files(b)
    if not fa or not fb:
        return []
    return sorted(set(fa) & set(fb))


def ann_file_of(sources: Sources) -> str:
    """The base dataset's ``ann_file`` (or its type), for messages."""
    return getattr(sources.base, 'ann_file', None) or \
        type(sources.base).__name__
