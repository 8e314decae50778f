# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.
from .advice_collapse_hook import AdviceCollapseHook
from .advice_record_hook import AdviceRecordHook
from .class_counts_check_hook import ClassCountsCheckHook
from .dist_progress_hook import DistProgressHook
from .dump_generated_hook import DumpGeneratedHook
from .finite_loss_hook import FiniteLossHook
from .meta_set_check_hook import MetaSetCheckHook
from .repeatable_numerics_hook import RepeatableNumericsHook
from .resume_scheduler_hook import ResumeSchedulerHook

__all__ = [
    'AdviceCollapseHook', 'AdviceRecordHook', 'ClassCountsCheckHook',
    'DistProgressHook', 'DumpGeneratedHook', 'FiniteLossHook',
    'MetaSetCheckHook', 'RepeatableNumericsHook', 'ResumeSchedulerHook'
]
