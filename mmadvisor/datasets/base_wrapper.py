# Copyright (c) mmadvisor contributors.
"""Shared machinery of the label-generating dataset wrappers.

:class:`MetaSplit`, :class:`LongTailDataset` and :class:`LabelNoiseDataset`
all do the same thing at serving time: map this wrapper's index to an index
of the wrapped dataset and serve a label that the wrapper generated. Only
the generation step differs, so it is the one method a subclass writes
(:meth:`BaseLabelWrapper._generate`). The wrappers are modelled on
:class:`mmengine.dataset.ClassBalancedDataset`: they accept a config dict or
an instance, support ``lazy_init`` / ``full_init`` and forward ``metainfo``.

What a wrapper generated is saved with :meth:`BaseLabelWrapper.dump` and
read back with :func:`load_dump`.
"""
import copy
import json
import logging
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
from mmengine.dataset import force_full_init
from mmengine.logging import MMLogger, print_log

from mmpretrain.registry import DATASETS


def build_dataset(dataset: Any) -> Any:
    """Build ``dataset`` from a config dict or check an instance.

    Args:
        dataset (dict | Dataset): A config dict for ``DATASETS`` or a built
            dataset exposing ``get_data_info`` and ``__len__`` (a
            ``BaseDataset`` or another wrapper).

    Returns:
        The built dataset.
    """
    if isinstance(dataset, dict):
        return DATASETS.build(dataset)
    if hasattr(dataset, 'get_data_info') and hasattr(dataset, '__len__'):
        return dataset
    raise TypeError(
        'dataset must be a config dict or a dataset with `get_data_info` and '
        f'`__len__` (e.g. a BaseDataset), but got {type(dataset)}. Pass '
        "dict(type='...', ...) or a built dataset.")


def dataset_labels(dataset: Any) -> np.ndarray:
    """Return the single-label class index of every sample of ``dataset``.

    Args:
        dataset: A fully initialised dataset.

    Returns:
        np.ndarray: int64 labels, one per sample.
    """
    if hasattr(dataset, 'get_gt_labels'):
        labels = np.asarray(dataset.get_gt_labels())
    else:
        labels = np.array([dataset.get_cat_ids(i)[0]
                           for i in range(len(dataset))])
    if labels.ndim != 1:
        raise ValueError(
            f'expected one integer label per sample, got labels of shape '
            f'{labels.shape}; these wrappers support single-label '
            'classification datasets only.')
    return labels.astype(np.int64)


def num_classes_of(metainfo: dict, labels: np.ndarray) -> int:
    """Number of classes: ``len(metainfo['classes'])`` or ``max label + 1``.

    Args:
        metainfo (dict): Meta information of the wrapped dataset.
        labels (np.ndarray): Its labels.

    Returns:
        int: The number of classes.
    """
    classes = metainfo.get('classes') if metainfo else None
    if classes is not None:
        num_classes = len(classes)
    else:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f'labels must lie in [0, {num_classes}), got range '
            f'[{labels.min()}, {labels.max()}]; check metainfo["classes"] '
            'of the wrapped dataset.')
    return num_classes


