"""The bilevel step gives what the saved reference holds, on any CPU.

``tests/reference/meta_step_reference.pt`` holds, for each case of
``tests/reference/meta_step_reference.py``, every parameter, buffer,
optimizer state, counter, random-generator state and logged value after a
few iterations, as one machine computed them. Another CPU takes other
kernel paths (vectorised or scalar ATen kernels, MKL's SSE/AVX code paths,
other thread counts): the same mathematics summed in another order, so
the floats differ in their last bits. The comparison is therefore exact for
what is discrete (integers, counters, random-generator states) and within
a tolerance derived from float32 rounding for the floats.

**The tolerance.** For each floating-point tensor (or logged value) ``x``
of a case, the test runs the same case in float64 (same draws: parameters
and data are drawn in float32 and cast) and takes this machine's float32
rounding error of ``x``, ``delta = max |x32 - x64|``, plus one unit
roundoff ``u = 2**-24`` of the tensor's magnitude ``m = max |x64|`` (for
tensors float32 happens to compute exactly here)::

    tol = K * (delta + u * m),    K = 32

Two float32 evaluations that sum in different orders each lie within their
own rounding error of the exact value, but the errors of different kernel
paths are not equal: sequential (scalar) sums of ``n`` terms have an error
bound of ``(n - 1) u sum |x_i|``, blocked and vectorised ones about
``log2(n) u sum |x_i|``, and quantities formed by cancellation (momentum
buffers, the advisor's Adam moments, which are second-order gradients)
inherit the error of their larger terms. Measured over seven kernel paths
on this suite's cases (``ATEN_CPU_CAPABILITY`` default / avx2 / avx512,
``MKL_ENABLE_INSTRUCTIONS`` SSE4_2 / AVX2 / unset, one and two threads,
every pair both ways), ``max |x_A - x_B| / (delta_B + u m)`` reached 9.9
(the advisor's Adam ``exp_avg`` under double backward); ``K = 32`` leaves a
factor of three over that. For the float16 case the unit roundoff is
float16's, ``u16 = 2**-11``, and ``tol = K * u16 * m`` (its float64 value
is the exact one, which float16 misses by far more than two machines'
float16 runs differ: ``delta`` would say nothing there).

The tolerance is ~1e-6 or less for the parameters, so a real change of the
step is still caught: :func:`test_a_changed_step_fails_the_comparison`
mirrors SGD's momentum in the virtual step (a change of ~1e-3 after three
iterations) and must fail it by a factor > 50.
"""
import importlib.util
import math
import os.path as osp
from typing import List

import pytest
import torch

REFERENCE_DIR = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'reference')
spec = importlib.util.spec_from_file_location(
    'meta_step_reference', osp.join(REFERENCE_DIR, 'meta_step_reference.py'))
reference_cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference_cases)
REFERENCE = torch.load(reference_cases.PATH, weights_only=True)
compare = reference_cases.compare
_float_tolerance = reference_cases.float_tolerance

def _problems(name: str, **overrides) -> List[str]:
    actual = reference_cases.run_case(name, **overrides)
    exact = reference_cases.run_case(name, dtype=torch.float64, **overrides)
    half = reference_cases.CASES[name][1].get('amp') == 'float16'
    return compare(actual, REFERENCE[name], exact, name, half)


@pytest.mark.parametrize('name', sorted(reference_cases.CASES))
def test_meta_step_matches_the_reference_within_rounding(name):
    assert set(REFERENCE) == set(reference_cases.CASES)
    assert _problems(name) == []
    # The reference is a real training: every parameter moved.
    result = reference_cases.run_case(name)
    start = reference_cases.run_case(name, iters=0)['model']
    moved = [k for k, v in result['model'].items()
             if v.is_floating_point() and not torch.equal(v, start[k])]
    assert len(moved) == len(
        [v for v in start.values() if v.is_floating_point()])


def test_a_changed_step_fails_the_comparison():
    """The control: mirroring SGD's momentum and weight decay in the
    virtual step changes the parameters by up to ~1e-3 after three
    iterations (1.6e-3 here); the tolerance (~1e-6 and below) must catch
    it, with a margin."""
    name = 'mfrw-mes_forward_bn_momentum'
    changed = reference_cases.run_case(name, mirror_optimizer=True)
    shift = max((changed['model'][k] - v).abs().max().item()
                for k, v in REFERENCE[name]['model'].items()
                if v.is_floating_point())
    assert 1e-5 < shift < 1e-2
    problems = _problems(name, mirror_optimizer=True)
    assert any('.model.' in p for p in problems), problems
    # ... and by far: the parameters' tolerance is < 1/50 of the change.
    exact = reference_cases.run_case(name, dtype=torch.float64)
    ours = reference_cases.run_case(name)
    tol = max(_float_tolerance(ours['model'][k], exact['model'][k], False)
              for k, v in ours['model'].items() if v.is_floating_point())
    assert tol < shift / 50, (tol, shift)
    assert not math.isnan(tol)
