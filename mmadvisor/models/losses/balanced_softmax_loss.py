# Copyright (c) mmadvisor contributors.
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.losses.utils import weight_reduce_loss
from mmpretrain.registry import MODELS

from mmadvisor.datasets.class_counts import load_class_counts


def balanced_softmax_loss(pred: torch.Tensor,
                          label: torch.Tensor,
                          log_prior: torch.Tensor,
                          weight: Optional[torch.Tensor] = None,
                          reduction: str = 'mean',
                          avg_factor: Optional[float] = None) -> torch.Tensor:
    """Balanced Softmax: cross-entropy on the logits shifted by the log
    class prior.

    Args:
        pred (torch.Tensor): Logits of shape ``(N, C)``.
        label (torch.Tensor): Class indices of shape ``(N,)``.
        log_prior (torch.Tensor): ``log(n_j / sum_k n_k)``, shape ``(C,)``.
        weight (torch.Tensor, optional): Sample-wise weight, shape ``(N,)``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        avg_factor (float, optional): Divide the sum by this instead of
            ``N`` when ``reduction='mean'``. Defaults to None.

    Returns:
        torch.Tensor: The loss.

    Raises:
        ValueError: If ``log_prior`` has not one entry per logit.
    """
    if pred.shape[-1] != log_prior.numel():
        raise ValueError(
            f'class_counts has {log_prior.numel()} entries but the logits '
            f'have {pred.shape[-1]} classes; give one count per class.')
    loss = F.cross_entropy(
        pred + log_prior.to(pred), label, reduction='none')
    if weight is not None:
        weight = weight.float()
    return weight_reduce_loss(
        loss, weight=weight, reduction=reduction, avg_factor=avg_factor)


@MODELS.register_module()
class BalancedSoftmaxLoss(nn.Module):
    r"""Balanced Softmax loss (Ren et al., "Balanced Meta-Softmax for
    Long-Tailed Visual Recognition", NeurIPS 2020), the BALMS baseline of
    thesis §3.5.3.

    With :math:`n_j` training images in class :math:`j` the prior is
    :math:`\pi_j = n_j / \sum_k n_k`, and the loss is the cross-entropy of
    the logits :math:`z` shifted by the log prior:

    .. math::

        \mathcal{L}(z, y) = -\log
        \frac{\pi_y \exp(z_y)}{\sum_{j=1}^{C} \pi_j \exp(z_j)}
        = \mathrm{CE}(z + \log \pi, y)

    With a uniform prior it equals the plain cross-entropy. At test time the
    raw logits :math:`z` are used.

    Args:
        class_counts (Sequence[int] | str): Training images per class, or a
            file holding them (see
            :func:`mmadvisor.datasets.class_counts.load_class_counts`).
            Every count must be positive.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        loss_weight (float): Multiplier of the loss. Defaults to ``1.0``.

    Examples:
        >>> import torch
        >>> from mmadvisor.models.losses import BalancedSoftmaxLoss
        >>> loss = BalancedSoftmaxLoss(class_counts=[100, 10, 1])
        >>> loss(torch.zeros(2, 3), torch.tensor([0, 2])).shape
        torch.Size([])
    """

    def __init__(self,
                 class_counts: Union[Sequence[int], str],
                 reduction: str = 'mean',
                 loss_weight: float = 1.0):
        super().__init__()
        counts = load_class_counts(class_counts)
        if min(counts) <= 0:
            raise ValueError(
                f'class_counts must all be positive (log prior), got '
                f'{counts!r:.200}; drop empty classes or add one to each.')
        if reduction not in ('none', 'mean', 'sum'):
            raise ValueError(f"reduction={reduction!r} must be 'none', "
                             "'mean' or 'sum'.")
        self.class_counts = [int(c) for c in counts]
        counts = torch.tensor(counts, dtype=torch.float64)
        self.register_buffer(
            'log_prior', (counts / counts.sum()).log().float(),
            persistent=False)
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None) -> torch.Tensor:
        """Compute the loss; the arguments are those of
        :func:`balanced_softmax_loss` (``reduction_override`` replaces
        ``reduction`` for this call)."""
        assert reduction_override in (None, 'none', 'mean', 'sum')
        reduction = reduction_override or self.reduction
        return self.loss_weight * balanced_softmax_loss(
            cls_score,
            label,
            self.log_prior,
            weight=weight,
            reduction=reduction,
            avg_factor=avg_factor)
