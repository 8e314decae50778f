# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .samplers import *  # noqa: F401,F403
from .base_wrapper import BaseLabelWrapper, load_dump
from .digits import Digits
from .label_noise_dataset import LabelNoiseDataset
from .long_tail_dataset import LongTailDataset
from .meta_split import MetaSplit

__all__ = []
__all__ += [
    'BaseLabelWrapper', 'load_dump', 'Digits', 'LabelNoiseDataset',
    'LongTailDataset', 'MetaSplit'
]
from .class_counts import load_class_counts  # noqa: E402
from .clothing1m import Clothing1M  # noqa: E402
from .imagenet_lt import ImageNetLT  # noqa: E402
from .long_tail_list_dataset import LongTailListDataset  # noqa: E402
from .offline_cifar10 import OfflineCIFAR10  # noqa: E402
from .offline_cifar100 import OfflineCIFAR100  # noqa: E402
from .offline_fashion_mnist import OfflineFashionMNIST  # noqa: E402
from .places_lt import PlacesLT  # noqa: E402

__all__ += [
    'load_class_counts', 'Clothing1M', 'ImageNetLT', 'LongTailListDataset',
    'OfflineCIFAR10', 'OfflineCIFAR100', 'OfflineFashionMNIST', 'PlacesLT'
]
