"""Data-parallel training of a classifier and its advisor."""
from typing import Dict, Union

import torch
import torch.distributed as torch_dist
import torch.nn as nn
from mmengine.dist import is_distributed
from mmpretrain.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class MetaDistributedDataParallel(nn.Module):
    """The model wrapper for distributed advisor training.

    ``torch.nn.parallel.DistributedDataParallel`` cannot run the bilevel
    step: it synchronises gradients only inside ``loss.backward()`` of its
    own forward, not those taken with ``torch.autograd.grad`` (the virtual
    and meta gradients), and double backward through it is unsupported.
    MMEngine's ``MMDistributedDataParallel.train_step`` also never calls the
    module's ``train_step``. This wrapper therefore does no synchronisation
    of its own: at construction it broadcasts rank 0's parameters and
    buffers, and :meth:`train_step` calls the module's, where
    :class:`MetaOptimWrapper` synchronises explicitly what each phase needs
    (see its docstring: buffers, the virtual gradient, the meta-gradient and
    the classifier gradient). Works with NCCL and with gloo (CPU).

    Config::

        # The runner looks the type up by name: keep the scope prefix.
        model_wrapper_cfg = dict(type='mmpretrain.MetaDistributedDataParallel')

    Args:
        module (nn.Module): An :class:`AdvisorClassifier`.
    """

    def __init__(self, module: nn.Module, **kwargs) -> None:
        super().__init__()
        unused = set(kwargs) - {'device_ids', 'broadcast_buffers',
                                'find_unused_parameters'}
        if unused:
            raise TypeError(f'MetaDistributedDataParallel got unexpected '
                            f'arguments {sorted(unused)}.')
        self.module = module
        if is_distributed():
            with torch.no_grad():
                for tensor in list(module.parameters()) + list(
                        module.buffers()):
                    torch_dist.broadcast(tensor, src=0)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper) -> Dict[str, torch.Tensor]:
        return self.module.train_step(data, optim_wrapper)

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.test_step(data)

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)
