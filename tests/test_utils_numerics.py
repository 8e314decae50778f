"""mmadvisor.utils.numerics: the environment of the repeatable mode, the
restart into it, and the errors when it is missing. (That the mode gives
the same weights under two CPU profiles: tests/test_tools/
test_repeatable.py.)"""
import os
import subprocess
import sys
import warnings

import pytest
import torch
from mmpretrain.registry import HOOKS

from mmadvisor.engine.hooks import RepeatableNumericsHook
from mmadvisor.utils import numerics
from mmadvisor.utils.numerics import (REPEATABLE_ENV,
                                      RepeatableNumericsError,
                                      enable_repeatable_numerics,
                                      env_differences, export_line,
                                      repeatable_environ)

EXPORT = ('export ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE '
          'OMP_NUM_THREADS=1 MKL_NUM_THREADS=1')


@pytest.fixture
def no_mode_env(monkeypatch):
    for name in REPEATABLE_ENV:
        monkeypatch.delenv(name, raising=False)


def test_export_line_sets_every_variable():
    assert export_line() == EXPORT


def test_env_differences_names_unset_and_other_values():
    environ = dict(REPEATABLE_ENV, ATEN_CPU_CAPABILITY='avx2')
    del environ['MKL_CBWR']
    assert env_differences(environ) == {
        'ATEN_CPU_CAPABILITY': 'avx2', 'MKL_CBWR': None}
    assert env_differences(dict(REPEATABLE_ENV, HOME='/x')) == {}


def test_repeatable_environ_overrides_and_says_so_once():
    user = dict(PATH='/bin', ATEN_CPU_CAPABILITY='avx2', MKL_CBWR='AUTO')
    with pytest.warns(UserWarning) as record:
        environ = repeatable_environ(user)
    assert len(record) == 1
    message = str(record[0].message)
    assert 'ATEN_CPU_CAPABILITY=avx2 -> default' in message
    assert 'MKL_CBWR=AUTO -> COMPATIBLE' in message
    assert environ == dict(REPEATABLE_ENV, PATH='/bin')
    assert user['ATEN_CPU_CAPABILITY'] == 'avx2'  # a copy
    # Variables that were unset are added without a word.
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert repeatable_environ(dict(PATH='/bin')) == dict(
            REPEATABLE_ENV, PATH='/bin')


def test_enable_without_the_environment_names_the_export_line(no_mode_env):
    mkldnn = torch.backends.mkldnn.enabled
    with pytest.raises(RepeatableNumericsError) as err:
        enable_repeatable_numerics()
    assert 'ATEN_CPU_CAPABILITY is unset' in str(err.value)
    assert EXPORT in str(err.value)
    assert torch.backends.mkldnn.enabled == mkldnn  # nothing switched


def test_hook_without_the_environment_stops_with_the_export_line(
        no_mode_env, monkeypatch):
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', 'avx2')
    with pytest.raises(RepeatableNumericsError,
                       match='ATEN_CPU_CAPABILITY=avx2') as err:
        HOOKS.build(dict(type='RepeatableNumericsHook'))
    assert EXPORT in str(err.value)


def test_variables_set_after_torch_ran_a_kernel_are_caught(monkeypatch):
    """This process imported torch (and ran kernels) before the variables
    were set: setting them now is too late, and that is what the error
    says."""
    capability = torch.backends.cpu.get_cpu_capability()
    if capability == numerics.DEFAULT_CAPABILITY:
        pytest.skip('this process already runs ATen\'s default kernels')
    for name, value in REPEATABLE_ENV.items():
        monkeypatch.setenv(name, value)
    mkldnn = torch.backends.mkldnn.enabled
    with pytest.raises(RepeatableNumericsError,
                       match=f'torch runs its {capability} kernels'):
        RepeatableNumericsHook()
    assert torch.backends.mkldnn.enabled == mkldnn  # nothing switched


# Loads numerics.py by path (it imports no torch and nothing of the
# package), so the restarted process starts in milliseconds.
RESTART = '''
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location('numerics', sys.argv[1])
numerics = importlib.util.module_from_spec(spec)
spec.loader.exec_module(numerics)
print('start', os.getpid(), os.environ.get('ATEN_CPU_CAPABILITY'),
      sys._xoptions.get('flag'), sys.argv[2:], flush=True)
numerics.ensure_repeatable_env()
print('ready', os.getpid(), *(os.environ[name] for name in
                              numerics.REPEATABLE_ENV),
      os.environ.get(numerics.REEXEC_MARK), flush=True)
'''


def test_restart_keeps_the_process_and_its_command_line(tmp_path):
    script = tmp_path / 'restart.py'
    script.write_text(RESTART)
    env = {k: v for k, v in os.environ.items() if k not in REPEATABLE_ENV}
    env.update(ATEN_CPU_CAPABILITY='avx2', PYTHONWARNINGS='default')
    proc = subprocess.Popen(
        [sys.executable, '-X', 'flag=on', str(script), numerics.__file__,
         'a b', '--x'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    # Started once in the user's environment, once more in the mode's: the
    # process the parent started (what torchrun waits for), with the same
    # interpreter option (-X) and arguments.
    pid = proc.pid
    assert out.splitlines() == [
        f"start {pid} avx2 on ['a b', '--x']",
        f"start {pid} default on ['a b', '--x']",
        f'ready {pid} default COMPATIBLE 1 1 None',  # the mark removed
    ]
    assert err.count('ATEN_CPU_CAPABILITY=avx2 -> default') == 1


def test_restart_does_not_loop(tmp_path, monkeypatch):
    """A start-up hook that resets a variable would restart forever."""
    monkeypatch.setenv(numerics.REEXEC_MARK, '1')
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', 'avx2')
    monkeypatch.setattr(os, 'execv', lambda *a: pytest.fail('restarted'))
    with pytest.raises(RepeatableNumericsError, match='sitecustomize'):
        numerics.ensure_repeatable_env()


def test_numerics_module_imports_no_torch():
    """ensure_repeatable_env must be usable before torch is imported."""
    code = ('import importlib.util, sys; '
            'spec = importlib.util.spec_from_file_location("n", sys.argv[1]);'
            ' spec.loader.exec_module(importlib.util.module_from_spec(spec));'
            ' assert "torch" not in sys.modules')
    subprocess.run([sys.executable, '-c', code, numerics.__file__],
                   check=True, timeout=60)
