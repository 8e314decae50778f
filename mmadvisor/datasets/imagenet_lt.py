# Copyright (c) mmadvisor contributors.
from mmpretrain.registry import DATASETS

from .long_tail_list_dataset import LongTailListDataset


@DATASETS.register_module()
class ImageNetLT(LongTailListDataset):
    """ImageNet-LT (Liu et al., "Large-Scale Long-Tailed Recognition in an
    Open World", CVPR 2019), thesis §3.5.1.

    115,800 training images of ImageNet-2012 in 1000 classes, sampled from a
    Pareto distribution (1280 to 5 images per class); the test split is
    balanced (50 per class). The splits are the released files
    ``ImageNet_LT_{train,val,test}.txt``, one ``relative/path label`` per
    line, with paths relative to the ImageNet root::

        data/imagenet/                  <- data_root
        ├── ImageNet_LT_train.txt
        ├── ImageNet_LT_val.txt
        ├── ImageNet_LT_test.txt
        ├── train/n01440764/n01440764_10026.JPEG
        └── val/ILSVRC2012_val_00000001.JPEG

    See :class:`LongTailListDataset` for the arguments.

    Examples:
        >>> from mmadvisor.datasets import ImageNetLT
        >>> ds = ImageNetLT(data_root='data/imagenet', split='train',
        ...                 lazy_init=True)  # doctest: +SKIP
    """

    ANN_FILE = 'ImageNet_LT_{split}.txt'
    NUM_CLASSES = 1000
