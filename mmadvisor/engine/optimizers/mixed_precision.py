"""Mixed precision for the bilevel step: autocast and float16 scaling."""
import contextlib
from typing import Callable, List, Optional, Union

import torch

AMP_DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}


def parse_amp(amp: Union[bool, str, None]) -> Optional[torch.dtype]:
    """The autocast dtype of ``amp``: ``False``/``None`` (float32),
    ``True`` (bfloat16 on CPU and on GPUs that support it, float16
    otherwise), ``'bfloat16'`` or ``'float16'``."""
    if amp is False or amp is None:
        return None
    if amp is True:
        if not torch.cuda.is_available() or torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16
    if amp in AMP_DTYPES:
        return AMP_DTYPES[amp]
    raise ValueError(f"amp={amp!r} must be False, True, 'bfloat16' or "
                     "'float16'.")


def autocast(device_type: str, dtype: Optional[torch.dtype]):
    """Autocast for the forward computations (never the backward); a no-op
    for ``dtype=None``."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=dtype)


class LossScaling:
    """Dynamic loss scaling of the virtual, meta and actual gradients.

    MMEngine's ``AmpOptimWrapper`` scales the one ``backward()`` of a
    training step through ``torch.amp.GradScaler``. The bilevel step also
    takes gradients with ``torch.autograd.grad`` (phases 2 and 3), which the
    scaler cannot unscale, so this class scales those by hand with the
    scaler's current scale and skips the meta update when they overflow,
    and lets the scaler drive the real step (phase 4) as usual: unscale,
    skip on overflow, update the scale.

    With ``enabled=False`` (float32, bfloat16) every method is the identity.

    Args:
        enabled (bool): Scale (float16) or not.
        init_scale (float): The initial scale. Defaults to 2**16.
    """

    def __init__(self, enabled: bool, init_scale: float = 2.0**16) -> None:
        self.scaler = torch.amp.GradScaler(
            'cuda' if torch.cuda.is_available() else 'cpu',
            init_scale=init_scale) if enabled else None

    @property
    def enabled(self) -> bool:
        return self.scaler is not None

    def scale(self, loss: torch.Tensor) -> torch.Tensor:
        """The loss to differentiate."""
        return loss if self.scaler is None else \
            loss * self.scaler.get_scale()

    def unscale(self, grads: List[Optional[torch.Tensor]]
                ) -> List[Optional[torch.Tensor]]:
        """Gradients of a :meth:`scale`-d loss, back at the loss's scale."""
        if self.scaler is None:
            return list(grads)
        scale = self.scaler.get_scale()
        return [None if g is None else g / scale for g in grads]

    def overflowed(self, grads: List[Optional[torch.Tensor]]) -> bool:
        """Whether float16 gradients overflowed (never without scaling)."""
        return self.scaler is not None and not all(
            torch.isfinite(g).all() for g in grads if g is not None)

    def backward(self, loss: torch.Tensor) -> None:
        """The backward of the training loss (phase 4), scaled for float16
        (the scaler's own ``scale``)."""
        (loss if self.scaler is None else self.scaler.scale(loss)).backward()

    def step(self, optimizer: torch.optim.Optimizer,
             before_step: Callable[[], None]) -> None:
        """The optimizer's step after :meth:`backward` (phase 4): for
        float16, unscale, skip on overflow and update the scale.

        Args:
            optimizer (Optimizer): The classifier's optimizer.
            before_step (callable): Called with unscaled gradients, e.g.
                to clip them.
        """
        if self.scaler is None:
            before_step()
            optimizer.step()
            return
        self.scaler.unscale_(optimizer)
        before_step()
        self.scaler.step(optimizer)
        self.scaler.update()

    def state_dict(self) -> dict:
        return {} if self.scaler is None else self.scaler.state_dict()

    def load_state_dict(self, state: dict) -> None:
        if self.scaler is not None and state:
            self.scaler.load_state_dict(state)
