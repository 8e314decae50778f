"""Repeatable numerics: the same weights on every x86-64 CPU.

A CPU training run takes the fastest code path of the CPU it runs on, and
each path rounds differently: ATen's vectorised kernels (batch norm,
reductions, element-wise maths; chosen among ``default``/``avx2``/
``avx512`` when torch loads), oneDNN's convolutions (chosen by the ISA of
the CPU), MKL's matrix products (chosen by the CPU too), NNPACK's SIMD
convolutions, and the split of every reduction over intra-op threads. After
a few SGD steps the weights differ in the last bits; over 30 epochs that
grows into points of accuracy, so a table made on one machine does not
come out again on another.

The repeatable mode takes, on every x86-64 CPU, a code path that does not
depend on the CPU:

- the environment of :data:`REPEATABLE_ENV`, which torch, MKL and OpenMP
  read when they load (so before ``import torch``): ATen's scalar kernels,
  MKL's reproducible ``COMPATIBLE`` branch, one thread;
- three switches in the running process (:func:`enable_repeatable_numerics`):
  oneDNN off and NNPACK off (convolutions go through ATen's im2col and
  MKL's matrix product), one intra-op thread.

It costs 1.5-3x the training time on CPU (measured: LeNet-5 1.5x, the
quickstart's ResNet-20 2.9x; README, "Repeatable numerics"), and is meant
for reproducing a result on another machine or bisecting a regression, not
for speed. GPUs are not covered (cuDNN and
cuBLAS pick their algorithms by device; see MMEngine's
``randomness.deterministic``).

Two ways in:

- ``tools/train.py --repeatable`` / ``tools/test.py --repeatable`` (and
  ``tools/quickstart.py`` by default) call :func:`ensure_repeatable_env`,
  which starts the command again in the right environment when it is not
  (same process id, so under ``torchrun`` too), then
  :func:`enable_repeatable_numerics`, and add ``RepeatableNumericsHook``
  to the config, so the dumped config says the run was in the mode.
- Any other launcher (MMPretrain's own ``tools/train.py``, ``mim train``):
  export the variables (:func:`export_line`) and add
  ``dict(type='RepeatableNumericsHook')`` to ``custom_hooks``; the hook
  applies the switches and stops the run when the environment is wrong.
"""
import ctypes
import os
import os.path as osp
import sys
import warnings
from typing import Dict, Mapping, Optional

#: The environment of the repeatable mode, read when torch loads:
#:
#: - ``ATEN_CPU_CAPABILITY=default``: ATen's kernels are compiled three
#:   times (``default``, ``avx2``, ``avx512``) and the best one the CPU runs
#:   is chosen at the first kernel call. Vectorised loops sum in another
#:   order (8 or 16 lanes, then the lanes) and use fused multiply-adds, so
#:   batch norm, reductions, activations and the optimizer's update round
#:   differently per level. ``default`` is the scalar build, which every
#:   x86-64 CPU runs with the same instructions.
#: - ``MKL_CBWR=COMPATIBLE``: MKL's conditional numerical reproducibility.
#:   MKL picks its kernels (SSE4.2, AVX2, AVX-512, and others for non-Intel
#:   CPUs) by CPU; the ``COMPATIBLE`` branch is the same code on Intel and
#:   non-Intel x86-64 CPUs (the only branch other than ``AUTO`` MKL supports
#:   on AMD). Its results are bitwise equal for a fixed number of threads.
#:   This covers every linear layer and, with oneDNN off, every convolution.
#: - ``OMP_NUM_THREADS=1`` and ``MKL_NUM_THREADS=1``: a reduction split over
#:   N threads adds N partial sums; the number of threads (by default the
#:   number of cores) then changes the result. One thread everywhere, in
#:   data-loader workers too.
#:
#: ``ONEDNN_MAX_CPU_ISA`` is not set: the mode switches oneDNN off
#: (:func:`enable_repeatable_numerics`) and not one oneDNN primitive runs
#: then (tested with ``ONEDNN_VERBOSE=1``), so its ISA cannot matter; a
#: capped oneDNN would not be CPU-independent either (its kernels block by
#: cache size and core count, and it promises no reproducible branch as
#: MKL does). NNPACK has no such variable (it picks its kernels from the
#: CPU's features); it is switched off in the process.
REPEATABLE_ENV: Dict[str, str] = {
    'ATEN_CPU_CAPABILITY': 'default',
    'MKL_CBWR': 'COMPATIBLE',
    'OMP_NUM_THREADS': '1',
    'MKL_NUM_THREADS': '1',
}

#: Set in the environment by :func:`ensure_repeatable_env` before it
#: starts the command again, removed once the command runs in the mode's
#: environment (a second start in a wrong environment stops instead of
#: looping).
REEXEC_MARK = 'MMADVISOR_REPEATABLE_REEXEC'

