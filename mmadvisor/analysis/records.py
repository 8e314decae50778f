"""Load the ``{work_dir}/advice/epoch_{E}.npz`` records of
:class:`mmadvisor.engine.hooks.AdviceRecordHook`."""
import glob
import json
import os.path as osp
import re
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np


@dataclass
class AdviceRecord:
    """One recorded epoch: ``arrays`` (name -> np.ndarray) and ``meta`` (the
    JSON next to it). See ``docs/advice_records.md``."""
    epoch: int
    arrays: Dict[str, np.ndarray]
    meta: dict = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.arrays

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    @property
    def num_classes(self) -> int:
        return int(self.arrays['pred_score'].shape[1])

    @property
    def has_noise_flags(self) -> bool:
        return 'noise_flag' in self.arrays

    def class_names(self) -> List[str]:
        names = list(self.meta.get('classes') or [])
        if len(names) != self.num_classes:
            names = [str(k) for k in range(self.num_classes)]
        return names

    def check_class(self, class_id: int) -> int:
        """Return ``class_id`` if the head has it, else raise ValueError."""
        if not 0 <= class_id < self.num_classes:
            raise ValueError(
                f'class-id={class_id} is outside the head: the record has '
                f'{self.num_classes} classes, use 0..{self.num_classes - 1}.')
        return class_id


def advice_dir(work_dir: str) -> str:
    return osp.join(work_dir, 'advice')


def list_epochs(work_dir: str) -> List[int]:
    """The recorded epochs of ``work_dir``, ascending."""
    paths = glob.glob(osp.join(advice_dir(work_dir), 'epoch_*.npz'))
    epochs = []
    for path in paths:
        match = re.fullmatch(r'epoch_(\d+)\.npz', osp.basename(path))
        if match:
            epochs.append(int(match.group(1)))
    return sorted(epochs)


def load_advice(work_dir: str, epoch: Optional[int] = None) -> AdviceRecord:
    """Load one recorded epoch (the last one by default).

    Raises:
        FileNotFoundError: ``work_dir`` has no records, or not ``epoch``.
        ValueError: The record file is truncated or corrupt.
    """
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'work dir {work_dir!r} does not exist.')
    epochs = list_epochs(work_dir)
    if not epochs:
        raise FileNotFoundError(
            f'no advice records in {advice_dir(work_dir)!r}: train with '
            "custom_hooks=[..., dict(type='AdviceRecordHook')] (see "
            'docs/advice_records.md).')
    if epoch is None:
        epoch = epochs[-1]
    if epoch not in epochs:
        raise FileNotFoundError(
            f'epoch={epoch} was not recorded in {work_dir!r}; recorded '
            f'epochs: {epochs}.')
    stem = osp.join(advice_dir(work_dir), f'epoch_{epoch}')
    try:
        with np.load(stem + '.npz', allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError,
            KeyError) as err:
        raise ValueError(
            f'advice record {stem + ".npz"!r} is truncated or corrupt '
            f'({type(err).__name__}: {err}): the run was probably stopped '
            f'while writing it. Use another recorded epoch ({epochs}) with '
            '--epoch, or record the epoch again.') from None
    meta = {}
    if osp.exists(stem + '.json'):
        try:
            with open(stem + '.json') as f:
                meta = json.load(f)
        except ValueError as err:
            raise ValueError(
                f'advice record description {stem + ".json"!r} is not valid '
                f'JSON ({err}): it is truncated or corrupt; record the epoch '
                'again.') from None
    return AdviceRecord(epoch=epoch, arrays=arrays, meta=meta)
