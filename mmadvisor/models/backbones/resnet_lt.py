# Copyright (c) mmadvisor contributors.
"""mmpretrain's ResNet with the ResNet-10 of the long-tail benchmarks."""
from mmpretrain.models.backbones.resnet import BasicBlock, ResNet
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ResNetLT(ResNet):
    """ResNet with depth 10 added, for ImageNet-LT and Places-LT.

    ResNet-10, one :class:`BasicBlock` per stage of the ImageNet ResNet
    (64/128/256/512 channels), is the standard backbone of the long-tail
    benchmarks (thesis Section 3.5.3; Liu et al., 2019, `Large-Scale
    Long-Tailed Recognition in an Open World
    <https://arxiv.org/abs/1904.05160>`_). Everything else, including depths
    18, 34, 50, 101 and 152, is mmpretrain's :class:`ResNet`, so configs
    write ``backbone=dict(type='ResNetLT', depth=10)`` and keep every other
    ``ResNet`` argument.

    Args:
        depth (int): Network depth, one of 10, 18, 34, 50, 101, 152.
        **kwargs: Any other argument of mmpretrain's ``ResNet``.

    Example:
        >>> import torch
        >>> from mmadvisor.models.backbones import ResNetLT
        >>> model = ResNetLT(depth=10)
        >>> model.eval()  # mmpretrain ResNet.train returns None
        >>> tuple(model(torch.rand(1, 3, 64, 64))[0].shape)
        (1, 512, 2, 2)
    """

    arch_settings = {
        10: (BasicBlock, (1, 1, 1, 1)),
        **ResNet.arch_settings,
    }

    def __init__(self, depth: int, **kwargs):
        if depth not in self.arch_settings:
            raise ValueError(
                f'depth={depth} is not supported by ResNetLT; use one of '
                f'{sorted(self.arch_settings)}.')
        super().__init__(depth, **kwargs)