#: ``torch.backends.cpu.get_cpu_capability()`` with ATEN_CPU_CAPABILITY set
#: to ``default``.
DEFAULT_CAPABILITY = 'DEFAULT'
#: MKL's ``MKL_CBWR_BRANCH`` query and its ``MKL_CBWR_COMPATIBLE`` answer
#: (``mkl_cbwr.h``).
_MKL_CBWR_BRANCH = 1
_MKL_CBWR_COMPATIBLE = 3
_MKL_CBWR_NAMES = {1: 'off', 2: 'AUTO', 3: 'COMPATIBLE'}


class RepeatableNumericsError(RuntimeError):
    """The process cannot run in the repeatable numerics mode as started."""


def export_line() -> str:
    """The shell line that puts the environment of the mode in place."""
    return 'export ' + ' '.join(f'{name}={value}'
                                for name, value in REPEATABLE_ENV.items())


def env_differences(
        environ: Optional[Mapping[str, str]] = None
) -> Dict[str, Optional[str]]:
    """The variables of :data:`REPEATABLE_ENV` not at the mode's value.

    Args:
        environ (Mapping[str, str], optional): The environment to look at.
            Defaults to ``os.environ``.

    Returns:
        dict: Each such variable's current value, ``None`` where unset.
    """
    environ = os.environ if environ is None else environ
    return {
        name: environ.get(name)
        for name, value in REPEATABLE_ENV.items()
        if environ.get(name) != value
    }


def _describe(differences: Mapping[str, Optional[str]]) -> str:
    return ', '.join(
        f'{name} is unset' if old is None else f'{name}={old}'
        for name, old in differences.items())


def repeatable_environ(
        environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """A copy of ``environ`` with the mode's variables in place.

    A variable that ``environ`` sets to another value (e.g.
    ``ATEN_CPU_CAPABILITY=avx2``) is overridden, with one warning that names
    every overridden variable's old and new value. Unset variables are
    added silently.

    Args:
        environ (Mapping[str, str], optional): The environment to start from.
            Defaults to ``os.environ``.

    Returns:
        dict: The environment for a process in the repeatable mode (e.g.
        ``subprocess.run(..., env=repeatable_environ())``).
    """
    environ = dict(os.environ if environ is None else environ)
    overridden = {
        name: old for name, old in env_differences(environ).items()
        if old is not None
    }
    if overridden:
        changes = ', '.join(f'{name}={old} -> {REPEATABLE_ENV[name]}'
                            for name, old in overridden.items())
        warnings.warn(
            f'repeatable numerics: the environment set {changes}; the mode '
            'replaces these values (drop --repeatable, or pass '
            '--fast-numerics to tools/quickstart.py, to keep them).',
            stacklevel=2)
    environ.update(REPEATABLE_ENV)
    return environ


def ensure_repeatable_env() -> None:
    """Start the current command again in the mode's environment, unless
    it is already in place.

    torch reads the variables of :data:`REPEATABLE_ENV` when it loads, so
    setting them in ``os.environ`` of a process that has imported torch is
    too late. This replaces the process with a fresh interpreter running
    the same command line (``sys.orig_argv``: interpreter flags such as
    ``-u`` or ``-m`` kept) in the mode's environment, with
    :func:`os.execv`: the process id stays the same, so a parent that
    waits for it (``torchrun``, a shell, ``subprocess``) sees one process.
    Call it first thing in ``main()``, before anything is written: the
    code before the call runs twice.

    Raises:
        RepeatableNumericsError: If the environment is still wrong after the
            restart (something at start-up, e.g. ``sitecustomize``, resets
            it).
    """
    differences = env_differences()
    if not differences:
        # Started in place (again): the processes this one starts begin
        # afresh, and may restart themselves.
        os.environ.pop(REEXEC_MARK, None)
        return
    if os.environ.get(REEXEC_MARK):
        raise RepeatableNumericsError(
            f'repeatable numerics: restarted with {export_line()[7:]}, but '
            f'the new process has {_describe(differences)}: something at '
            'Python start-up (sitecustomize, a .pth file) sets them. Run '
            f'`{export_line()}` in the shell and check that it stays.')
    environ = repeatable_environ()
    environ[REEXEC_MARK] = '1'
    os.environ.clear()
    os.environ.update(environ)
    argv = getattr(sys, 'orig_argv', None) or [sys.executable, *sys.argv]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, *argv[1:]])


