"""The bilevel step gives, to the bit, what the saved reference holds.

Every parameter, buffer, optimizer state, counter, random-generator state
and logged value after a few iterations of each case must be equal, not
close (see ``tests/reference/meta_step_reference.py`` for the reference's
history: it guarded the split of ``MetaOptimWrapper`` into modules).
"""
import importlib.util
import os.path as osp

import pytest
import torch

REFERENCE_DIR = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'reference')
spec = importlib.util.spec_from_file_location(
    'meta_step_reference', osp.join(REFERENCE_DIR, 'meta_step_reference.py'))
reference_cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference_cases)
REFERENCE = torch.load(reference_cases.PATH, weights_only=True)


def _assert_identical(actual, expected, where):
    if isinstance(expected, torch.Tensor):
        assert isinstance(actual, torch.Tensor), where
        assert actual.dtype == expected.dtype and \
            actual.shape == expected.shape, where
        assert torch.equal(actual, expected), \
            f'{where}: max |diff| {(actual - expected).abs().max().item()}'
    elif isinstance(expected, dict):
        assert set(actual) == set(expected), where
        for key in expected:
            _assert_identical(actual[key], expected[key], f'{where}.{key}')
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            _assert_identical(a, e, f'{where}[{i}]')
    else:
        assert actual == expected, f'{where}: {actual!r} != {expected!r}'


@pytest.mark.parametrize('name', sorted(reference_cases.CASES))
def test_meta_step_is_bit_identical_to_the_reference(name):
    assert set(REFERENCE) == set(reference_cases.CASES)
    result = reference_cases.run_case(name)
    _assert_identical(result, REFERENCE[name], name)
    # The reference is a real training: every parameter moved.
    start = reference_cases.run_case(name, iters=0)['model']
    moved = [k for k, v in result['model'].items()
             if v.is_floating_point() and not torch.equal(v, start[k])]
    assert len(moved) == len(
        [v for v in start.values() if v.is_floating_point()])
