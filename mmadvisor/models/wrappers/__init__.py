# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .meta_distributed import MetaDistributedDataParallel

__all__ = ['MetaDistributedDataParallel']
