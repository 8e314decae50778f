# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .dump_generated_hook import DumpGeneratedHook

__all__ = []
__all__ += ['DumpGeneratedHook']
from .advice_record_hook import AdviceRecordHook  # noqa: E402

__all__ += ['AdviceRecordHook']
