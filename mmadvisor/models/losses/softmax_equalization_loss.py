"""Softmax Equalization Loss (Tan et al., CVPR 2020), thesis eq. (3.7)."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from ...datasets.class_counts import load_class_counts
from .meta_equalization_loss import meta_equalization_loss, sample_beta


@MODELS.register_module()
class SoftmaxEqualizationLoss(nn.Module):
    r"""The hand-made baseline MES replaces (thesis eq. 3.6 - 3.7).

    .. math::
        \tilde{w}_k = 1 - \beta\, T_\lambda(f_k) (1 - y_k), \qquad
        T_\lambda(f_k) = \begin{cases} 1 & f_k < \lambda \\
                                       0 & \text{otherwise} \end{cases}

    where :math:`f_k = n_k / \sum_j n_j` is the frequency of class ``k`` in
    the training set: the discouraging gradients that samples of other
    classes send to a rare class are dropped with probability ``rho``.

    Args:
        class_counts (Sequence[int] | str): Training images per class, or a
            file with them (see :func:`load_class_counts`).
        lambda_ (float): Frequency threshold :math:`\lambda`.
            Defaults to 1.76e-3 (the value of Tan et al. for LVIS).
        rho (float): :math:`P(\beta = 1)`. Defaults to 0.9.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 class_counts: Union[Sequence[int], str],
                 lambda_: float = 1.76e-3,
                 rho: float = 0.9,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        counts = torch.as_tensor(
            load_class_counts(class_counts), dtype=torch.float)
        if counts.numel() < 2 or counts.sum() <= 0:
            raise ValueError(
                f'class_counts={class_counts!r:.200} must give a training-'
                'image count for each of at least 2 classes.')
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f'rho={rho} must be a probability in [0, 1].')
        self.class_counts = [int(c) for c in counts.tolist()]
        frequency = counts / counts.sum()
        self.register_buffer('threshold', (frequency < lambda_).float())
        self.lambda_ = lambda_
        self.rho = rho
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> torch.Tensor:
        if cls_score.size(1) != self.threshold.numel():
            raise ValueError(
                f'class_counts has {self.threshold.numel()} classes but the '
                f'logits have {cls_score.size(1)}: give one count per class.')
        beta = sample_beta(cls_score.shape, self.rho, cls_score.device)
        return self.loss_weight * meta_equalization_loss(
            cls_score,
            label,
            s=self.threshold.to(cls_score.dtype),
            beta=beta,
            weight=weight,
            reduction=reduction_override or self.reduction,
            avg_factor=avg_factor)
