# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advice_record_hook import AdviceRecordHook
from .class_counts_check_hook import ClassCountsCheckHook
from .dump_generated_hook import DumpGeneratedHook

__all__ = ['AdviceRecordHook', 'ClassCountsCheckHook', 'DumpGeneratedHook']
