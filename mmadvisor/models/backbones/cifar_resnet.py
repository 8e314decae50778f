# Copyright (c) mmadvisor contributors.
"""The CIFAR ResNet family of He et al. (2016), Section 4.2."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones.resnet import BasicBlock, ResLayer
from mmpretrain.models.backbones.resnet_cifar import ResNet_CIFAR
from mmpretrain.registry import MODELS


class ZeroPadShortcut(nn.Module):
    """Parameter-free identity shortcut with zero padding (option A).

    The input is subsampled by ``stride`` in both spatial dimensions and the
    missing output channels are filled with zeros, as in option A of He et
    al. (2016), Section 3.3.

    Args:
        in_channels (int): Channels of the input.
        out_channels (int): Channels of the output, at least ``in_channels``.
        stride (int): Spatial subsampling factor. Defaults to ``1``.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(
                f'out_channels={out_channels} < in_channels={in_channels}: '
                'zero padding can only add channels; use shortcut="B".')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Subsample ``x`` and pad its channel dimension with zeros."""
        x = x[:, :, ::self.stride, ::self.stride]
        # F.pad pads the last dimensions first: (W, W, H, H, C, C).
        return F.pad(x, (0, 0, 0, 0, 0, self.out_channels - self.in_channels))


@MODELS.register_module()
class CifarResNet(ResNet_CIFAR):
    """ResNet for 32x32 images (He et al., 2016, Section 4.2).

    `Deep Residual Learning for Image Recognition
    <https://arxiv.org/abs/1512.03385>`_. The network is a 3x3 convolution
    with 16 channels (no max-pooling) followed by 3 stages of ``n``
    :class:`BasicBlock` with 16, 32 and 64 channels and strides 1, 2 and 2,
    so ``depth = 6n + 2``: ResNet-20, 32, 44, 56 and 110 have
    ``n = 3, 5, 7, 9, 18``. A 32x32 input gives a 64x8x8 feature map, to be
    followed by ``GlobalAveragePooling`` and ``LinearClsHead(in_channels=64)``.

    The shortcut of a block whose shape changes (the first block of stages 2
    and 3) is either

    - ``'B'`` (default): a 1x1 convolution with stride 2 followed by batch
      norm, the projection shortcut mmpretrain's ``ResLayer`` builds;
    - ``'A'``: the parameter-free zero-padding shortcut used for the CIFAR
      experiments of the paper (ResNet-32 has about 0.46M parameters with a
      10-class linear head). Option B costs 2752 more parameters at every
      depth: ``(16*32 + 2*32) + (32*64 + 2*64)`` for the two projections.

    The stem, blocks, freezing and ``norm_eval`` are mmpretrain's
    :class:`ResNet_CIFAR`; only the architecture table and the shortcut
    differ.

    Args:
        depth (int): Network depth, one of 20, 32, 44, 56, 110.
        in_channels (int): Number of input image channels. Defaults to ``3``.
        stem_channels (int): Output channels of the stem convolution.
            Defaults to ``16``.
        base_channels (int): Channels of the first stage; the second and
            third stages have 2x and 4x as many. Defaults to ``16``.
        out_indices (Sequence[int]): Stages (0, 1 or 2) whose output is
            returned. Defaults to ``(2, )``.
        shortcut (str): ``'B'`` (1x1 conv + BN projection) or ``'A'`` (zero
            padding) where the block's shape changes. Defaults to ``'B'``.
        frozen_stages (int): Stages to freeze (``requires_grad=False`` and
            eval mode); 0 freezes the stem only, -1 nothing. Defaults to
            ``-1``.
        conv_cfg (dict, optional): Config of the conv layers. Defaults to
            ``None``.
        norm_cfg (dict): Config of the norm layers. Defaults to
            ``dict(type='BN', requires_grad=True)``.
        norm_eval (bool): Keep the BN layers in eval mode (frozen running
            statistics) during training. Defaults to ``False``.
        with_cp (bool): Use gradient checkpointing. Defaults to ``False``.
        zero_init_residual (bool): Zero-initialise the last BN of each block
            in :meth:`init_weights`. Defaults to ``True``, as in mmpretrain.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to Kaiming for conv layers and constant 1 for norms.
        drop_path_rate (float): Stochastic depth rate. Defaults to ``0.``.

    Example:
        >>> import torch
        >>> from mmadvisor.models.backbones import CifarResNet
        >>> model = CifarResNet(depth=32)
        >>> model.eval()  # mmpretrain ResNet.train returns None
        >>> [len(getattr(model, name)) for name in model.res_layers]
        [5, 5, 5]
        >>> tuple(model(torch.rand(1, 3, 32, 32))[0].shape)
        (1, 64, 8, 8)
    """

    arch_settings = {
        20: (BasicBlock, (3, 3, 3)),
        32: (BasicBlock, (5, 5, 5)),
        44: (BasicBlock, (7, 7, 7)),
        56: (BasicBlock, (9, 9, 9)),
        110: (BasicBlock, (18, 18, 18)),
    }
    num_cifar_stages = 3

    def __init__(self,
                 depth: int,
                 in_channels: int = 3,
                 stem_channels: int = 16,
                 base_channels: int = 16,
                 out_indices: Sequence[int] = (2, ),
                 shortcut: str = 'B',
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = True,
                 init_cfg: Optional[Union[dict, list]] = [
                     dict(type='Kaiming', layer=['Conv2d']),
                     dict(
                         type='Constant',
                         val=1,
                         layer=['_BatchNorm', 'GroupNorm'])
                 ],
                 drop_path_rate: float = 0.0):
        if depth not in self.arch_settings:
            raise ValueError(
                f'depth={depth} is not a CIFAR ResNet depth; use one of '
                f'{sorted(self.arch_settings)} (6n+2 with n blocks per '
                'stage).')
        if shortcut not in ('A', 'B'):
            raise ValueError(
                f"shortcut={shortcut!r} is unknown; use 'B' (1x1 conv + BN "
                "projection) or 'A' (zero padding).")
        out_indices = tuple(out_indices)
        if not out_indices or any(
                i not in range(self.num_cifar_stages) for i in out_indices):
            raise ValueError(
                f'out_indices={out_indices} must be a non-empty subset of '
                f'{tuple(range(self.num_cifar_stages))} (the 3 stages).')
        if frozen_stages not in range(-1, self.num_cifar_stages + 1):
            raise ValueError(
                f'frozen_stages={frozen_stages} must be between -1 (nothing '
                f'frozen) and {self.num_cifar_stages} (all stages).')
        # Read by make_res_layer, which the parent constructor calls.
        self.shortcut = shortcut
        super().__init__(
            depth,
            in_channels=in_channels,
            stem_channels=stem_channels,
            base_channels=base_channels,
            num_stages=self.num_cifar_stages,
            strides=(1, 2, 2),
            dilations=(1, 1, 1),
            out_indices=out_indices,
            frozen_stages=frozen_stages,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            norm_eval=norm_eval,
            with_cp=with_cp,
            zero_init_residual=zero_init_residual,
            init_cfg=init_cfg,
            drop_path_rate=drop_path_rate)

    def make_res_layer(self, **kwargs) -> ResLayer:
        """Build one stage; swap in the option-A shortcut if asked.

        Args:
            **kwargs: Arguments of mmpretrain's ``ResLayer``.

        Returns:
            ResLayer: The stage.
        """
        layer = ResLayer(**kwargs)
        first = layer[0]
        if self.shortcut == 'A' and first.downsample is not None:
            first.downsample = ZeroPadShortcut(
                kwargs['in_channels'], kwargs['out_channels'],
                kwargs['stride'])
        return layer
