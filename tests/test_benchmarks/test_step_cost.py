"""FLOP counting of one training iteration and the floor model."""
import pytest

from benchmarks import step_cost


def test_floor_model_by_hand():
    # exact step, M = N: (7 + 3) / 3
    assert step_cost.floor_ratio() == pytest.approx(10 / 3)
    # meta batch half the batch: (7 + 1.5) / 3
    assert step_cost.floor_ratio(0.5) == pytest.approx(8.5 / 3)
    # every 4th iteration: 1 + 7 / 12
    assert step_cost.floor_ratio(1.0, interval=4) == pytest.approx(19 / 12)
    # virtual step of the head only: 1 + 1/3
    assert step_cost.floor_ratio(head_only=True) == pytest.approx(4 / 3)


def test_cross_entropy_flops_of_lenet5_by_hand():
    """LeNet-5 on 1x32x32, per image, multiply-adds of the forward:
    conv1 6 x 25 x 28 x 28 = 117 600, conv2 16 x 150 x 10 x 10 = 240 000,
    conv3 120 x 400 = 48 000, fc 10 x 120 = 1 200: 406 800, i.e. 813 600
    FLOPs. The backward costs twice the forward except conv1's input
    gradient (the images need none): 2 x 813 600 - 235 200. Batch 128."""
    model, wrapper, batch = step_cost.build('lenet5', 'ce')
    per_image = 813_600 + 2 * 813_600 - 235_200
    assert step_cost.count_flops(model, wrapper, batch) == 128 * per_image


def test_exact_step_meets_its_floor_and_variants_cost_less():
    model, wrapper, batch = step_cost.build('lenet5', 'ce')
    ce = step_cost.count_flops(model, wrapper, batch)
    flops = {}
    for method in ('mfrw-mes', 'head-only', 'fast-k4', 'mw-net'):
        model, wrapper, batch = step_cost.build('lenet5', method)
        flops[method] = step_cost.count_flops(model, wrapper, batch)
    # LeNet-5's meta batch is 100 of 128: floor (7 + 3 x 100/128) / 3; the
    # advisor's own layers (120 -> 100 -> 200 -> 130 per image) come on top
    floor = step_cost.floor_ratio(100 / 128)
    assert floor * ce < flops['mfrw-mes'] < 1.1 * floor * ce
    assert flops['head-only'] < flops['fast-k4'] < flops['mfrw-mes']
    # MW-Net (its meta-gradient through a per-sample weight): the same
    # phases, its weight net's layers on per-sample losses only
    assert 0.9 * floor * ce < flops['mw-net'] < flops['mfrw-mes']


def test_fast_preset_is_the_preset_file_and_costs_half_way():
    """``fast`` is the preset file's step; an iteration costs the mean of a
    head-only step (advisor iterations) and a step without the meta
    phases (the others)."""
    import os.path as osp

    from mmengine.config import Config

    from benchmarks.fashion_mnist_benchmark import ROOT
    preset = Config.fromfile(osp.join(
        ROOT, 'configs/_base_/methods/mfrw-mes-fast.py')).fast_meta_step
    assert step_cost.METHODS['fast'] == ('mfrw-mes', preset.to_dict())
    flops = {}
    for method in ('ce', 'head-only', 'fast'):
        flops[method] = step_cost.count_flops(*step_cost.build('lenet5',
                                                               method))
    assert flops['ce'] < flops['fast'] < flops['head-only']
    # on the off iterations the advisor's forward (and the backward through
    # W_f * f) comes on top of CE: a few % of LeNet-5's small step
    half_way = (flops['head-only'] + flops['ce']) / 2
    assert half_way < flops['fast'] < 1.05 * half_way
