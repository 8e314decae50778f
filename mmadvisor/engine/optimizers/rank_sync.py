"""What the bilevel step synchronises across ranks (distributed training).

DDP cannot synchronise the bilevel step: it averages gradients only inside
``loss.backward()`` of its own forward, never those of
``torch.autograd.grad`` (the virtual and meta gradients), and double
backward through it is unsupported. :class:`MetaOptimWrapper` therefore
averages explicitly, with these helpers, what each phase needs so that
``N`` ranks with batch ``b`` take the step one process takes with batch
``N * b``. Every helper is the identity on a single process.
"""
from typing import List

import torch
import torch.distributed as torch_dist
import torch.nn as nn
from mmengine.dist import get_world_size, is_distributed


def flatten(tensors: List[torch.Tensor]) -> torch.Tensor:
    """Concatenate tensors into one flat vector (differentiable)."""
    return torch.cat([t.reshape(-1) for t in tensors])


def unflatten(flat: torch.Tensor,
              like: List[torch.Tensor]) -> List[torch.Tensor]:
    """Split a flat vector back into tensors shaped like ``like``."""
    out, offset = [], 0
    for t in like:
        out.append(flat[offset:offset + t.numel()].view_as(t))
        offset += t.numel()
    return out


def world_size() -> int:
    """Number of processes (1 when not distributed)."""
    return get_world_size() if is_distributed() else 1


def all_reduce_mean(tensors: List[torch.Tensor]) -> List[torch.Tensor]:
    """Average tensors over ranks in one coalesced all-reduce (no graph)."""
    if world_size() <= 1:
        return tensors
    flat = flatten(tensors).detach().clone()
    torch_dist.all_reduce(flat)
    flat /= get_world_size()
    return unflatten(flat, tensors)


def all_reduce_mean_differentiable(
        tensors: List[torch.Tensor]) -> List[torch.Tensor]:
    """Average over ranks, keeping the graph (its backward all-reduces)."""
    if world_size() <= 1:
        return tensors
    from torch.distributed.nn.functional import all_reduce
    flat = all_reduce(flatten(tensors)) / get_world_size()
    return unflatten(flat, tensors)


def sync_buffers(model: nn.Module) -> None:
    """Average floating-point buffers (batch-norm statistics), take integer
    buffers from rank 0: identical buffers on every rank after a step."""
    if world_size() <= 1:
        return
    floats = [b for b in model.buffers() if b.is_floating_point()]
    if floats:
        for buffer, mean in zip(floats, all_reduce_mean(floats)):
            buffer.copy_(mean)
    for buffer in model.buffers():
        if not buffer.is_floating_point():
            torch_dist.broadcast(buffer, src=0)


def sync_grads(optimizer: torch.optim.Optimizer) -> None:
    """Average the ``.grad`` of the optimizer's parameters, as DDP would."""
    if world_size() <= 1:
        return
    params = [
        p for group in optimizer.param_groups for p in group['params']
        if p.grad is not None
    ]
    for param, grad in zip(params, all_reduce_mean([p.grad for p in params])):
        param.grad.copy_(grad)
