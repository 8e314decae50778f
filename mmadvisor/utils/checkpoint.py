"""Resume under ``torch.load(weights_only=True)``.

torch >= 2.6 loads checkpoints with ``weights_only=True`` by default, and
MMEngine 0.10.x writes runner state that the restricted unpickler refuses
(``HistoryBuffer`` objects in ``message_hub`` and the numpy arrays and
scalars inside them). Rather than turning ``weights_only`` off for every
load, we allow-list exactly the globals that MMEngine's own runner state
contains. Arbitrary code in a checkpoint is still refused.
"""
import torch


def _safe_globals() -> list:
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer

    objs = [HistoryBuffer, np.ndarray, np.dtype]
    # numpy >= 2 moved the array reconstructor to ``numpy._core``.
    try:
        from numpy._core.multiarray import _reconstruct, scalar
        objs += [_reconstruct, scalar]
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
        objs += [_reconstruct, scalar]
    # The concrete dtype classes (``numpy.dtypes.Float64DType`` ...) that
    # pickled arrays and scalars name.
    for name in dir(np.dtypes):
        cls = getattr(np.dtypes, name)
        if isinstance(cls, type) and issubclass(cls, np.dtype):
            objs.append(cls)
    return objs


def register_safe_globals() -> None:
    """Allow-list MMEngine's runner-state globals for ``weights_only`` loads.

    A no-op on torch versions without ``torch.serialization.add_safe_globals``
    (< 2.4), which load with ``weights_only=False`` by default anyway.
    """
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is not None:
        add(_safe_globals())
