"""MW-Net's meta-weight network (Shu et al., NeurIPS 2019), section 2.4.1."""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .advisor import DEFAULT_INIT


@MODELS.register_module()
class MWNet(BaseModule):
    r"""Maps each sample's loss to a weight: :math:`\mathcal{V}_i =
    \Psi(\mathcal{L}_i; \theta) \in (0, 1)` (eq. 2.1).

    An MLP ``1 -> hidden -> 1`` with ReLU and a sigmoid, as in MW-Net. Put
    it in an :class:`AdvisorHead` with a cross-entropy loss: the head then
    minimises :math:`\frac{1}{n}\sum_i \mathcal{V}_i \mathcal{L}_i`, and
    :class:`MetaOptimWrapper` meta-trains it with the same four phases as
    MFRW/MES. The feature input is accepted and ignored.

    Its layers start as :class:`Advisor`'s do (:data:`DEFAULT_INIT`:
    :math:`\mathcal{N}(0, 0.01^2)` weights, zero biases; every weight starts
    at 0.5). MW-Net's code keeps PyTorch's default ``nn.Linear``
    initialisation: ``init_cfg=None``.

    Args:
        feat_dim (int): Unused (the head passes it to every advisor).
        num_classes (int): Unused.
        hidden (int): Hidden units. Defaults to 100 (MW-Net).
        init_cfg (dict, optional): Initialization config. Defaults to
            :data:`DEFAULT_INIT`; ``None`` keeps PyTorch's default.
    """

    outputs = ('sample_weight', )

    def __init__(self,
                 feat_dim: int = 0,
                 num_classes: int = 0,
                 hidden: int = 100,
                 init_cfg: Optional[dict] = DEFAULT_INIT) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(hidden, int) or hidden <= 0:
            raise ValueError(f'hidden={hidden} must be a positive integer.')
        self.net = nn.Sequential(
            nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, feats: torch.Tensor,
                losses: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Return ``sample_weight`` of shape ``(N, )``."""
        weight = torch.sigmoid(self.net(losses.reshape(-1, 1).to(
            self.net[0].weight.dtype)))
        return dict(sample_weight=weight.reshape(-1))
