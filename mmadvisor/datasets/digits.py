# Copyright (c) mmadvisor contributors.
from typing import List, Optional

import numpy as np
import torch
import torch.nn.functional as F

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

SPLITS = ('train', 'test')


@DATASETS.register_module()
class Digits(BaseDataset):
    """The 8x8 handwritten digits bundled with scikit-learn, as a dataset.

    1797 real images of the digits 0-9 (``sklearn.datasets.load_digits``),
    available offline, small enough for tests and smoke runs. Each image is

    1. rescaled from the integer range 0..16 to 0..255;
    2. resized bilinearly to ``img_size`` x ``img_size`` (not resized when
       ``img_size`` is 8);
    3. rounded to uint8 and repeated into 3 channels (H x W x 3).

    So ``data_info['img']`` is ready for ``PackInputs``. The train / test
    split is a stratified split seeded with ``split_seed``; both splits
    compute it from the same arguments, so they never overlap.
    ``source_indices`` holds the indices of the split's images among the
    1797 digits.

    Args:
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        test_ratio (float): Fraction of each class put in the test split,
            in (0, 1). Defaults to 0.3.
        split_seed (int): Seed of the stratified split. Defaults to 0.
        img_size (int): Side of the served images. Defaults to 16.
        pipeline (Sequence): Processing pipeline. Defaults to ``()``.
        **kwargs: Other arguments of
            :class:`mmpretrain.datasets.BaseDataset` (``metainfo``,
            ``indices``, ``test_mode``, ``lazy_init``, ...).

    Examples:
        >>> from mmadvisor.datasets import Digits
        >>> ds = Digits(split='train', pipeline=[dict(type='PackInputs')])
        >>> len(ds), ds[0]['inputs'].shape
        (1257, torch.Size([3, 16, 16]))
    """

    METAINFO = {'classes': tuple(str(i) for i in range(10))}

    def __init__(self,
                 split: str = 'train',
                 test_ratio: float = 0.3,
                 split_seed: int = 0,
                 img_size: int = 16,
                 pipeline=(),
                 metainfo: Optional[dict] = None,
                 **kwargs):
        if split not in SPLITS:
            raise ValueError(
                f"split={split!r} is not supported; use 'train' or 'test'.")
        if not 0 < test_ratio < 1:
            raise ValueError(
                f'test_ratio={test_ratio} must lie strictly between 0 and 1, '
                'e.g. 0.3.')
        if not isinstance(img_size, int) or img_size < 1:
            raise ValueError(
                f'img_size={img_size!r} must be a positive integer, e.g. 8 '
                '(no resize) or 16.')
        self.split = split
        self.test_ratio = test_ratio
        self.split_seed = split_seed
        self.img_size = img_size
        super().__init__(
            ann_file='', metainfo=metainfo, pipeline=pipeline, **kwargs)

    def _split_indices(self, labels: np.ndarray) -> np.ndarray:
        """Indices (into the 1797 images) of this split, sorted."""
        from sklearn.model_selection import train_test_split
        train_idx, test_idx = train_test_split(
            np.arange(len(labels)),
            test_size=self.test_ratio,
            stratify=labels,
            random_state=self.split_seed)
        return np.sort(train_idx if self.split == 'train' else test_idx)

    def _images(self, raw: np.ndarray) -> np.ndarray:
        """(N, 8, 8) values in 0..16 -> (N, S, S, 3) uint8 images."""
        imgs = torch.from_numpy(raw.astype(np.float32) * (255.0 / 16.0))
        if self.img_size != imgs.shape[-1]:
            imgs = F.interpolate(
                imgs[:, None],
                size=(self.img_size, self.img_size),
                mode='bilinear',
                align_corners=False,
                antialias=True)[:, 0]
        imgs = imgs.round().clamp(0, 255).to(torch.uint8).numpy()
        return np.ascontiguousarray(np.repeat(imgs[..., None], 3, axis=-1))

    def load_data_list(self) -> List[dict]:
        """Load the digits of this split as in-memory images."""
        from sklearn.datasets import load_digits
        digits = load_digits()
        labels = digits.target.astype(np.int64)
        keep = self._split_indices(labels)
        #: indices of this split's images among the 1797 digits
        self.source_indices = keep
        imgs = self._images(digits.images[keep])
        return [
            dict(img=img, gt_label=int(label))
            for img, label in zip(imgs, labels[keep])
        ]

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [
            f'Split: \t{self.split} (test_ratio={self.test_ratio}, '
            f'split_seed={self.split_seed})',
            f'Image size: \t{self.img_size}x{self.img_size}x3',
        ]
