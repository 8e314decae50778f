# Copyright (c) mmadvisor contributors.
from typing import List, Sequence, Union

from mmengine.fileio import join_path
from mmpretrain.datasets import BaseDataset

from .annotation_io import check_files_exist, parse_path_label_file


class LongTailListDataset(BaseDataset):
    """Base class of the long-tailed datasets of Liu et al. (OLTR, 2019).

    ImageNet-LT and Places-LT are described by one text file per split, with
    one ``relative/path label`` per line::

        train/n01440764/n01440764_10026.JPEG 0
        train/n01440764/n01440764_10027.JPEG 0
        ...

    Image paths are relative to ``data_root`` joined with ``data_prefix``.
    Subclasses set :attr:`ANN_FILE` (a template with ``{split}``) and
    :attr:`NUM_CLASSES`; this class is not registered on its own.

    Args:
        data_root (str): Root of the images and, unless ``ann_file`` is
            absolute, of the annotation file. Defaults to ``''``.
        split (str): ``'train'``, ``'val'`` or ``'test'``; selects the
            annotation file ``ANN_FILE.format(split=split)`` when ``ann_file``
            is not given. Defaults to ``'train'``.
        ann_file (str): Explicit annotation file, relative to ``data_root``
            or absolute. Defaults to ``''`` (use ``split``).
        data_prefix (str | dict): Folder of the images relative to
            ``data_root``. Defaults to ``''``.
        classes (str | Sequence[str], optional): Class names, or a file with
            one name per line. Defaults to None: the class indices as strings
            (``'0'``, ``'1'``, ...).
        check_files (bool): Check at load time that every listed image
            exists (one ``stat`` per image, slow on network storage). Without
            it a missing image is reported by ``LoadImageFromFile`` with its
            path when it is read. Defaults to False.
        **kwargs: Other keyword arguments of :class:`mmpretrain.BaseDataset`
            (``pipeline``, ``test_mode``, ``metainfo``, ``indices``, ...).
    """

    ANN_FILE: str = ''
    NUM_CLASSES: int = 0
    SPLITS = ('train', 'val', 'test')

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 ann_file: str = '',
                 data_prefix: Union[str, dict] = '',
                 classes: Union[str, Sequence[str], None] = None,
                 check_files: bool = False,
                 **kwargs):
        if split not in self.SPLITS:
            raise ValueError(
                f'split={split!r} must be one of {self.SPLITS}.')
        if not ann_file and not data_root:
            raise ValueError(
                f'{type(self).__name__} needs data_root (with '
                f'{self.ANN_FILE.format(split=split)} in it) or ann_file.')
        self.split = split
        self.check_files = check_files
        if classes is None:
            classes = tuple(str(i) for i in range(self.NUM_CLASSES))
        super().__init__(
            ann_file=ann_file or self.ANN_FILE.format(split=split),
            data_root=data_root,
            data_prefix=data_prefix,
            classes=classes,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse the annotation file into ``img_path`` / ``gt_label`` dicts.

        Raises:
            FileNotFoundError: If the annotation file is missing, or with
                ``check_files=True`` if an image is missing.
            ValueError: If a line does not parse, a label is outside
                ``[0, NUM_CLASSES)``, or ``classes`` has the wrong length.
        """
        if len(self.CLASSES) != self.NUM_CLASSES:
            raise ValueError(
                f'{type(self).__name__} has {self.NUM_CLASSES} classes but '
                f'{len(self.CLASSES)} class names were given.')
        samples = parse_path_label_file(
            self.ann_file, self.NUM_CLASSES,
            expects=f'a {type(self).__name__} annotation file with one '
            '"relative/path label" per line')
        data_list = [
            dict(img_path=join_path(self.img_prefix, rel), gt_label=label)
            for rel, label in samples
        ]
        if self.check_files:
            check_files_exist([d['img_path'] for d in data_list],
                              what=self.ann_file)
        return data_list

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [f'Split: \t{self.split}'] + super().extra_repr()

