"""The advisor network Psi, thesis sections 2.4.3 and 3.4.3."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

OUTPUTS = ('mfrw', 'mes')
#: The advisors' default initialisation (every output starts at 0.5):
#: MMPretrain's linear-head initialisation applied to their own layers.
DEFAULT_INIT = dict(type='Normal', layer='Linear', std=0.01)


@MODELS.register_module()
class Advisor(BaseModule):
    r"""The meta-model :math:`\Psi(f, \mathcal{L}; \theta)` (figs. 2.4, 3.2).

    Each input, the backbone feature :math:`f \in \mathbb{R}^d` and the
    pre-calculated loss :math:`\mathcal{L}^{pre} \in \mathbb{R}`, is
    projected by its own fully connected layer into an embedding of size
    ``embed_dims``; the two embeddings are concatenated and a third fully
    connected layer maps them into the common space (of size
    ``2 * embed_dims``, the sum of the embedding sizes). One fully connected
    layer and a sigmoid per output then give

    - ``w_f`` :math:`= W_f \in (0, 1)^d`, the MFRW mask (eq. 3.3), and
    - ``s`` :math:`= s \in (0, 1)^C`, the MES suppression values (eq. 3.8).

    ReLU follows the embedding and common-space layers.

    **Initialisation.** By default every fully connected layer starts with
    weights drawn from :math:`\mathcal{N}(0, 0.01^2)` and zero biases
    (:data:`DEFAULT_INIT`), the initialisation of MMPretrain's linear head,
    which this repository's results use: every output then starts at the
    sigmoid's 0.5 (``W_f`` halves every feature, ``s`` suppresses every
    negative class by half) and moves as the advisor learns. The authors'
    code leaves PyTorch's default ``nn.Linear`` initialisation
    (Kaiming-uniform weights, uniform biases): pass ``init_cfg=None`` to
    keep it; the outputs then start spread around 0.5. The thesis does not
    say which it uses.

    Args:
        feat_dim (int): Size ``d`` of the backbone feature.
        num_classes (int): Number of classes ``C``.
        outputs (Sequence[str]): Any of ``'mfrw'`` and ``'mes'``.
            Defaults to both (MFRW-MES).
        embed_dims (int): Size of each input embedding. Defaults to 100
            (sections 2.5.2 and 3.5.2).
        init_cfg (dict, optional): Initialization config. Defaults to
            :data:`DEFAULT_INIT`; ``None`` keeps PyTorch's default.
    """

    def __init__(self,
                 feat_dim: int,
                 num_classes: int,
                 outputs: Sequence[str] = OUTPUTS,
                 embed_dims: int = 100,
                 init_cfg: Optional[dict] = DEFAULT_INIT) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(outputs, str):
            outputs = (outputs, )
        unknown = [o for o in outputs if o not in OUTPUTS]
        if unknown or not outputs:
            raise ValueError(
                f'outputs={tuple(outputs)} must be a non-empty subset of '
                f'{OUTPUTS}: "mfrw" for the feature mask, "mes" for the '
                'equalization-softmax weights.')
        for name, value in (('feat_dim', feat_dim),
                            ('num_classes', num_classes),
                            ('embed_dims', embed_dims)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f'{name}={value} must be a positive integer.')
        self.feat_dim = feat_dim
        self.num_classes = num_classes
        self.outputs = tuple(outputs)
        self.feat_embed = nn.Linear(feat_dim, embed_dims)
        self.loss_embed = nn.Linear(1, embed_dims)
        self.common = nn.Linear(2 * embed_dims, 2 * embed_dims)
        self.act = nn.ReLU(inplace=False)
        self.mfrw = nn.Linear(2 * embed_dims, feat_dim) \
            if 'mfrw' in self.outputs else None
        self.mes = nn.Linear(2 * embed_dims, num_classes) \
            if 'mes' in self.outputs else None

    def forward(self, feats: torch.Tensor,
                losses: torch.Tensor) -> Dict[str, Optional[torch.Tensor]]:
        """Advise on a batch.

        Args:
            feats (torch.Tensor): Backbone features ``(N, d)``.
            losses (torch.Tensor): Per-sample losses ``(N, )``.

        Returns:
            dict: ``w_f`` ``(N, d)`` and ``s`` ``(N, C)``; ``None`` for an
            output this advisor does not have.
        """
        if feats.dim() != 2 or feats.size(1) != self.feat_dim:
            raise ValueError(
                f'the advisor expects features of shape (N, {self.feat_dim}) '
                f'but got {tuple(feats.shape)}: set the head\'s in_channels '
                'to the size of the backbone (+ neck) output.')
        embedded = torch.cat([
            self.act(self.feat_embed(feats)),
            self.act(self.loss_embed(losses.reshape(-1, 1).to(feats.dtype)))
        ], dim=1)
        common = self.act(self.common(embedded))
        return dict(
            w_f=torch.sigmoid(self.mfrw(common))
            if self.mfrw is not None else None,
            s=torch.sigmoid(self.mes(common))
            if self.mes is not None else None)
