# Copyright (c) mmadvisor contributors.
from mmpretrain.registry import DATASETS

from .long_tail_list_dataset import LongTailListDataset


@DATASETS.register_module()
class PlacesLT(LongTailListDataset):
    """Places-LT (Liu et al., "Large-Scale Long-Tailed Recognition in an
    Open World", CVPR 2019), thesis §3.5.1.

    62,500 training images of Places-365 in 365 classes (4980 to 5 images per
    class); 20 validation and 100 test images per class. The splits are the
    released files ``Places_LT_{train,val,test}.txt``, one
    ``relative/path label`` per line, with paths relative to the Places-365
    root (a leading ``/`` on a path is ignored)::

        data/places365/                 <- data_root
        ├── Places_LT_train.txt
        ├── Places_LT_val.txt
        ├── Places_LT_test.txt
        └── data_256/a/airfield/00000001.jpg ...

    See :class:`LongTailListDataset` for the arguments.
    """

    ANN_FILE = 'Places_LT_{split}.txt'
    NUM_CLASSES = 365
