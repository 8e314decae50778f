"""Meta Equalization Softmax (MES), thesis section 3.4.2."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmpretrain.models.losses.utils import weight_reduce_loss
from mmpretrain.registry import MODELS

from ...datasets.class_counts import load_class_counts


def equalization_weights(label: torch.Tensor, s: torch.Tensor,
                         beta: torch.Tensor) -> torch.Tensor:
    r"""The softmax weights :math:`\hat{w}_k = 1 - \beta s_k (1 - y_k)`.

    Eq. (3.8) of the thesis (eq. (3.7) when ``s`` is a threshold function
    :math:`T_\lambda(f_k)` of the class frequencies).

    Args:
        label (torch.Tensor): Class indices, shape ``(N, )``.
        s (torch.Tensor): Suppression values in ``[0, 1]``, shape ``(N, C)``
            or ``(C, )``.
        beta (torch.Tensor): Bernoulli draws in ``{0, 1}``, broadcastable to
            ``(N, C)``.

    Returns:
        torch.Tensor: ``(N, C)`` weights; the target class always has 1.
    """
    num_classes = s.size(-1)
    negative = 1.0 - nn.functional.one_hot(label, num_classes).to(s.dtype)
    return 1.0 - beta * s * negative


def meta_equalization_loss(cls_score: torch.Tensor,
                           label: torch.Tensor,
                           s: Optional[torch.Tensor] = None,
                           beta: Optional[torch.Tensor] = None,
                           rho: float = 0.9,
                           weight: Optional[torch.Tensor] = None,
                           reduction: str = 'mean',
                           avg_factor: Optional[float] = None
                           ) -> torch.Tensor:
    r"""Cross-entropy of the equalization softmax (eqs. 3.4, 3.6, 3.8).

    .. math::
        p_j = \frac{e^{z_j}}{\sum_{k=1}^{C} \hat{w}_k e^{z_k}}, \qquad
        \hat{w}_k = 1 - \beta\, s_k (1 - y_k), \qquad
        \beta \sim \mathrm{Bernoulli}(\rho),

    and the loss is :math:`-\log p_y`. It is computed in the log domain
    around the largest logit whose weight is non-zero, so a weight of
    exactly 0 (``s_k = 1`` and ``beta = 1``) contributes nothing and yields
    neither ``inf`` nor ``NaN`` in the value or the gradients. With
    ``s = 0`` or ``rho = 0`` it is the ordinary softmax cross-entropy.

    Args:
        cls_score (torch.Tensor): Logits ``z``, shape ``(N, C)``.
        label (torch.Tensor): Class indices ``y``, shape ``(N, )``.
        s (torch.Tensor, optional): Suppression values ``s_k`` in ``[0, 1]``,
            ``(N, C)`` (per sample, from the advisor) or ``(C, )``. ``None``
            means ``s = 0``: plain cross-entropy.
        beta (torch.Tensor, optional): The Bernoulli draws, broadcastable to
            ``(N, C)``. Drawn here with probability ``rho`` when ``None``.
        rho (float): :math:`P(\beta = 1)`. Defaults to 0.9 (section 3.5.2).
        weight (torch.Tensor, optional): Per-sample loss weights ``(N, )``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
        avg_factor (float, optional): Divisor of the sum for ``'mean'``.

    Returns:
        torch.Tensor: The loss.
    """
    if label.dim() != 1:
        raise ValueError(
            'meta_equalization_loss needs class indices of shape (N,), got a '
            f'label of shape {tuple(label.shape)}: soft targets (mixup, '
            'label smoothing) are undefined for the equalization weights '
            '(1 - y_k); remove the batch augmentation from the config.')
    target_logit = cls_score.gather(1, label[:, None]).squeeze(1)
    if s is None:
        log_partition = torch.logsumexp(cls_score, dim=1)
    else:
        if beta is None:
            beta = sample_beta(cls_score.shape, rho, cls_score.device)
        w_hat = equalization_weights(label, s, beta.to(s.dtype))
        # Anchor the exponentials at the largest logit with non-zero weight:
        # the target's weight is 1, so the sum below is >= 1 * e^0 > 0.
        masked = torch.where(w_hat > 0, cls_score,
                             torch.full_like(cls_score, float('-inf')))
        anchor = masked.max(dim=1, keepdim=True).values.detach()
        total = (w_hat * torch.exp(cls_score - anchor)).sum(dim=1)
        log_partition = anchor.squeeze(1) + torch.log(total)
    loss = log_partition - target_logit
    if weight is not None:
        weight = weight.to(loss.dtype)
    return weight_reduce_loss(
        loss, weight=weight, reduction=reduction, avg_factor=avg_factor)


def sample_beta(shape, rho: float, device=None,
                generator: Optional[torch.Generator] = None) -> torch.Tensor:
    r"""Draw :math:`\beta \sim \mathrm{Bernoulli}(\rho)`, one per element."""
    probs = torch.full(tuple(shape), float(rho), device=device)
    return torch.bernoulli(probs, generator=generator)


@MODELS.register_module()
class MetaEqualizationLoss(nn.Module):
    r"""Meta Equalization Softmax loss (MES), thesis section 3.4.2.

    .. math::
        \mathcal{L} = -\log \frac{e^{z_y}}{\sum_k \hat{w}_k e^{z_k}},
        \qquad \hat{w}_k = 1 - \beta\, s_k (1 - y_k)

    where ``s`` comes from the advisor (:class:`Advisor`) and
    :math:`\beta \sim \mathrm{Bernoulli}(\rho)` is drawn per sample and
    class. ``s = None`` gives the softmax cross-entropy.

    With ``class_counts`` (a recipe of this repository, not the thesis')
    the logits are shifted by the log class prior before the equalization,
    as Balanced Softmax does (Ren et al., NeurIPS 2020):
    :math:`z_k + \log \pi_k`, :math:`\pi_k = n_k / \sum_j n_j`, so that
    the advisor's ``s`` acts on a loss that already accounts for the long
    tail. Predictions (``forward`` of the head) stay the plain logits.

    Args:
        rho (float): Probability that :math:`\beta = 1`. Defaults to 0.9.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
        class_counts (Sequence[int] | str, optional): Training images per
            class (or a file with them) for the log-prior shift. Defaults
            to None (no shift: the thesis' MES).
    """

    def __init__(self,
                 rho: float = 0.9,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0,
                 class_counts: Union[Sequence[int], str, None] = None
                 ) -> None:
        super().__init__()
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f'rho={rho} is a probability: give a value in '
                             '[0, 1] (the thesis uses 0.9).')
        if reduction not in ('none', 'mean', 'sum'):
            raise ValueError(f"reduction='{reduction}' must be 'none', "
                             "'mean' or 'sum'.")
        self.rho = rho
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.class_counts = None
        self.log_prior = None
        if class_counts is not None:
            counts = load_class_counts(class_counts)
            if min(counts) <= 0:
                raise ValueError(
                    f'class_counts must all be positive (log prior), got '
                    f'{counts}: give the training images per class.')
            self.class_counts = [int(c) for c in counts]
            total = float(sum(counts))
            self.log_prior = torch.log(
                torch.tensor([c / total for c in counts]))

    def sample_beta(
            self,
            cls_score: torch.Tensor,
            generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """One Bernoulli(``rho``) draw per element of ``cls_score``."""
        return sample_beta(cls_score.shape, self.rho, cls_score.device,
                           generator)

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                s: Optional[torch.Tensor] = None,
                beta: Optional[torch.Tensor] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss; see :func:`meta_equalization_loss`."""
        reduction = reduction_override or self.reduction
        if self.log_prior is not None:
            if self.log_prior.numel() != cls_score.size(-1):
                raise ValueError(
                    f'class_counts has {self.log_prior.numel()} entries but '
                    f'the logits have {cls_score.size(-1)} classes: give one '
                    'count per class.')
            cls_score = cls_score + self.log_prior.to(cls_score)
        return self.loss_weight * meta_equalization_loss(
            cls_score,
            label,
            s=s,
            beta=beta,
            rho=self.rho,
            weight=weight,
            reduction=reduction,
            avg_factor=avg_factor)
