# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .meta_sampler import MetaSampler

__all__ = ['MetaSampler']
