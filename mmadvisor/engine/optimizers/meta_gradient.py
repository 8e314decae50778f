r"""The advisor's meta-gradient (phase 3), in its two exact forms.

The meta objective is the meta loss of the virtual classifier,
:math:`\mathcal{L}^{meta}(\hat{w}(\theta))`, with
:math:`\hat{w}(\theta) = w - c\,\alpha\, g(\theta)` and
:math:`g(\theta) = \nabla_w \mathcal{L}^{train}(w, \theta)` (eq. 2.3; ``c``
the slope of the virtual step in ``g``: 1 for plain SGD, see
:func:`virtual_step_slope`). Its gradient is formed either

- by differentiating through the virtual step's graph
  (:func:`double_backward_meta_gradient`, the literal form of eq. 2.4: a
  backward pass through a backward pass), or
- with one forward-mode product of the backbone
  (:func:`meta_tangents`, then :func:`forward_meta_gradient`): the same
  value, without the backward of the backward.
"""
import contextlib
import functools
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn
from torch.autograd import forward_ad
from torch.func import functional_call

from .mixed_precision import LossScaling
from .train_batch import TrainBatch

Grads = List[Optional[torch.Tensor]]


def double_backward_meta_gradient(meta_loss: torch.Tensor,
                                  advisor_params: List[torch.Tensor],
                                  scaling: LossScaling) -> Grads:
    r""":math:`\nabla_\theta \mathcal{L}^{meta}` through the graph of the
    virtual step (phase 2 kept it: ``create_graph=True``)."""
    grads = torch.autograd.grad(
        scaling.scale(meta_loss),
        advisor_params,
        retain_graph=True,
        allow_unused=True)
    return scaling.unscale(list(grads))


def meta_tangents(meta_loss: torch.Tensor, virtual: Dict[str, torch.Tensor],
                  tangent_scale: Dict[str, float], scaling: LossScaling,
                  average: Callable[[Grads], Grads]
                  ) -> Optional[Dict[str, torch.Tensor]]:
    r"""The direction of the forward-mode meta-gradient:
    :math:`t = -c\,\alpha\, v` with
    :math:`v = \nabla_{\hat{w}} \mathcal{L}^{meta}` (one backward of the
    meta batch, which frees its graph).

    Args:
        meta_loss (torch.Tensor): :math:`\mathcal{L}^{meta}` of the virtual
            parameters ``virtual`` (leaves that require grad).
        virtual (dict): Name to :math:`\hat{w}`.
        tangent_scale (dict): Name to ``c * alpha`` of its virtual step.
        scaling (LossScaling): float16 scaling (identity otherwise).
        average (callable): Averages ``v`` over ranks.

    Returns:
        dict | None: Name to :math:`t`; ``None`` when float16 ``v``
        overflows.
    """
    names = list(virtual)
    v = torch.autograd.grad(
        scaling.scale(meta_loss), [virtual[n] for n in names],
        allow_unused=True)
    v = [
        torch.zeros_like(virtual[n]) if g is None else g
        for n, g in zip(names, scaling.unscale(list(v)))
    ]
    if scaling.overflowed(v):
        return None
    v = average(v)
    return {n: -tangent_scale[n] * g for n, g in zip(names, v)}


