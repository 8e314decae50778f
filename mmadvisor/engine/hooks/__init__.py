# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .dump_generated_hook import DumpGeneratedHook

__all__ = []
__all__ += ['DumpGeneratedHook']
