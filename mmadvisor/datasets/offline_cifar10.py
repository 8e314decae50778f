# Copyright (c) mmadvisor contributors.
import pickle
from typing import List, Tuple

from mmengine.fileio import exists, get, join_path
from mmpretrain.datasets import CIFAR10
from mmpretrain.datasets.utils import check_md5
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class OfflineCIFAR10(CIFAR10):
    """CIFAR-10 read from the real ``cifar-10-batches-py`` folder, offline.

    The same loader as mmpretrain's :class:`~mmpretrain.datasets.CIFAR10`
    (the python pickle batches ``data_batch_1..5`` and ``test_batch`` under
    ``data_root/cifar-10-batches-py``), with two differences:

    - ``download`` defaults to False: missing files raise
      ``FileNotFoundError`` naming them instead of starting a download.
    - ``check_integrity=False`` skips the md5 check of the batch files (and
      of the metadata file), and only that: the files must still exist and
      be in the real pickle layout. Use it for files you wrote yourself,
      e.g. tiny batches in tests or a re-pickled copy.

    Args:
        data_root (str): Folder containing ``cifar-10-batches-py``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        check_integrity (bool): Check the md5 sums of the released files.
            Defaults to True.
        download (bool): Download the archive when files are missing.
            Defaults to False.
        **kwargs: Other keyword arguments of
            :class:`~mmpretrain.datasets.CIFAR10` and
            :class:`mmpretrain.BaseDataset`.
    """

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 check_integrity: bool = True,
                 download: bool = False,
                 **kwargs):
        self.check_integrity = check_integrity
        super().__init__(
            data_root=data_root, split=split, download=download, **kwargs)

    def _batch_files(self) -> List[Tuple[str, str]]:
        """``(path, md5)`` of every batch file of the release."""
        root = join_path(self.data_prefix['root'], self.base_folder)
        return [(join_path(root, name), md5)
                for name, md5 in self.train_list + self.test_list]

    def load_data_list(self) -> List[dict]:
        """Check the files with clear errors, then load them as CIFAR10.

        Raises:
            FileNotFoundError: If a batch file is missing and ``download``
                is False.
            RuntimeError: If ``check_integrity`` is True and an md5 sum does
                not match the release.
        """
        if not self.download:
            files = self._batch_files()
            missing = [path for path, _ in files if not exists(path)]
            if missing:
                raise FileNotFoundError(
                    f'{type(self).__name__}: missing {missing}; expected the '
                    f'real {self.base_folder!r} folder (extracted from '
                    f'{self.url}) under data_root, or download=True.')
            if self.check_integrity:
                bad = [path for path, md5 in files if not check_md5(path, md5)]
                if bad:
                    raise RuntimeError(
                        f'{type(self).__name__}: md5 of {bad} does not match '
                        'the release; re-extract the archive, or pass '
                        'check_integrity=False for files you made yourself.')
        return super().load_data_list()

    def _check_integrity(self) -> bool:
        """md5 check, or only an existence check if ``check_integrity`` is
        False."""
        if self.check_integrity:
            return super()._check_integrity()
        return all(exists(path) for path, _ in self._batch_files())

    def _load_meta(self) -> None:
        """Load the class names from the metadata file."""
        if self.check_integrity:
            return super()._load_meta()
        path = join_path(self.data_prefix['root'], self.base_folder,
                         self.meta['filename'])
        if not exists(path):
            raise FileNotFoundError(
                f'{type(self).__name__}: metadata file {path} not found.')
        data = pickle.loads(get(path), encoding='latin1')
        self._metainfo.setdefault('classes', data[self.meta['key']])
