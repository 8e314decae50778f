# Copyright (c) mmadvisor contributors.
from typing import List

import numpy as np
from mmengine.fileio import exists, join_path
from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_sn3_pascalvincent_tensor
from mmpretrain.datasets.utils import rm_suffix
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class OfflineFashionMNIST(FashionMNIST):
    """Fashion-MNIST read from local idx files, gzip-compressed or not.

    Reads the four files of the release from ``data_root``::

        train-images-idx3-ubyte[.gz]   train-labels-idx1-ubyte[.gz]
        t10k-images-idx3-ubyte[.gz]    t10k-labels-idx1-ubyte[.gz]

    e.g. those installed by Debian's ``dataset-fashion-mnist`` package in
    ``/usr/share/datasets/fashion-mnist`` (gzip, read-only), or a user's own
    copy. Unlike mmpretrain's :class:`~mmpretrain.datasets.FashionMNIST`,
    which reads only uncompressed files and picks the files by
    ``test_mode``:

    - each file is read as is (``.gz`` decompressed on the fly), the raw
      file preferred when both exist;
    - ``split`` picks the files (``'test'`` reads ``t10k-*``);
    - ``download`` defaults to False, and missing files raise
      ``FileNotFoundError`` naming what was looked for.

    Images are ``28x28`` ``uint8`` arrays in ``img``, labels in
    ``gt_label``.

    Args:
        data_root (str): Folder of the idx files.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        download (bool): Download (gzip) files into ``data_root`` when they
            are missing. Defaults to False.
        **kwargs: Other keyword arguments of
            :class:`~mmpretrain.datasets.FashionMNIST`.

    Examples:
        >>> train = dict(type='OfflineFashionMNIST',
        ...              data_root='/usr/share/datasets/fashion-mnist',
        ...              split='train')
    """

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 download: bool = False,
                 **kwargs):
        super().__init__(
            data_root=data_root, split=split, download=download, **kwargs)

    def _find(self, filename: str) -> str:
        """Path of ``filename`` (without ``.gz``) or of its ``.gz``, or
        ``''``."""
        path = join_path(self.data_prefix['root'], rm_suffix(filename))
        for candidate in (path, path + '.gz'):
            if exists(candidate):
                return candidate
        return ''

    def _check_exists(self) -> bool:
        """Whether all four files exist, compressed or not."""
        return all(
            self._find(name) for name, _ in self.train_list + self.test_list)

    def load_data_list(self) -> List[dict]:
        """Read the split's image and label idx files.

        Raises:
            FileNotFoundError: If a file is missing and ``download`` is False.
            ValueError: If the files disagree in length or hold labels
                outside ``[0, 10)``.
        """
        files = self.train_list if self.split == 'train' else self.test_list
        if self.download and not self._check_exists():
            self._download()
        paths = [self._find(name) for name, _ in files]
        if not all(paths):
            expected = [rm_suffix(name) + '[.gz]' for name, _ in files]
            raise FileNotFoundError(
                f'{type(self).__name__}: cannot find {expected} in '
                f"{self.data_prefix['root']!r} (e.g. apt-get install "
                'dataset-fashion-mnist puts them in '
                '/usr/share/datasets/fashion-mnist), or set download=True.')
        imgs = read_sn3_pascalvincent_tensor(paths[0], strict=False).numpy()
        labels = read_sn3_pascalvincent_tensor(paths[1], strict=False).numpy()
        if imgs.ndim != 3 or labels.ndim != 1 or len(imgs) != len(labels):
            raise ValueError(
                f'{paths[0]} (shape {imgs.shape}) and {paths[1]} (shape '
                f'{labels.shape}) are not matching idx3 images and idx1 '
                'labels.')
        num_classes = len(self.CLASSES)
        if labels.size and not 0 <= labels.min() <= labels.max() < num_classes:
            raise ValueError(f'{paths[1]} holds labels outside '
                             f'[0, {num_classes}).')
        return [
            dict(img=img, gt_label=np.array(label, dtype=np.int64))
            for img, label in zip(imgs, labels)
        ]
