"""Reference runs of the bilevel step, to keep refactors from moving them.

``CASES`` are a few iterations of :meth:`MetaOptimWrapper.meta_step` on the
tests' tiny models; ``meta_step_reference.pt`` holds what the code
produced for each case, and ``tests/test_engine/test_meta_step_reference.py``
runs the cases with today's code and compares every value: discrete ones
(counters, random-generator states) exactly, floats within a tolerance
derived from float32 rounding (that test's docstring: another CPU sums in
another order), using :func:`run_case` in float64 as the exact value.

History: written first by the code of commit e5d9f1d, before
``MetaOptimWrapper`` was split into the modules of
``mmadvisor/engine/optimizers/``; the split (commit 4953a38) reproduced it
bit for bit. Regenerated once on purpose when the features' tangent
started to reuse phase 1's layer outputs (``record_linear_outputs``): the
same mathematics summed in another order (parameters within 3e-8 of the
old reference after 3 iterations, float16 within 4e-5; the double-backward
and head-only cases unchanged to the bit). Until 2026-12 the test demanded
bit-identity, which held only on CPUs that take the kernel paths of the
one that wrote the file (an AVX-512 x86-64): elsewhere the parameters
differed by up to 4.5e-8. Regenerate only for a change that is meant to
alter the numbers, and say so in its commit::

    OMP_NUM_THREADS=1 python tests/reference/meta_step_reference.py
"""
import os.path as osp
from typing import List

import torch
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from torch.utils.data import DataLoader

PATH = osp.join(osp.dirname(osp.abspath(__file__)), 'meta_step_reference.pt')

#: name -> (advisor outputs or 'mwnet', wrapper options, iterations)
CASES = {
    'mfrw-mes_forward_bn_momentum': (('mfrw', 'mes'), {}, 3),
    'mfrw-mes_double-backward_mirror': (
        ('mfrw', 'mes'),
        dict(meta_gradient='double_backward', mirror_optimizer=True), 3),
    'mes_head-only_interval2': (
        ('mes', ), dict(virtual_params=['head.fc'], advisor_interval=2), 4),
    'mfrw_mirror_forward': (('mfrw', ), dict(mirror_optimizer=True), 3),
    'mw-net': ('mwnet', {}, 3),
    'mfrw-mes_fp16': (('mfrw', 'mes'), dict(amp='float16'), 3),
}