def _mkl_cbwr_branch() -> Optional[int]:
    """MKL's CNR branch in this process, or ``None`` where it cannot be
    asked (no MKL, or its symbols are not exported by this torch build)."""
    import torch
    if not torch.backends.mkl.is_available():
        return None
    libs = [None, osp.join(osp.dirname(torch.__file__), 'lib',
                           'libtorch_cpu.so')]
    for lib in libs:
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for symbol in ('mkl_cbwr_get', 'mkl_serv_cbwr_get'):
            function = getattr(handle, symbol, None)
            if function is not None:
                function.restype = ctypes.c_int
                function.argtypes = [ctypes.c_int]
                return function(_MKL_CBWR_BRANCH)
    return None


def enable_repeatable_numerics() -> Dict[str, object]:
    """Switch torch to the repeatable code paths and check that they hold.

    In a process started in the mode's environment (:data:`REPEATABLE_ENV`)
    this checks that ATen runs its scalar kernels and MKL its
    ``COMPATIBLE`` branch (both are fixed at their first use, so a variable
    set after torch ran a kernel has no effect), then sets
    ``torch.backends.mkldnn.enabled = False`` (oneDNN picks its convolution
    kernels by CPU), switches NNPACK off (the same, and no variable
    controls it) and calls ``torch.set_num_threads(1)``. When a check fails
    nothing is switched. Calling it again is harmless.

    Returns:
        dict: What is in effect: ``cpu_capability``, ``mkl_cbwr_branch``
        (``None`` where MKL cannot be asked), ``mkldnn``, ``nnpack``,
        ``threads``.

    Raises:
        RepeatableNumericsError: If a variable is not in place (the message
            gives the ``export`` line), or torch already runs other kernels
            (it was imported and used before the variable was set).
    """
    differences = env_differences()
    if differences:
        raise RepeatableNumericsError(
            'repeatable numerics needs its environment before torch is '
            f'imported, but here {_describe(differences)}. Start the '
            f'command again after\n    {export_line()}\n(torch reads these '
            'variables when it loads; mmadvisor\'s tools/train.py and '
            'tools/test.py set them themselves with --repeatable).')
    import torch
    capability = torch.backends.cpu.get_cpu_capability()
    if capability != DEFAULT_CAPABILITY:
        raise RepeatableNumericsError(
            'ATEN_CPU_CAPABILITY=default is set, but torch runs its '
            f'{capability} kernels: torch was imported and ran a kernel '
            'before the variable was set (it reads it once). Set it before '
            f'Python starts:\n    {export_line()}')
    branch = _mkl_cbwr_branch()
    if branch is not None and branch != _MKL_CBWR_COMPATIBLE:
        raise RepeatableNumericsError(
            'MKL_CBWR=COMPATIBLE is set, but MKL\'s reproducible branch is '
            f'{_MKL_CBWR_NAMES.get(branch, branch)}: torch called MKL '
            'before the variable was set (MKL reads it once). Set it before '
            f'Python starts:\n    {export_line()}')
    if not torch.backends.mkl.is_available():
        warnings.warn(
            'repeatable numerics: this torch is built without MKL, so its '
            'matrix products (linear layers, and convolutions with oneDNN '
            'off) take the kernels of another BLAS, which depend on the '
            'CPU: use a torch build with MKL (the x86-64 wheels of PyTorch) '
            'for results that repeat on other CPUs.')
    torch.backends.mkldnn.enabled = False
    torch.backends.nnpack.set_flags(False)
    torch.set_num_threads(1)
    state = dict(
        cpu_capability=capability,
        mkl_cbwr_branch=branch,
        mkldnn=torch.backends.mkldnn.enabled,
        nnpack=torch._C._get_nnpack_enabled(),
        threads=torch.get_num_threads())
    if state['mkldnn'] or state['nnpack'] or state['threads'] != 1:
        raise RepeatableNumericsError(
            f'repeatable numerics: torch did not take the switches ({state}'
            '); report this with your torch version.')
    return state


def describe_state(state: Mapping[str, object]) -> str:
    """One line for the log: what :func:`enable_repeatable_numerics` set."""
    branch = state.get('mkl_cbwr_branch')
    mkl = ('MKL branch not readable' if branch is None else
           f'MKL CNR branch {_MKL_CBWR_NAMES.get(branch, branch)}')
    return (f'repeatable numerics: ATen {state["cpu_capability"]} kernels, '
            f'{mkl}, oneDNN off, NNPACK off, {state["threads"]} thread')


def start_repeatable(tool: str) -> None:
    """``--repeatable`` of a tool, first thing in ``main``: start again in
    the mode's environment if needed (:func:`ensure_repeatable_env`: the
    same process id, so under ``torchrun`` too), then switch torch's paths
    (:func:`enable_repeatable_numerics`), before anything is read or
    written.

    Raises:
        SystemExit: The mode cannot be entered (the message says why),
            prefixed with ``tool``.
    """
    try:
        ensure_repeatable_env()
        enable_repeatable_numerics()
    except RepeatableNumericsError as err:
        raise SystemExit(f'{tool}: {err}')
