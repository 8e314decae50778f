"""FLOP counting of one training iteration; the methods are their
fragments."""
import pytest
from mmengine.config import Config
from mmpretrain.registry import MODELS

from benchmarks import methods, step_cost


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
    """The exact step cannot cost less than (7 + 3M/N) forwards, i.e.
    (7 + 3M/N) / 3 cross-entropy iterations (README, "Speed"); LeNet-5's
    meta batch is M = 100 of N = 128. The advisor's own layers (120 -> 100,
    200 -> 200 -> 130 per image) come on top: within 10 %."""
    setup = step_cost.SETUPS['lenet5']
    floor = (7 + 3 * setup.meta_batch / setup.batch) / 3
    flops = {}
    for method in ('ce', 'mfrw-mes', 'head-only', 'fast-k4', 'mw-net'):
        flops[method] = step_cost.count_flops(
            *step_cost.build('lenet5', method))
    ce = flops['ce']
    assert floor * ce < flops['mfrw-mes'] < 1.1 * floor * ce
    # a virtual step of the fc only needs no backbone backward in phases
    # 2-3; the advisor every 4th iteration pays phases 2-3 a quarter of the
    # time
    assert flops['head-only'] < flops['fast-k4'] < flops['mfrw-mes']
    # MW-Net (its meta-gradient through a per-sample weight): the same
    # phases, its weight net's layers on per-sample losses only
    assert 0.9 * floor * ce < flops['mw-net'] < flops['mfrw-mes']


@pytest.mark.parametrize('method', sorted(step_cost.METHODS))
def test_each_method_is_built_from_its_fragment(method):
    """The benchmark's model of a method is the fragment placed on the
    setup's classifier, as a config places it; the meta optimizer is the
    fragment's (MW-Net's its authors' Adam 1e-3 with weight decay)."""
    fragment, options = step_cost.METHODS[method]
    spec = methods.get(fragment)
    model, wrapper, _ = step_cost.build('lenet5', method)
    parts = spec.parts
    assert type(model).__name__ == (
        'AdvisorClassifier' if spec.is_advisor else 'ImageClassifier')
    if not spec.is_advisor:
        assert not hasattr(wrapper, 'meta_step')
        return
    head = parts['advisor_model']['head']
    assert type(model.head.advisor).__name__ == head['advisor']['type']
    assert type(model.head.loss_module).__name__ == head['loss']['type']
    meta = dict(parts['meta_optimizer'])
    assert type(wrapper.meta_optimizer).__name__ == meta.pop('type')
    for key, value in meta.items():
        assert wrapper.meta_optimizer.defaults[key] == value


def test_fast_preset_is_the_preset_file_and_costs_half_way():
    """``fast`` reads the preset file: the built wrapper has its options
    (parsed here by MMEngine from the file). With ``advisor_interval=k``
    an iteration costs on average one head-only step (advisor iterations)
    per k, the others a step without the meta phases."""
    preset = Config.fromfile(
        f'{methods.ROOT}/{methods.FRAGMENTS}/mfrw-mes-fast.py').fast_meta_step
    model, wrapper, batch = step_cost.build('lenet5', 'fast')
    assert wrapper.advisor_interval == preset.advisor_interval
    assert list(wrapper.virtual_params) == list(preset.virtual_params)
    assert preset.virtual_params == ['head.fc']  # what 'head-only' is
    flops = {m: step_cost.count_flops(*step_cost.build('lenet5', m))
             for m in ('ce', 'head-only')}
    flops['fast'] = step_cost.count_flops(model, wrapper, batch)
    k = preset.advisor_interval
    mean = (flops['head-only'] + (k - 1) * flops['ce']) / k
    # on the off iterations the advisor's forward (and the backward through
    # W_f * f) comes on top of CE: a few % of LeNet-5's small step
    assert mean < flops['fast'] < 1.05 * mean


def test_model_cfg_is_the_config_model_of_the_method():
    """What the benchmark builds for a method is what its configs train:
    MFRW on the model of LeNet-5's benchmark config equals that config's
    model (but the preprocessor and the classes, which are the setup's)."""
    cfg = Config.fromfile(f'{methods.ROOT}/configs/fashion_mnist_bench/'
                          'lenet5-mfrw_1xb128_fashion-mnist-bench.py')
    built = step_cost.model_cfg(step_cost.SETUPS['lenet5'], 'mfrw')
    for key in ('type', 'backbone', 'neck'):
        assert built[key] == cfg.model[key]
    assert built['head'] == cfg.model.head.to_dict()
    MODELS.build(built)
