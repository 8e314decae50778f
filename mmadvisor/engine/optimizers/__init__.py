# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .meta_optim_wrapper import MetaOptimWrapper
from .meta_optim_wrapper_constructor import MetaOptimWrapperConstructor
from .virtual_step import virtual_sgd_step

__all__ = [
    'MetaOptimWrapper', 'MetaOptimWrapperConstructor', 'virtual_sgd_step'
]
