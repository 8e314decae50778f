# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .cifar_resnet import CifarResNet
from .resnet_lt import ResNetLT

__all__ = ['CifarResNet', 'ResNetLT']