def forward_meta_gradient(model: nn.Module, tangents: Dict[str, torch.Tensor],
                          batch: TrainBatch, advisor_params: List[torch.Tensor],
                          autocast: Callable) -> Grads:
    r"""The meta-gradient without differentiating through a backward pass.

    With the direction :math:`t = -c\,\alpha\, v` of
    :func:`meta_tangents`,

    .. math::
        \nabla_\theta \mathcal{L}^{meta} = \nabla_\theta
        \big\langle g(\theta), t \big\rangle
        = \nabla_\theta \Big( \big\langle
        \tfrac{\partial H}{\partial f}, \dot{f} \big\rangle +
        \big\langle \tfrac{\partial H}{\partial w_c}, t_c
        \big\rangle \Big),

    where :math:`H(f, w_c, \theta)` is the advised training loss as a
    function of the features and the head (the advisor sees ``f``
    detached, so :math:`\theta` enters only there) and
    :math:`\dot{f} = J_f(w_b)\, t_b` is the change of the training features
    along the backbone part of ``t``: one forward-mode pass (a
    Jacobian-vector product, :func:`feature_jvp`) instead of a backward
    pass through the graph of a backward pass. Exact, like the
    double-backward form; cheaper in time and memory. The forward-mode
    pass replays the backbone in train mode: it must compute phase 1's
    function, so a backbone with stochastic layers (dropout, stochastic
    depth) draws other masks there and the product is that of another
    sample of the network; use ``meta_gradient='double_backward'``, which
    differentiates phase 1's own graph, for such backbones.

    Args:
        model (nn.Module): The classifier (``w`` at its parameters).
        tangents (dict): Name to :math:`t` (:func:`meta_tangents`).
        batch (TrainBatch): Phase 1's training batch (its ``primals``, if
            recorded, spare the tangent pass the layers' outputs).
        advisor_params (list): :math:`\theta`.
        autocast (callable): The forward passes' autocast context.

    Returns:
        list: The gradient of each advisor parameter (``None`` if unused).
    """
    names = list(tangents)
    head_names = [n for n in names if n.startswith('head.')]
    body = {n: t for n, t in tangents.items() if n not in head_names}
    f_dot = feature_jvp(model, batch.inputs, body, autocast,
                        batch.primals) if body else None

    head = model.head
    feats = batch.feats.detach().requires_grad_(f_dot is not None)
    with autocast():
        advice = head.advise(feats, batch.pre_loss)
        loss = head.advised_loss(feats, batch.labels, advice, batch.beta)
    named = dict(model.named_parameters())
    wrt = ([feats] if f_dot is not None else []) + [
        named[n] for n in head_names
    ]
    directions = ([f_dot] if f_dot is not None else []) + [
        tangents[n] for n in head_names
    ]
    partials = torch.autograd.grad(
        loss, wrt, create_graph=True, allow_unused=True)
    phi = sum((d * t).sum() for d, t in zip(partials, directions)
              if d is not None)
    if not torch.is_tensor(phi) or not phi.requires_grad:
        return [None] * len(advisor_params)
    return list(torch.autograd.grad(phi, advisor_params, allow_unused=True))


