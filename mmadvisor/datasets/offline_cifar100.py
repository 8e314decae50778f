# Copyright (c) mmadvisor contributors.
from mmpretrain.datasets import CIFAR100
from mmpretrain.registry import DATASETS

from .offline_cifar10 import OfflineCIFAR10


@DATASETS.register_module()
class OfflineCIFAR100(OfflineCIFAR10, CIFAR100):
    """CIFAR-100 read from the real ``cifar-100-python`` folder, offline.

    The files (``train``, ``test``, ``meta``) and class names of
    :class:`~mmpretrain.datasets.CIFAR100` with the offline behaviour of
    :class:`OfflineCIFAR10`: ``download=False`` by default and
    ``check_integrity=False`` to skip only the md5 check. Labels are the
    100 fine labels.

    Args:
        data_root (str): Folder containing ``cifar-100-python``.
        **kwargs: See :class:`OfflineCIFAR10`.
    """
