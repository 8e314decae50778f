# The plug-in's hooks for every run (README, "What is checked"). They come
# with the configs, so every launcher runs them: this repository's
# tools/train.py, MMPretrain's own tools/train.py and `mim train`.
# default_runtime.py inherits them, and meta_runtime.py for an advisor
# config on MMPretrain's runtime. Each is a no-op where it does not apply
# (the meta-set and advice checks without an advisor, the schedule check in
# a run that does not resume, the progress reports in a single process).
# MMEngine replaces a list rather than merging it: a config that adds a hook
# keeps these with custom_hooks = _base_.custom_hooks + [dict(type=...)].
custom_hooks = [
    # Save what the dataset wrappers generated (noisy labels, kept indices,
    # the meta split) under work_dir/generated/ before training starts.
    dict(type='DumpGeneratedHook'),
    # Stop before training if the labels exceed the head's classes, or a
    # count-dependent loss (BALMS, EQL) was given another protocol's counts.
    dict(type='ClassCountsCheckHook'),
    # Stop before training if the meta set shares images with the training
    # set.
    dict(type='MetaSetCheckHook'),
    # Stop at a NaN or infinite loss, before its checkpoint.
    dict(type='FiniteLossHook'),
    # Warn once when the advice vanishes or freezes (a saturated sigmoid).
    dict(type='AdviceCollapseHook'),
    # On resume, continue the config's lr schedule or stop.
    dict(type='ResumeSchedulerHook'),
    # Distributed: report each rank's progress, so that a rank that stops
    # answering is named.
    dict(type='DistProgressHook'),
]