class _FeatureExtractor(nn.Module):
    """``head.pre_logits(extract_feat(x))`` as one module's forward, so that
    :func:`torch.func.functional_call` can run the feature path with other
    parameters (the dual tensors of :func:`feature_jvp`)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model.head.pre_logits(self.model.extract_feat(inputs))


def feature_jvp(model: nn.Module,
                inputs: torch.Tensor,
                tangents: Dict[str, torch.Tensor],
                autocast: Callable = contextlib.nullcontext,
                primals: Optional[Dict[nn.Module, list]] = None
                ) -> torch.Tensor:
    r""":math:`\dot{f} = J_f(w)\, t`: the forward-mode derivative of the
    training features along the parameter tangents ``t`` (by name; the
    other parameters are held). Runs on copies of the buffers, so batch-norm
    running statistics are not updated.

    A forward-mode pass computes every layer's output (the *primal*) beside
    its tangent. Phase 1 already computed the primals on the same batch
    with the same parameters; given them (``primals``, recorded by
    :func:`record_linear_outputs`), each recorded linear layer (convolution,
    fully connected) returns its phase-1 output with only the tangent
    computed, :math:`\dot{y} = W \star \dot{x} + \dot{W} \star x +
    \dot{b}`: two products instead of three (a layer with neither a
    tangent input nor tangent parameters: none). Element-wise layers (batch
    norm, activations, pooling) still run forward mode on the primal they
    are given, which is phase 1's.
    """
    extractor = _FeatureExtractor(model)
    with torch.no_grad(), forward_ad.dual_level(), \
            _tangent_only(primals or {}):
        params = {
            f'model.{n}': forward_ad.make_dual(p.detach(), tangents[n])
            for n, p in model.named_parameters() if n in tangents
        }
        buffers = {
            f'model.{n}': b.clone()
            for n, b in model.named_buffers()
        }
        with autocast():
            out = functional_call(
                extractor, {
                    **params,
                    **buffers
                }, (inputs, ), strict=False)
        tangent = forward_ad.unpack_dual(out).tangent
    return torch.zeros_like(out) if tangent is None else tangent


def recompute_features(model: nn.Module, inputs: torch.Tensor,
                       autocast: Callable = contextlib.nullcontext
                       ) -> Tuple[torch.Tensor, Dict[nn.Module, list]]:
    """Phase 1's training features computed again, for ``low_memory``.

    The same function of the same parameters on the same batch (hence the
    same values), with a new graph to the parameters for phase 4 and the
    linear layers' outputs recorded for :func:`feature_jvp`. It runs on
    copies of the buffers, so batch-norm running statistics are updated
    once per iteration, by phase 1, as without ``low_memory``.

    Returns:
        tuple: The features and the recorded outputs
        (:func:`record_linear_outputs`).
    """
    buffers = {f'model.{n}': b.clone() for n, b in model.named_buffers()}
    with record_linear_outputs(model) as primals, autocast():
        feats = functional_call(_FeatureExtractor(model), buffers,
                                (inputs, ), strict=False)
    return feats, primals


#: Layers whose forward is ``op(x, weight) + bias`` with ``op`` linear in
#: both arguments; subclasses that override ``forward`` are left alone.
_LINEAR_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _is_linear_layer(module: nn.Module) -> bool:
    return any(type(module).forward is cls.forward for cls in _LINEAR_LAYERS)


@contextlib.contextmanager
def record_linear_outputs(
        model: nn.Module) -> Iterator[Dict[nn.Module, List[torch.Tensor]]]:
    """Record, in call order, the outputs of the model's linear layers
    during the forward passes in the ``with`` block (phase 1's feature
    path), for :func:`feature_jvp`."""
    outputs: Dict[nn.Module, List[torch.Tensor]] = {}

    def keep(module, args, output):
        outputs.setdefault(module, []).append(output.detach())

    handles = [
        m.register_forward_hook(keep) for m in model.modules()
        if _is_linear_layer(m)
    ]
    try:
        yield outputs
    finally:
        for handle in handles:
            handle.remove()


def _linear_tangent(module: nn.Module, primals: Iterator[torch.Tensor],
                    x: torch.Tensor) -> torch.Tensor:
    """The recorded output of ``module`` as a dual tensor whose tangent is
    ``op(x_t, W) + op(x, W_t) + b_t`` (no product for a missing tangent)."""
    output = next(primals, None)
    if output is None:
        raise RuntimeError(
            f'{type(module).__name__} ran more often in the tangent pass '
            'than in phase 1: the feature path must be deterministic (the '
            "same calls in the same order); use meta_gradient="
            "'double_backward' for this model.")
    x, x_dot = forward_ad.unpack_dual(x)
    weight, weight_dot = forward_ad.unpack_dual(module.weight)

    def op(inp, w):
        if isinstance(module, nn.Linear):
            return nn.functional.linear(inp, w)
        return module._conv_forward(inp, w, None)

    tangent = None if x_dot is None else op(x_dot, weight)
    if weight_dot is not None:
        part = op(x, weight_dot)
        tangent = part if tangent is None else tangent + part
    if module.bias is not None:
        bias_dot = forward_ad.unpack_dual(module.bias).tangent
        if bias_dot is not None:
            shape = (1, -1) + (1, ) * (output.dim() - 2)
            part = bias_dot.reshape(shape).to(output.dtype)
            tangent = part.expand_as(output).contiguous() \
                if tangent is None else tangent + part
    if tangent is None:
        return output
    if tangent.shape != output.shape:
        raise RuntimeError(
            f'{type(module).__name__}: the recorded output has shape '
            f'{tuple(output.shape)} but the tangent {tuple(tangent.shape)}: '
            'phase 1 and the tangent pass saw different inputs.')
    return forward_ad.make_dual(output, tangent.to(output.dtype))


@contextlib.contextmanager
def _tangent_only(primals: Dict[nn.Module, List[torch.Tensor]]):
    """Within the block, each recorded layer returns its recorded outputs
    (:func:`_linear_tangent`) instead of computing them."""
    queues = {m: iter(outputs) for m, outputs in primals.items()}
    for module, queue in queues.items():
        module.forward = functools.partial(_linear_tangent, module, queue)
    try:
        yield
        left = [type(m).__name__ for m, q in queues.items()
                if next(q, None) is not None]
        if left:
            raise RuntimeError(
                f'{left} ran less often in the tangent pass than in phase '
                "1: the feature path must be deterministic; use "
                "meta_gradient='double_backward' for this model.")
    finally:
        for module in queues:
            del module.forward