def _to_json(obj: Any) -> Any:
    """Convert numpy values and tuples to JSON-serialisable Python values."""
    if isinstance(obj, dict):
        return {str(k): _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def dump_paths(out_dir: str, prefix: str) -> Tuple[str, str]:
    """Return the ``(npz, json)`` paths a dump with ``prefix`` writes."""
    base = osp.join(out_dir, prefix)
    return base + '.npz', base + '.json'


def load_dump(path: str) -> Dict[str, Any]:
    """Read back what :meth:`BaseLabelWrapper.dump` wrote.

    Args:
        path (str): The ``.npz`` file, the ``.json`` file or the common path
            without extension (``out_dir/prefix``).

    Returns:
        dict: ``type`` (the wrapper's class name), ``config`` (its arguments,
        seed included), ``summary`` (counts and fractions) and ``arrays``
        (name -> np.ndarray, e.g. ``noisy_labels``).
    """
    base, ext = osp.splitext(path)
    if ext not in ('.npz', '.json'):
        base = path
    npz_path, json_path = base + '.npz', base + '.json'
    for p in (npz_path, json_path):
        if not osp.isfile(p):
            raise FileNotFoundError(
                f'{p} not found; pass the path that dump() returned '
                '(out_dir/prefix, with or without .npz/.json).')
    with open(json_path) as f:
        record = json.load(f)
    with np.load(npz_path, allow_pickle=False) as npz:
        record['arrays'] = {k: npz[k] for k in npz.files}
    return record


class BaseLabelWrapper:
    """Base of wrappers that serve a generated subset and/or labels.

    A subclass implements :meth:`_generate`, which sets

    - ``self._index_map``: for each index of this wrapper, the index of the
      wrapped dataset it serves;
    - ``self._labels``: the label this wrapper serves at each index;

    plus its own public attributes, and :meth:`_dump_arrays`,
    :meth:`_config` and :meth:`_summary` for :meth:`dump`.

    Serving is the same for all wrappers: :meth:`get_data_info` copies the
    wrapped ``data_info``, overrides ``gt_label`` and sets ``sample_idx`` to
    this wrapper's index, and :meth:`__getitem__` runs the innermost
    dataset's pipeline on it, so wrappers nest.

    Args:
        dataset (dict | Dataset): The dataset to wrap, a config dict or an
            instance (a ``BaseDataset`` or another wrapper).
        lazy_init (bool): Whether to defer generation until first use or an
            explicit :meth:`full_init`. Defaults to False.
    """

    def __init__(self, dataset: Union[dict, Any], lazy_init: bool = False):
        self.dataset = build_dataset(dataset)
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    # ----------------------------------------------------------- subclass API
    def _generate(self, labels: np.ndarray, num_classes: int) -> str:
        """Generate indices and labels from the wrapped ``labels``.

        Returns:
            str: A one-line summary of what was generated, for the log.
        """
        raise NotImplementedError

    def _dump_arrays(self) -> Dict[str, np.ndarray]:
        raise NotImplementedError

    def _config(self) -> Dict[str, Any]:
        raise NotImplementedError

    def _summary(self) -> Dict[str, Any]:
        return {}

    def _extra_info(self, idx: int) -> Dict[str, Any]:
        """Extra keys :meth:`get_data_info` adds at (non-negative) ``idx``."""
        return {}

    # --------------------------------------------------------- initialisation
    @property
    def metainfo(self) -> dict:
        """dict: A copy of the wrapped dataset's meta information."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Initialise the wrapped dataset, then generate this wrapper's
        indices and labels (once)."""
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        labels = dataset_labels(self.dataset)
        num_classes = num_classes_of(self._metainfo, labels)
        message = self._generate(labels, num_classes)
        self._index_map = np.asarray(self._index_map, dtype=np.int64)
        self._labels = np.asarray(self._labels, dtype=np.int64)
        MMLogger.get_current_instance().info(
            f'{self.__class__.__name__}: {message}')
        self._fully_initialized = True

    # ---------------------------------------------------------------- serving
    @property
    def pipeline(self):
        """The innermost dataset's pipeline (wrappers own none)."""
        inner = self.dataset
        while not hasattr(inner, 'pipeline'):
            inner = getattr(inner, 'dataset', None)
            if inner is None:
                raise AttributeError(
                    f'no dataset under {self.__class__.__name__} has a '
                    '`pipeline`; wrap a BaseDataset.')
        return inner.pipeline

    @force_full_init
    def __len__(self) -> int:
        return len(self._index_map)

    def _check_index(self, idx: int) -> int:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(
                f'index {idx} out of range for {self.__class__.__name__} of '
                f'length {n}')
        return int(idx) % n

    @force_full_init
    def get_ori_index(self, idx: int) -> int:
        """Index of the wrapped dataset that index ``idx`` serves."""
        return int(self._index_map[self._check_index(idx)])

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Return the wrapped ``data_info`` with this wrapper's label.

        Args:
            idx (int): Index into this wrapper.

        Returns:
            dict: A copy of the wrapped data_info with ``gt_label`` set to
            the label this wrapper serves and ``sample_idx`` set to ``idx``.
        """
        idx = self._check_index(idx)
        info = copy.copy(self.dataset.get_data_info(
            int(self._index_map[idx])))
        info['gt_label'] = int(self._labels[idx])
        info['sample_idx'] = idx
        info.update(self._extra_info(idx))
        return info

    @force_full_init
    def get_cat_ids(self, idx: int) -> List[int]:
        """Return ``[label]`` served at ``idx``."""
        return [int(self._labels[self._check_index(idx)])]

    @force_full_init
    def get_gt_labels(self) -> np.ndarray:
        """np.ndarray: The labels this wrapper serves, one per index."""
        return self._labels.copy()

    def __getitem__(self, idx: int) -> Any:
        if not self._fully_initialized:
            print_log(
                'Please call `full_init` method manually to accelerate '
                'the speed.',
                logger='current',
                level=logging.WARNING)
            self.full_init()
        data = self.pipeline(self.get_data_info(idx))
        if data is None:
            raise RuntimeError(
                f'the pipeline returned None for index {idx} of '
                f'{self.__class__.__name__}; wrappers do not refetch, fix the '
                'pipeline or the sample.')
        return data

    # ------------------------------------------------------------------- dump
    @force_full_init
    def dump(self, out_dir: str, prefix: Optional[str] = None) -> str:
        """Save what this wrapper generated.

        Writes ``{out_dir}/{prefix}.npz`` (the arrays) and
        ``{out_dir}/{prefix}.json`` (``type``, ``config`` incl. the seed,
        ``summary``, and the name, shape and dtype of each array).

        Args:
            out_dir (str): Directory to write to (created if missing).
            prefix (str, optional): File name without extension. Defaults to
                the class name.

        Returns:
            str: ``out_dir/prefix``; pass it to :func:`load_dump`.
        """
        prefix = prefix or self.__class__.__name__
        os.makedirs(out_dir, exist_ok=True)
        npz_path, json_path = dump_paths(out_dir, prefix)
        arrays = self._dump_arrays()
        np.savez(npz_path, **arrays)
        record = dict(
            type=self.__class__.__name__,
            config=_to_json(self._config()),
            summary=_to_json(dict(
                num_samples=len(self),
                wrapped_type=type(self.dataset).__name__,
                wrapped_num_samples=len(self.dataset),
                **self._summary())),
            arrays={
                k: dict(shape=list(v.shape), dtype=str(v.dtype))
                for k, v in arrays.items()
            })
        with open(json_path, 'w') as f:
            json.dump(record, f, indent=2)
        return osp.join(out_dir, prefix)

    @classmethod
    def load_dump(cls, path: str) -> Dict[str, Any]:
        """Read a dump of this class back; see :func:`load_dump`."""
        record = load_dump(path)
        if record['type'] != cls.__name__:
            raise ValueError(
                f'{path} holds a {record["type"]} dump, not {cls.__name__}; '
                f'use {record["type"]}.load_dump or load_dump().')
        return record

    def __repr__(self) -> str:
        state = (f'{len(self)} samples' if self._fully_initialized else
                 'not initialised')
        return (f'{self.__class__.__name__}({state}, '
                f'config={self._config()}, wrapping '
                f'{type(self.dataset).__name__})')