def _tests_conftest():
    """tests/conftest.py (ToyDataset; it registers TinyNet), by path: other
    conftest modules of the suite share its module name."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'mmadvisor_tests_conftest',
        osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                 'conftest.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(name: str, iters: int = None, dtype: torch.dtype = torch.float32,
             **overrides) -> dict:
    """Run one case (``iters`` iterations instead of the case's, if
    given) from a fixed seed; return every state it changes.

    Args:
        name (str): A key of :data:`CASES`.
        iters (int, optional): Iterations instead of the case's.
        dtype (torch.dtype): The model's and the inputs' dtype. The same
            random draws are made for every dtype (parameters are drawn in
            float32 and then cast, the data are float32 and cast by
            ``TinyNet``, the MES draws use float32 probabilities).
            ``torch.float64`` gives the case's value with a rounding error
            ~1e9 times smaller than float32's: what the reference test
            derives its tolerance from. Mixed precision is turned off in
            float64 (its value is then the exact one the float16 case
            approximates).
        **overrides: Wrapper options that replace the case's (the control
            test changes the step with them).
    """
    ToyDataset = _tests_conftest().ToyDataset
    from mmadvisor.datasets.samplers import MetaSampler
    outputs, options, case_iters = CASES[name]
    options = {**options, **overrides}
    if dtype == torch.float64:
        options.pop('amp', None)
    iters = case_iters if iters is None else iters
    torch.manual_seed(0)
    if outputs == 'mwnet':
        head = dict(advisor=dict(type='MWNet', hidden=8),
                    loss=dict(type='CrossEntropyLoss'))
    else:
        head = dict(advisor=dict(type='Advisor', outputs=outputs,
                                 embed_dims=4),
                    loss=dict(type='MetaEqualizationLoss', rho=0.9)
                    if 'mes' in outputs else dict(type='CrossEntropyLoss'))
    model = MODELS.build(
        dict(type='AdvisorClassifier',
             data_preprocessor=dict(type='ClsDataPreprocessor'),
             backbone=dict(type='TinyNet', with_bn=True),
             head=dict(type='AdvisorHead', num_classes=3, in_channels=6,
                       **head))).to(dtype)  # TinyNet casts its inputs
    train, meta = ToyDataset(24, seed=1), ToyDataset(9, seed=2)
    loader = DataLoader(meta, batch_size=6, collate_fn=pseudo_collate,
                        sampler=MetaSampler(meta, shuffle=True, seed=3))
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='MetaOptimWrapperConstructor',
             optim_wrapper_cfg=dict(
                 type='MetaOptimWrapper',
                 optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                                weight_decay=5e-4),
                 meta_optimizer=dict(type='Adam', lr=1e-2),
                 meta_dataloader=loader, **options)))(model)
    logs = []
    for it in range(iters):
        batch = pseudo_collate(
            [train[(8 * it + i) % len(train)] for i in range(8)])
        logs.append(model.train_step(batch, wrapper))
    state = wrapper.state_dict()
    return dict(model=model.state_dict(), optimizer=state['optimizer'],
                meta_optimizer=state['meta_optimizer'],
                counters=(state['meta_consumed'], state['num_steps']),
                beta_rng=state.get('beta_rng'),
                loss_scaler=state.get('loss_scaler'), logs=logs)


#: float32's and float16's unit roundoff.
U32, U16 = 2.0**-24, 2.0**-11
#: Margin over the largest ratio measured between kernel paths (9.9; the
#: derivation: tests/test_engine/test_meta_step_reference.py).
K = 32


def float_tolerance(x32: torch.Tensor, x64: torch.Tensor,
                     half: bool) -> float:
    """``K (delta + u m)``, or ``K u16 m`` for a float16 case."""
    m = x64.abs().max().item() if x64.numel() else 0.0
    if half:
        return K * U16 * m
    delta = (x32.double() - x64).abs().max().item() if x64.numel() else 0.0
    return K * (delta + U32 * m)


def compare(actual, expected, exact, where: str, half: bool = False,
            problems: List[str] = None) -> List[str]:
    """What differs between ``actual`` and ``expected`` beyond rounding.

    Args:
        actual: This machine's float32 result of a case.
        expected: The saved reference.
        exact: The case's float64 result (``None`` where float64 has no
            counterpart, e.g. the float16 loss scaler: compared exactly).
        where (str): The path of the value, for the messages.
        half (bool): A float16 case (its unit roundoff sets the tolerance).

    Returns:
        list: One message per value out of tolerance (or of another type,
        shape or discrete value).
    """
    problems = [] if problems is None else problems
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor) or \
                actual.dtype != expected.dtype or \
                actual.shape != expected.shape:
            problems.append(f'{where}: {type(actual).__name__} '
                            f'{getattr(actual, "shape", "")} instead of '
                            f'{expected.dtype} {tuple(expected.shape)}')
        elif expected.is_floating_point() and exact is not None:
            tol = float_tolerance(actual, exact.double(), half)
            diff = (actual.double() - expected.double()).abs().max().item() \
                if expected.numel() else 0.0
            if not diff <= tol:
                problems.append(f'{where}: max |diff| {diff:.3g} > '
                                f'tolerance {tol:.3g}')
        elif not torch.equal(actual, expected):
            problems.append(f'{where}: differs (compared exactly)')
    elif isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            problems.append(f'{where}: keys {sorted(actual or ())} instead '
                            f'of {sorted(expected)}')
        else:
            for key in expected:
                compare(actual[key], expected[key],
                        exact.get(key) if isinstance(exact, dict) else None,
                        f'{where}.{key}', half, problems)
    elif isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            problems.append(f'{where}: {len(actual)} items instead of '
                            f'{len(expected)}')
        else:
            for i, (a, e) in enumerate(zip(actual, expected)):
                compare(a, e, exact[i] if exact is not None else None,
                        f'{where}[{i}]', half, problems)
    elif isinstance(expected, float) and exact is not None:
        compare(torch.tensor([actual]), torch.tensor([expected]),
                torch.tensor([exact], dtype=torch.float64), where, half,
                problems)
    elif actual != expected:
        problems.append(f'{where}: {actual!r} != {expected!r}')
    return problems


if __name__ == '__main__':
    _tests_conftest()  # one thread, the registrations
    torch.save({name: run_case(name) for name in CASES}, PATH)
    print(f'wrote {PATH}')
