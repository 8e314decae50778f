"""Read checkpoint files with errors that name the file and the fix.

``torch.load`` reports a truncated, empty or foreign file with its own
internals (``PytorchStreamReader failed reading zip archive``, a bare
``EOFError``, ``Unsupported operand 223``) and without the path; for a
file it cannot unpickle under ``weights_only=True`` it even suggests
``weights_only=False``, the setting that runs whatever code the file
holds. :func:`load_checkpoint_file` loads under ``weights_only=True``
only and turns each failure into a :class:`CheckpointFileError` that
names the file, what is wrong with it and what to do.

:func:`check_state_dict` compares a checkpoint's weights with a model
key by key (missing, unexpected, shape), which MMEngine's non-strict
loading only logs.
"""
import os.path as osp
import pickle
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

#: Parameters the advisor adds to ``AdvisorHead``; unused at test time.
ADVISOR_PREFIX = 'head.advisor.'


class CheckpointFileError(ValueError):
    """A checkpoint file that cannot be read, or does not fit the model."""


#: torch's words for a pickled global that ``weights_only`` refuses: "Unsupported
#: global: GLOBAL x.y" (torch 2.4-2.6) or "Trying to load unsupported GLOBAL
#: posix.system whose module posix is blocked" (later releases).
_UNSUPPORTED_GLOBAL = re.compile(r'((?:Trying to load )?unsupported global'
                                 r'[^\n]*)', re.I)


def _reason(err: BaseException) -> str:
    """torch's message, cut to the part that says what is wrong."""
    text = str(err)
    match = _UNSUPPORTED_GLOBAL.search(text) or re.search(
        r'WeightsUnpickler error:\s*(.*?)(\n\n|$)', text, re.S)
    if match:
        text = match.group(1)
    text = text.strip().split('. ')[0].strip().rstrip('.')
    return f'{type(err).__name__}: {text}' if text else type(err).__name__


def load_checkpoint_file(path: str, map_location='cpu') -> dict:
    """Load a checkpoint with ``torch.load(weights_only=True)``.

    Args:
        path (str): The checkpoint file.
        map_location: Passed to ``torch.load``. Defaults to ``'cpu'``.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CheckpointFileError: ``path`` is empty, truncated, not a PyTorch
            checkpoint, holds objects ``weights_only`` refuses, or is not a
            dict.
    """
    if not osp.exists(path):
        raise FileNotFoundError(
            f'checkpoint {path!r} does not exist: check the path (a run '
            'writes WORK_DIR/epoch_N.pth or iter_N.pth, and the newest one\'s '
            'path into WORK_DIR/last_checkpoint).')
    if osp.isdir(path):
        raise CheckpointFileError(
            f'checkpoint {path!r} is a directory; pass a .pth file in it.')
    size = osp.getsize(path)
    if size == 0:
        raise CheckpointFileError(
            f'checkpoint {path!r} is empty (0 bytes): the run that wrote it '
            'was probably stopped while saving. Use an earlier checkpoint of '
            'the run (WORK_DIR/epoch_N.pth) or copy the file again.')
    try:
        checkpoint = torch.load(
            path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if _UNSUPPORTED_GLOBAL.search(str(err)):
            raise CheckpointFileError(
                f'checkpoint {path!r} holds objects that loading with '
                f'weights_only=True refuses ({_reason(err)}). It was not '
                'written by an MMEngine runner with mmadvisor imported, or it '
                'was altered. mmadvisor never loads checkpoints with '
                'weights_only=False, which would run any code the file holds: '
                'if you wrote the file yourself, re-save just its weights '
                "(torch.save({'state_dict': ...}, new_path)).") from None
        raise CheckpointFileError(
            f'checkpoint {path!r} ({size} bytes) is not a readable PyTorch '
            f'checkpoint ({_reason(err)}): it is corrupt or not a checkpoint '
            'at all. Copy it again or use another checkpoint of the run '
            '(WORK_DIR/epoch_N.pth).') from None
    except (RuntimeError, EOFError, ValueError, OSError) as err:
        raise CheckpointFileError(
            f'checkpoint {path!r} ({size} bytes) is not a readable PyTorch '
            f'checkpoint ({_reason(err)}): it is truncated or corrupt, e.g. '
            'the run was stopped while saving it or the copy is incomplete. '
            'Copy it again or use an earlier checkpoint of the run '
            '(WORK_DIR/epoch_N.pth).') from None
    if not isinstance(checkpoint, dict):
        raise CheckpointFileError(
            f'checkpoint {path!r} holds a {type(checkpoint).__name__}, not '
            'the dict an MMEngine runner writes (state_dict, meta, ...).')
    return checkpoint


def state_dict_of(checkpoint: dict, path: str) -> Dict[str, torch.Tensor]:
    """The weights of a checkpoint (``state_dict`` or a bare weights dict),
    with DDP's ``module.`` prefix removed as MMEngine does."""
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, dict) or not all(
            torch.is_tensor(v) for v in state.values()) or not state:
        raise CheckpointFileError(
            f'checkpoint {path!r} has no weights: expected a "state_dict" '
            'of tensors (as an MMEngine runner writes).')
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


def _examples(keys: Sequence[str], n: int = 3) -> str:
    shown = ', '.join(keys[:n])
    return shown + (', ...' if len(keys) > n else '')


def check_state_dict(model: nn.Module,
                     state: Dict[str, torch.Tensor],
                     path: str,
                     ignore: Iterable[str] = (),
                     written_by: Optional[str] = None) -> None:
    """Stop unless ``state`` holds exactly the model's tensors.

    Args:
        model (nn.Module): The model the weights are for (unwrapped).
        state (dict): The checkpoint's weights.
        path (str): The checkpoint, for the message.
        ignore (Iterable[str]): Key prefixes allowed to be missing or
            unexpected (e.g. the advisor's at test time).
        written_by (str, optional): The run that wrote the checkpoint.

    Raises:
        CheckpointFileError: Keys are missing, unexpected or of another
            shape.
    """
    ignore = tuple(ignore)
    own = model.state_dict()
    missing = [k for k in own if k not in state and not k.startswith(ignore)
               ] if ignore else [k for k in own if k not in state]
    unexpected = [
        k for k in state if k not in own and not (ignore and k.startswith(
            ignore))
    ]
    shapes: List[Tuple[str, tuple, tuple]] = [
        (k, tuple(state[k].shape), tuple(v.shape)) for k, v in own.items()
        if k in state and tuple(state[k].shape) != tuple(v.shape)
    ]
    if not (missing or unexpected or shapes):
        return
    parts = []
    if missing:
        parts.append(f'{len(missing)} of the model\'s tensors are missing '
                     f'({_examples(missing)})')
    if unexpected:
        parts.append(f'{len(unexpected)} tensors are not in the model '
                     f'({_examples(unexpected)})')
    if shapes:
        k, got, want = shapes[0]
        parts.append(f'{len(shapes)} have another shape ({k}: '
                     f'{list(got)} in the checkpoint, {list(want)} in the '
                     'model)')
    origin = f' It was written by the run {written_by!r}.' \
        if written_by else ''
    raise CheckpointFileError(
        f'checkpoint {path!r} does not fit the model of this config: '
        + '; '.join(parts) + '.' + origin + ' Use the config the checkpoint '
        'was trained with (or the stock config of the same model for a '
        'checkpoint stripped with strip_advisor.py).')
