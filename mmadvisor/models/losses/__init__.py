# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.

from .meta_equalization_loss import (MetaEqualizationLoss,
                                     meta_equalization_loss)
from .softmax_equalization_loss import SoftmaxEqualizationLoss

__all__ = [
    'MetaEqualizationLoss', 'meta_equalization_loss',
    'SoftmaxEqualizationLoss'
]
from .balanced_softmax_loss import (  # noqa: E402
    BalancedSoftmaxLoss, balanced_softmax_loss)

__all__ += ['BalancedSoftmaxLoss', 'balanced_softmax_loss']
