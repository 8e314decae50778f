"""A linear classification head that takes advice, thesis section 3.4."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.registry import MODELS

from ..losses.meta_equalization_loss import MetaEqualizationLoss


@MODELS.register_module()
class AdvisorHead(LinearClsHead):
    r"""A drop-in for :class:`LinearClsHead` that is trained with an advisor.

    At test time (``forward``, ``predict``) it *is* a ``LinearClsHead``: the
    same ``fc`` parameter names, and the advisor is not used, so a checkpoint
    loads into a stock MMPretrain ``LinearClsHead`` once the ``head.advisor.``
    weights are dropped (``tools/model_converters/strip_advisor.py``).

    During training :class:`MetaOptimWrapper` drives it through the four
    phases of section 3.4.4 with three calls:

    - :meth:`pre_loss`: :math:`\mathcal{L}^{pre}` from the un-masked
      feature, without gradient (phase 1);
    - :meth:`advise`: the advisor's outputs :math:`W_f, s` for a batch;
    - :meth:`advised_loss`: the loss of the classifier that sees
      :math:`f_{att} = W_f \odot f` (MFRW, eq. 3.3) under the equalization
      softmax with weights :math:`\hat{w}_k = 1 - \beta s_k (1 - y_k)`
      (MES, eq. 3.8), used in the virtual (phase 2) and the actual
      (phase 4) step.

    The advisor sees ``f`` and :math:`\mathcal{L}^{pre}` detached: the
    classifier is trained through ``f`` only by the masked classification
    loss, never by changing what the advisor is shown.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Size of the feature ``f``.
        advisor (dict): Config of the advisor; ``feat_dim`` and
            ``num_classes`` are filled in. Defaults to an MFRW-MES
            :class:`Advisor`.
        loss (dict): Training loss. Must be a :class:`MetaEqualizationLoss`
            when the advisor has the ``'mes'`` output. Defaults to
            ``dict(type='MetaEqualizationLoss', rho=0.9)``.
        init_cfg (dict, optional): Initialization of the head's ``fc``:
            :math:`\mathcal{N}(0, 0.01^2)` weights, zero biases, as
            ``LinearClsHead``'s. The advisor initialises its own layers
            (its ``init_cfg``); a ``layer='Linear'`` config given here
            reaches the advisor's layers too, before the advisor's own.
        **kwargs: Other arguments of :class:`LinearClsHead`.
    """

    def __init__(self,
                 num_classes: Optional[int] = None,
                 in_channels: Optional[int] = None,
                 advisor: dict = dict(type='Advisor'),
                 loss: dict = dict(type='MetaEqualizationLoss', rho=0.9),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', std=0.01, override=dict(name='fc')),
                 **kwargs) -> None:
        missing = [name for name, value in (('num_classes', num_classes),
                                            ('in_channels', in_channels))
                   if value is None]
        if missing:
            raise ValueError(
                f'AdvisorHead needs {" and ".join(missing)}: the advisor '
                'reads the backbone\'s feature vector and the head maps it to '
                'the classes. A config on top of a model whose head is a '
                'plain ClsHead (its backbone classifies by itself, e.g. '
                "MMPretrain's LeNet5(num_classes=10)) must make the backbone "
                'return features and size the head: for LeNet5 '
                'model=dict(backbone=dict(num_classes=-1), '
                "head=dict(type='AdvisorHead', num_classes=10, "
                'in_channels=84)).')
        super().__init__(
            num_classes=num_classes,
            in_channels=in_channels,
            loss=loss,
            init_cfg=init_cfg,
            **kwargs)
        if isinstance(advisor, dict):
            advisor = MODELS.build(
                dict(feat_dim=in_channels, num_classes=num_classes,
                     **advisor))
        self.advisor = advisor
        outputs = getattr(advisor, 'outputs', ())
        if 'mes' in outputs and not isinstance(self.loss_module,
                                               MetaEqualizationLoss):
            raise ValueError(
                'the advisor has the "mes" output but the head loss is '
                f'{type(self.loss_module).__name__}: use '
                "loss=dict(type='MetaEqualizationLoss'), or drop 'mes' from "
                'the advisor outputs.')

    @torch.no_grad()
    def pre_loss(self, feats: torch.Tensor,
                 labels: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Phase 1: per-sample cross-entropy of the un-masked feature.

        Returns:
            tuple: the losses ``(N, )`` and the logits ``(N, C)``.

        Raises:
            ValueError: The features are not ``(N, in_channels)`` vectors.
        """
        if feats.dim() != 2 or feats.size(1) != self.in_channels:
            raise ValueError(
                f'AdvisorHead(in_channels={self.in_channels}) received '
                f'features of shape {tuple(feats.shape)} from the backbone '
                f'(+ neck): set model.head.in_channels={feats.size(-1)} or '
                "add a neck that pools to vectors (dict(type='GlobalAverage"
                "Pooling')).")
        logits = self.fc(feats.detach())
        return F.cross_entropy(logits, labels, reduction='none'), logits

    def advise(self, feats: torch.Tensor,
               pre_loss: torch.Tensor) -> Dict[str, Optional[torch.Tensor]]:
        """The advisor's outputs ``w_f`` and ``s`` for a batch."""
        return self.advisor(feats.detach(), pre_loss.detach())

    def sample_beta(
            self,
            logits: torch.Tensor,
            generator: Optional[torch.Generator] = None
    ) -> Optional[torch.Tensor]:
        """The MES Bernoulli draws for one iteration (``None`` without MES).

        The same draws serve the virtual and the actual step of an
        iteration, so the advisor is meta-trained on the loss it changes.
        """
        if 'mes' not in getattr(self.advisor, 'outputs', ()):
            return None
        return self.loss_module.sample_beta(logits, generator)

    def advised_loss(self,
                     feats: torch.Tensor,
                     labels: torch.Tensor,
                     advice: Dict[str, Optional[torch.Tensor]],
                     beta: Optional[torch.Tensor] = None) -> torch.Tensor:
        r"""The classification loss under the advice (phases 2 and 4).

        :math:`\mathcal{L}^{train} = \frac{1}{N} \sum_i v_i\,
        \mathrm{MES}(\Phi_c(W_f \odot f_i), y_i; s_i)` with the parts of
        the advice the advisor gives: ``w_f`` (MFRW), ``s`` (MES),
        ``sample_weight`` :math:`v_i` (MW-Net); a missing part is the
        identity.
        """
        w_f = advice.get('w_f')
        attended = feats * w_f if w_f is not None else feats
        logits = self.fc(attended)
        extra = {}
        if advice.get('s') is not None:
            extra = dict(s=advice['s'], beta=beta)
        # A per-sample loss weight (MW-Net, section 2.4.1, eq. 2.1).
        weight = advice.get('sample_weight')
        return self.loss_module(
            logits,
            labels,
            weight=weight.reshape(-1) if weight is not None else None,
            avg_factor=logits.size(0),
            **extra)
