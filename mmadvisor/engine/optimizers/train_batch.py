"""What phase 1 of the bilevel step computes on the training batch."""
from typing import Dict, NamedTuple, Optional

import torch


class TrainBatch(NamedTuple):
    """The training batch after phase 1 (loss pre-calculation), as phases
    2-4 use it: one backbone forward serves the three.

    Attributes:
        inputs: The preprocessed images.
        feats: Their features ``f`` (with the graph to the backbone, kept
            for phase 4).
        labels: The (possibly noisy) labels.
        pre_loss: :math:`\\mathcal{L}^{pre}`, per sample, without gradient.
        beta: The MES Bernoulli draws of this iteration (``None`` without
            MES).
        pre_logits: The un-masked logits of phase 1.
        samples: The data samples.
        primals: The outputs of the feature path's linear layers in phase
            1, by module (:func:`record_linear_outputs`), when the
            meta-gradient will need the features' tangent; else None.
    """
    inputs: torch.Tensor
    feats: torch.Tensor
    labels: torch.Tensor
    pre_loss: torch.Tensor
    beta: Optional[torch.Tensor]
    pre_logits: torch.Tensor
    samples: list
    primals: Optional[dict] = None

    def advice_record(
            self, advice: Dict[str, Optional[torch.Tensor]]
    ) -> Dict[str, torch.Tensor]:
        """One iteration's advice per sample, for ``AdviceRecordHook``."""
        return dict(
            sample_idx=torch.tensor(
                [s.metainfo.get('sample_idx', -1) for s in self.samples]),
            gt_label=self.labels.detach(),
            pre_loss=self.pre_loss.detach(),
            pred_score=self.pre_logits.detach().float().softmax(dim=1),
            **{k: v.detach().float()
               for k, v in advice.items() if v is not None})


class DrawGenerator:
    """The generator of the MES Bernoulli draws, saved with the optim
    wrapper's state so that a resumed run draws exactly what the
    uninterrupted one would have. Created on the batch's device on first
    use, seeded from the run's seed (``torch.initial_seed()``) and the rank,
    or restored from a saved state."""

    def __init__(self) -> None:
        self._generator: Optional[torch.Generator] = None
        self._state: Optional[torch.Tensor] = None

    def get(self, device: torch.device) -> torch.Generator:
        if self._generator is None:
            from mmengine.dist import get_rank, is_distributed
            self._generator = torch.Generator(device=device)
            if self._state is not None:
                self._generator.set_state(self._state)
            else:
                rank = get_rank() if is_distributed() else 0
                self._generator.manual_seed(
                    (torch.initial_seed() + rank) % 2**63)
        return self._generator

    def state(self) -> Optional[torch.Tensor]:
        """The state to save (None before the first draw)."""
        return None if self._generator is None else \
            self._generator.get_state()

    def restore(self, state: Optional[torch.Tensor]) -> None:
        """Continue from a saved state on next use."""
        self._state, self._generator = state, None
