"""The plug-in's check hooks on hand-made runners (the tools-level tests
are in tests/test_tools/test_user_errors.py; that every config carries
them, in tests/test_configs/test_thesis_configs.py)."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim.scheduler import (CosineAnnealingLR, LinearLR,
                                      MultiStepLR)

from mmadvisor.engine import hooks
from mmadvisor.engine.hooks import FiniteLossHook, ResumeSchedulerHook

PER_EPOCH = 5


def build(schedule):
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    return optimizer, [cls(optimizer, **kw) for cls, kw in schedule]


def train(optimizer, scheds, start, stop):
    """Iterations ``start+1..stop`` as ParamSchedulerHook steps them; the
    learning rate after each."""
    lrs = []
    for it in range(start + 1, stop + 1):
        optimizer.step()
        for s in scheds:
            if not s.by_epoch:
                s.step()
        if it % PER_EPOCH == 0:
            for s in scheds:
                if s.by_epoch:
                    s.step()
        lrs.append(optimizer.param_groups[0]['lr'])
    return lrs


def resume(first, second, done):
    """Train ``first`` for ``done`` iterations, then resume with ``second``
    as the runner does (build, before_run, load, before_train)."""
    optimizer, scheds = build(first)
    train(optimizer, scheds, 0, done)
    ckpt = dict(optimizer=optimizer.state_dict(),
                param_schedulers=[s.state_dict() for s in scheds])
    optimizer, scheds = build(second)
    runner = SimpleNamespace(
        param_schedulers=scheds, optim_wrapper=optimizer,
        cfg=Config(dict(resume=True)), train_loop=None, iter=done,
        epoch=done // PER_EPOCH, train_dataloader=[None] * PER_EPOCH,
        logger=MMLogger.get_current_instance())
    hook = ResumeSchedulerHook()
    hook.before_run(runner)
    hook.after_load_checkpoint(runner, ckpt)
    optimizer.load_state_dict(ckpt['optimizer'])
    for sched, state in zip(scheds, ckpt['param_schedulers']):
        sched.load_state_dict(state)
    hook.before_train(runner)
    return optimizer, scheds


@pytest.mark.parametrize('config', [
    dict(type='MultiStepLR', by_epoch=True, milestones=[3], gamma=0.1),
    [dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=3),
     dict(type='MultiStepLR', milestones=[3])],
])
def test_resume_check_lets_a_test_run_through(config):
    """A test run (tools/test.py, MMPretrain's test.py) runs the config's
    hooks too, but never builds the schedulers: they stay configs."""
    runner = SimpleNamespace(param_schedulers=config,
                             cfg=Config(dict(resume=False)))
    hook = ResumeSchedulerHook()
    hook.before_run(runner)
    hook.after_load_checkpoint(runner, dict(state_dict={}))
    hook.before_train(runner)
    assert hook._config_states == []


WARMUP = (LinearLR, dict(start_factor=0.1, by_epoch=False, begin=0, end=3))


def test_schedule_extended_after_the_resume_point_is_the_configs():
    first = [WARMUP, (MultiStepLR, dict(milestones=[3], end=4))]
    second = [WARMUP, (MultiStepLR, dict(milestones=[3, 5], end=8))]
    optimizer, scheds = resume(first, second, done=10)
    resumed = train(optimizer, scheds, 10, 40)
    optimizer, scheds = build(second)
    train(optimizer, scheds, 0, 10)
    assert resumed == train(optimizer, scheds, 10, 40)
    assert resumed[-1] == pytest.approx(0.001)  # both milestones fired


def test_schedule_that_changes_the_past_stops():
    first = [(CosineAnnealingLR, dict(T_max=100, by_epoch=False))]
    second = [(CosineAnnealingLR, dict(T_max=200, by_epoch=False))]
    with pytest.raises(ValueError, match=r'T_max: 100 in the checkpoint, '
                       r'200 in the config.*after 1 of the 10 iterations'):
        resume(first, second, done=10)


def test_other_number_of_schedulers_stops():
    first = [WARMUP, (MultiStepLR, dict(milestones=[3]))]
    with pytest.raises(ValueError, match='2 parameter schedulers, the '
                       'config 1'):
        resume(first, [(MultiStepLR, dict(milestones=[3]))], done=5)


def test_unchanged_schedule_resumes_as_mmengine_does():
    first = [WARMUP, (MultiStepLR, dict(milestones=[3]))]
    optimizer, scheds = resume(first, first, done=10)
    resumed = train(optimizer, scheds, 10, 20)
    optimizer, scheds = build(first)
    train(optimizer, scheds, 0, 10)
    assert resumed == train(optimizer, scheds, 10, 20)


def loss_runner(scaled):
    wrapper = SimpleNamespace(get_lr=lambda: dict(lr=[0.1]))
    if scaled:
        wrapper.loss_scaler = object()
    return SimpleNamespace(iter=6, epoch=1, optim_wrapper=wrapper)


def test_non_finite_loss_stops_unless_a_scaler_skips_the_step():
    nan = dict(loss=torch.tensor(float('nan')), accuracy=1.0)
    with pytest.raises(FloatingPointError, match=r'iteration 7 \(epoch 2\): '
                       'loss=nan.*now 0.1'):
        FiniteLossHook().after_train_iter(loss_runner(False), 0, None, nan)
    hook, runner = FiniteLossHook(amp_patience=3), loss_runner(True)
    for outputs in (nan, nan, dict(loss=1.0), nan, nan):
        hook.after_train_iter(runner, 0, None, outputs)
    with pytest.raises(FloatingPointError):
        hook.after_train_iter(runner, 0, None, dict(loss_meta=float('inf')))



ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: Hooks a config adds by choice, not checks: the advice record (it
#: writes data) and the repeatable numerics mode (it needs its environment
#: and slows a run down).
OPT_IN = {'AdviceRecordHook', 'RepeatableNumericsHook'}


def test_check_hooks_file_lists_every_hook_of_the_plug_in():
    """configs/_base_/check_hooks.py, which every config inherits, lists
    each hook of ``mmadvisor.engine.hooks`` but the opt-in ones, with no
    arguments: a new check hook must go there to run under every
    launcher."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_',
                                   'check_hooks.py'))
    listed = [h.type for h in cfg.custom_hooks]
    assert sorted(listed) == sorted(set(hooks.__all__) - OPT_IN)
    assert all(set(h) == {'type'} for h in cfg.custom_hooks)
