"""The differentiable SGD step of the virtual classifier (phase 2)."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn


def virtual_sgd_step(params: Dict[str, torch.Tensor],
                     grads: Dict[str, torch.Tensor],
                     hparams: Dict[str, dict],
                     mirror_optimizer: bool = False
                     ) -> Dict[str, torch.Tensor]:
    r"""One SGD step that stays differentiable in ``grads`` (eq. 2.3).

    .. math::
        \hat{w}(\theta) = w - \alpha\, d(\theta)

    With ``mirror_optimizer=False`` (the thesis' algorithm),
    :math:`d = \nabla_w \mathcal{L}^{train}`. With ``True``, ``d`` is the
    direction ``torch.optim.SGD`` would take from its current state:
    weight decay :math:`g + \lambda w`, then momentum
    :math:`\mu b + (1 - \tau) g` (dampening :math:`\tau`; the first step,
    without a buffer, takes ``g``), then Nesterov :math:`g + \mu d`. The
    optimizer's buffers are read, never written: the real parameters and
    the real optimizer state stay untouched.

    Args:
        params (dict): Name to the current parameter ``w``.
        grads (dict): Name to its gradient (with a graph to the advisor).
        hparams (dict): Name to a dict with ``lr`` and, for mirroring,
            ``momentum``, ``dampening``, ``weight_decay``, ``nesterov`` and
            ``momentum_buffer`` (``None`` before the first real step).
        mirror_optimizer (bool): Mirror SGD's weight decay and momentum.

    Returns:
        dict: Name to the virtual parameter :math:`\hat{w}`.
    """
    new_params = {}
    for name, param in params.items():
        hp = hparams[name]
        direction = grads[name]
        if mirror_optimizer:
            if hp.get('weight_decay', 0):
                direction = direction + hp['weight_decay'] * param.detach()
            momentum = hp.get('momentum', 0)
            if momentum:
                buf = hp.get('momentum_buffer')
                if buf is None:
                    buf_next = direction
                else:
                    buf_next = momentum * buf + \
                        (1 - hp.get('dampening', 0)) * direction
                direction = direction + momentum * buf_next \
                    if hp.get('nesterov', False) else buf_next
        new_params[name] = param - hp['lr'] * direction
    return new_params


def virtual_step_slope(hp: dict, mirror_optimizer: bool = False) -> float:
    r"""The factor ``s`` in :math:`\partial \hat{w} / \partial g = -s`.

    :func:`virtual_sgd_step` is affine in the gradient ``g``:
    ``lr`` for plain SGD; with mirrored momentum ``lr (1 - dampening)``
    once a momentum buffer exists (``lr`` before), times
    ``(1 + momentum)`` with Nesterov. Weight decay and the buffer do not
    depend on ``g``.
    """
    slope = 1.0
    if mirror_optimizer and hp.get('momentum', 0):
        inner = 1.0 if hp.get('momentum_buffer') is None else \
            1 - hp.get('dampening', 0)
        slope = 1 + hp['momentum'] * inner if hp.get('nesterov', False) \
            else inner
    return hp['lr'] * slope


def sgd_hparams(optimizer: torch.optim.Optimizer,
                names: Dict[int, str],
                mirror_optimizer: bool) -> Dict[str, dict]:
    """Read each parameter's step hyper-parameters from ``optimizer``.

    Args:
        optimizer (Optimizer): The classifier's real optimizer.
        names (dict): ``id(param)`` to the parameter's name.
        mirror_optimizer (bool): Whether momentum/weight decay are needed;
            then the optimizer must be ``torch.optim.SGD``.

    Returns:
        dict: Name to the hyper-parameters :func:`virtual_sgd_step` reads.
    """
    if mirror_optimizer and not isinstance(optimizer, torch.optim.SGD):
        raise ValueError(
            'mirror_optimizer=True mirrors torch.optim.SGD, but the '
            f'classifier optimizer is {type(optimizer).__name__}: use SGD, '
            'or set mirror_optimizer=False (the virtual step is then plain '
            'gradient descent at the current learning rate, eq. 2.3).')
    hparams: Dict[str, dict] = {}
    for group in optimizer.param_groups:
        for param in group['params']:
            name = names.get(id(param))
            if name is None:
                continue
            hp = dict(lr=group['lr'])
            if mirror_optimizer:
                hp.update(
                    momentum=group.get('momentum', 0),
                    dampening=group.get('dampening', 0),
                    weight_decay=group.get('weight_decay', 0),
                    nesterov=group.get('nesterov', False),
                    momentum_buffer=optimizer.state.get(param, {}).get(
                        'momentum_buffer'))
            hparams[name] = hp
    return hparams


def virtual_parameters(
        model: nn.Module, optimizer: torch.optim.Optimizer,
        prefixes: Optional[Sequence[str]] = None
) -> Tuple[List[str], List[torch.Tensor]]:
    """The parameters the virtual step updates: the trainable ones of
    ``optimizer`` whose names start with one of ``prefixes`` (all of them
    for ``None``), in the model's order.

    Raises:
        ValueError: No parameter is selected, or a prefix selects none (a
            typo would otherwise silently shrink the virtual step).
    """
    in_optimizer = {
        id(p)
        for group in optimizer.param_groups for p in group['params']
    }
    if isinstance(prefixes, str):
        prefixes = [prefixes]
    prefixes = tuple(prefixes) if prefixes is not None else None
    names, params, trainable = [], [], []
    for name, param in model.named_parameters():
        if not param.requires_grad or id(param) not in in_optimizer:
            continue
        trainable.append(name)
        if prefixes is not None and not name.startswith(prefixes):
            continue
        names.append(name)
        params.append(param)
    unmatched = [p for p in prefixes or ()
                 if not any(n.startswith(p) for n in names)]
    if unmatched or not params:
        modules = sorted({n.rsplit('.', 1)[0] for n in trainable})
        shown = ', '.join(repr(m) for m in modules[:12]) + \
            (', ...' if len(modules) > 12 else '')
        raise ValueError(
            f'virtual_params={list(prefixes) if prefixes else prefixes} '
            'selects no trainable classifier parameter for the prefix(es) '
            f'{unmatched}: give name prefixes of the model\'s parameters, '
            f'e.g. among {shown}.')
    return names, params

