"""Resume under ``torch.load(weights_only=True)``.

torch >= 2.6 loads checkpoints with ``weights_only=True`` by default, and
MMEngine 0.10.x writes runner state that the restricted unpickler refuses:
``HistoryBuffer`` objects in ``message_hub``, the numpy arrays and scalars
inside them, and, through the instance dictionary, references to the
buffer's methods that pickle as ``getattr(HistoryBuffer, 'min')``.
Allowing ``getattr`` would let a checkpoint reach any attribute of any
allowed object, so instead:

1. ``HistoryBuffer`` is pickled through :func:`_rebuild_history_buffer`
   with its data only (``copyreg``), never its methods;
2. exactly the globals such a checkpoint then contains are allow-listed:
   that rebuild function, and numpy's array/scalar/dtype reconstructors.

Arbitrary code in a checkpoint is still refused. Checkpoints written before
``mmadvisor`` was imported still need ``weights_only=False``.
"""
import copyreg

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


def _rebuild_history_buffer(log_history: np.ndarray,
                            count_history: np.ndarray,
                            max_length: int) -> HistoryBuffer:
    """Unpickle a :class:`HistoryBuffer` from its data."""
    return HistoryBuffer(log_history, count_history, max_length)


def _reduce_history_buffer(buffer: HistoryBuffer):
    return _rebuild_history_buffer, (buffer._log_history,
                                     buffer._count_history,
                                     buffer.max_length)


def _safe_globals() -> list:
    objs = [_rebuild_history_buffer, np.ndarray, np.dtype]
    # numpy >= 2 moved the array reconstructor to ``numpy._core``.
    try:
        from numpy._core.multiarray import _reconstruct, scalar
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
    """Make MMEngine runner checkpoints loadable with ``weights_only``.

    A no-op for the allow-list on torch < 2.4 (no
    ``torch.serialization.add_safe_globals``), which loads with
    ``weights_only=False`` by default anyway.
    """
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is not None:
        add(_safe_globals())
