"""Run in the repeatable numerics mode under any launcher."""
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...utils.numerics import (describe_state, enable_repeatable_numerics,
                               export_line)


@HOOKS.register_module()
class RepeatableNumericsHook(Hook):
    """Train and test with the numerics every x86-64 CPU repeats bit for bit.

    Switches torch to the repeatable code paths (oneDNN off, NNPACK off, one
    intra-op thread) when the runner builds its custom hooks, before the
    first iteration, and checks again before the run; stops with
    :class:`~mmadvisor.utils.numerics.RepeatableNumericsError`, giving the
    ``export`` line to use, when the process was not started in the mode's
    environment (:data:`~mmadvisor.utils.numerics.REPEATABLE_ENV`: torch
    reads it when it loads, so a hook cannot set it). See
    :mod:`mmadvisor.utils.numerics` for what each part does and why.

    ``tools/train.py --repeatable`` and ``tools/test.py --repeatable`` set
    the environment and add this hook themselves. With another launcher,
    e.g. MMPretrain's own ``tools/train.py``, list the hook in the config's
    ``custom_hooks`` (``--cfg-options`` cannot add a dict to a list)::

        custom_hooks = [..., dict(type='RepeatableNumericsHook')]

    and export the environment before the command::

        export ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE \\
            OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
        python $MMPRETRAIN/tools/train.py CONFIG
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self.state = enable_repeatable_numerics()

    def before_run(self, runner) -> None:
        self.state = enable_repeatable_numerics()
        runner.logger.info(
            f'{describe_state(self.state)} ({export_line()[7:]})')
