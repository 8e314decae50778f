# Copyright (c) mmadvisor contributors.
from typing import List, Optional, Union

from mmengine.fileio import exists, join_path
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .annotation_io import (check_files_exist, parse_key_list,
                            parse_path_label_file, read_lines)

CLOTHING1M_CATEGORIES = ('T-Shirt', 'Shirt', 'Knitwear', 'Chiffon', 'Sweater',
                         'Hoodie', 'Windbreaker', 'Jacket', 'Down Coat',
                         'Suit', 'Shawl', 'Dress', 'Vest', 'Underwear')


@DATASETS.register_module()
class Clothing1M(BaseDataset):
    """Clothing1M (Xiao et al., "Learning from Massive Noisy Labeled Data
    for Image Classification", CVPR 2015), thesis §3.5.1.

    One million clothing images in 14 classes whose labels come from the
    sellers' descriptions (real-world label noise), plus smaller sets with
    clean labels. The release is laid out as::

        data/clothing1m/                <- data_root
        ├── images/0/00/xxx.jpg ...
        ├── noisy_label_kv.txt          images/x/y.jpg label
        ├── clean_label_kv.txt          images/x/y.jpg label
        ├── noisy_train_key_list.txt    images/x/y.jpg
        ├── clean_val_key_list.txt      images/x/y.jpg
        ├── clean_test_key_list.txt     images/x/y.jpg
        └── category_names_eng.txt      14 class names

    The splits:

    - ``'train'``: ``noisy_train_key_list.txt``, labels from
      ``noisy_label_kv.txt``.
    - ``'val'``: ``clean_val_key_list.txt`` (the thesis' meta set),
      labels from ``clean_label_kv.txt``.
    - ``'test'``: ``clean_test_key_list.txt``, labels from
      ``clean_label_kv.txt``.

    Args:
        data_root (str): The Clothing1M root shown above.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
            Defaults to ``'train'``.
        data_prefix (str | dict): Folder the keys are relative to, relative
            to ``data_root``. Defaults to ``''`` (the keys already start with
            ``images/``).
        check_files (bool): Check at load time that every listed image
            exists. Off by default because it costs one ``stat`` per image
            (a million for ``'train'``); a missing or corrupt image is still
            reported with its path by ``LoadImageFromFile`` when it is read
            (``FileNotFoundError`` / ``AssertionError: failed to load
            image: <path>``). Defaults to False.
        **kwargs: Other keyword arguments of :class:`mmpretrain.BaseDataset`
            (``pipeline``, ``test_mode``, ``metainfo``, ``classes``, ...).
            Class names come from ``classes``/``metainfo`` if given, else
            from ``category_names_eng.txt`` if present, else the 14 names
            of the paper.
    """

    SPLITS = {
        'train': ('noisy_train_key_list.txt', 'noisy_label_kv.txt'),
        'val': ('clean_val_key_list.txt', 'clean_label_kv.txt'),
        'test': ('clean_test_key_list.txt', 'clean_label_kv.txt'),
    }
    CLASS_NAME_FILE = 'category_names_eng.txt'
    NUM_CLASSES = 14

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 data_prefix: Union[str, dict] = '',
                 check_files: bool = False,
                 metainfo: Optional[dict] = None,
                 **kwargs):
        if split not in self.SPLITS:
            raise ValueError(
                f'split={split!r} must be one of {tuple(self.SPLITS)}.')
        if not data_root:
            raise ValueError('Clothing1M needs data_root, the folder with '
                             f'{self.SPLITS[split][0]} and images/.')
        self.split = split
        self.check_files = check_files
        metainfo = dict(metainfo or {})
        if kwargs.get('classes') is None and 'classes' not in metainfo:
            metainfo['classes'] = self._class_names(data_root)
        super().__init__(
            ann_file='',
            data_root=data_root,
            data_prefix=data_prefix,
            metainfo=metainfo,
            **kwargs)

    def _class_names(self, data_root: str) -> tuple:
        """Names from ``category_names_eng.txt``, else the paper's."""
        path = join_path(data_root, self.CLASS_NAME_FILE)
        if not exists(path):
            return CLOTHING1M_CATEGORIES
        names = tuple(line for _, line in read_lines(path, '14 class names'))
        if len(names) != self.NUM_CLASSES:
            raise ValueError(f'{path} lists {len(names)} class names; '
                             f'Clothing1M has {self.NUM_CLASSES}.')
        return names

    def load_data_list(self) -> List[dict]:
        """Read the split's key list and look up each key's label.

        Raises:
            FileNotFoundError: If a list or label file is missing, or with
                ``check_files=True`` if an image is missing.
            ValueError: If a label line does not parse, a label is outside
                ``[0, 14)`` or a key has no label.
        """
        key_file, label_file = self.SPLITS[self.split]
        key_path = join_path(self.data_root, key_file)
        label_path = join_path(self.data_root, label_file)
        labels = dict(
            parse_path_label_file(
                label_path, self.NUM_CLASSES,
                expects='one "images/x/y.jpg label" per line'))
        samples = parse_key_list(key_path, labels, label_file=label_path)
        data_list = [
            dict(img_path=join_path(self.img_prefix, key), gt_label=label)
            for key, label in samples
        ]
        if self.check_files:
            check_files_exist([d['img_path'] for d in data_list],
                              what=key_path)
        return data_list

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [f'Split: \t{self.split}', f'Root: \t{self.data_root}']
