import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper
from torch.func import functional_call

from mmadvisor.engine.optimizers import MetaOptimWrapper
from mmadvisor.engine.optimizers.virtual_step import virtual_parameters

ADVISOR = 'head.advisor.'


def _classifier_params(model):
    return {
        n: p
        for n, p in model.named_parameters() if not n.startswith(ADVISOR)
    }


def _advisor_vector(model):
    return torch.cat([p.detach().reshape(-1)
                      for p in model.head.advisor.parameters()])


def _meta_objective(model, train_batch, meta_batch, lr):
    """L_meta(w_hat(theta)) recomputed from scratch (float64, rho=1)."""
    data = model.data_preprocessor(train_batch, True)
    x = data['inputs']
    y = torch.cat([s.gt_label for s in data['data_samples']])
    feats = model.head.pre_logits(model.extract_feat(x))
    pre, logits = model.head.pre_loss(feats, y)
    advice = model.head.advise(feats, pre)
    loss = model.head.advised_loss(feats, y, advice,
                                   torch.ones_like(logits))
    params = _classifier_params(model)
    grads = torch.autograd.grad(loss, list(params.values()))
    virtual = {n: p - lr * g for (n, p), g in zip(params.items(), grads)}
    meta = model.data_preprocessor(meta_batch, False)
    out = functional_call(model, virtual, (meta['inputs'], ),
                          dict(mode='tensor'))
    return F.cross_entropy(
        out, torch.cat([s.gt_label for s in meta['data_samples']]))


@pytest.mark.parametrize('mode', ['forward', 'double_backward'])
@pytest.mark.parametrize('outputs', [('mfrw', 'mes'), ('mfrw', ), ('mes', )])
def test_meta_gradient_matches_finite_differences(toy, outputs, mode):
    model = toy['classifier'](outputs=outputs, rho=1.0, dtype=torch.float64)
    reference = copy.deepcopy(model)
    # SGD with lr 1 on the advisor: theta_before - theta_after = gradient.
    wrapper = toy['wrapper'](
        model, toy['meta'], meta_batch=6, lr=0.5, meta_gradient=mode,
        meta_optimizer=dict(type='SGD', lr=1.0))
    train_batch = toy['batch'](toy['train'], range(12))
    meta_batch = toy['batch'](toy['meta'], range(6))
    before = _advisor_vector(model)
    model.train_step(train_batch, wrapper)
    meta_grad = before - _advisor_vector(model)

    theta = list(reference.head.advisor.parameters())
    eps = 1e-6
    checked = 0
    offset = 0
    for p in theta:
        for idx in [0, p.numel() // 2, p.numel() - 1]:
            flat = p.data.view(-1)
            orig = flat[idx].item()
            flat[idx] = orig + eps
            up = _meta_objective(reference, train_batch, meta_batch, 0.5)
            flat[idx] = orig - eps
            down = _meta_objective(reference, train_batch, meta_batch, 0.5)
            flat[idx] = orig
            fd = (up - down).item() / (2 * eps)
            assert meta_grad[offset + idx].item() == pytest.approx(
                fd, rel=1e-5, abs=1e-9)
            checked += 1
        offset += p.numel()
    assert checked == 3 * len(theta)
    assert meta_grad.abs().max() > 0


def test_actual_step_uses_updated_advisor(toy):
    model = toy['classifier'](rho=1.0, dtype=torch.float64)
    start = copy.deepcopy(model)
    wrapper = toy['wrapper'](
        model, toy['meta'], lr=0.5, meta_optimizer=dict(type='SGD', lr=5.0))
    batch = toy['batch'](toy['train'], range(12))
    model.train_step(batch, wrapper)

    def expected_params(advisor_state):
        ref = copy.deepcopy(start)
        ref.head.advisor.load_state_dict(advisor_state)
        data = ref.data_preprocessor(batch, True)
        y = torch.cat([s.gt_label for s in data['data_samples']])
        feats = ref.head.pre_logits(ref.extract_feat(data['inputs']))
        pre, logits = ref.head.pre_loss(feats, y)
        with torch.no_grad():
            advice = ref.head.advise(feats, pre)
        loss = ref.head.advised_loss(feats, y, advice, torch.ones_like(logits))
        params = _classifier_params(ref)
        grads = torch.autograd.grad(loss, list(params.values()))
        return {n: p - 0.5 * g for (n, p), g in zip(params.items(), grads)}

    after = _classifier_params(model)
    with_new = expected_params(model.head.advisor.state_dict())
    with_old = expected_params(start.head.advisor.state_dict())
    for name, p in after.items():
        assert torch.allclose(p, with_new[name], atol=1e-12), name
    assert any(not torch.allclose(after[n], with_old[n], atol=1e-8)
               for n in after)


@pytest.mark.parametrize('mode', ['forward', 'double_backward'])
def test_virtual_step_leaves_real_model_untouched(toy, mode):
    from mmadvisor.engine.optimizers.train_batch import TrainBatch
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'], lr=0.3, meta_gradient=mode)
    state = copy.deepcopy(model.state_dict())
    data = model.data_preprocessor(toy['batch'](toy['train'], range(12)), True)
    y = torch.cat([s.gt_label for s in data['data_samples']])
    feats = model.head.pre_logits(model.extract_feat(data['inputs']))
    pre, logits = model.head.pre_loss(feats, y)
    virtual, hparams = wrapper.virtual_train(
        model, TrainBatch(data['inputs'], feats, y, pre,
                           model.head.sample_beta(logits), logits,
                           data['data_samples']))
    for name, value in model.state_dict().items():
        assert torch.equal(value, state[name]), name
    assert not any(p.grad is not None for p in model.parameters())
    assert wrapper.optimizer.state_dict()['state'] == {}
    assert set(virtual) == set(_classifier_params(model))
    assert all(hp['lr'] == 0.3 for hp in hparams.values())
    # Only the double-backward form keeps the graph to the advisor.
    assert all((v.grad_fn is not None) == (mode == 'double_backward')
               for v in virtual.values())
    assert any(not torch.allclose(virtual[n], p)
               for n, p in _classifier_params(model).items())


@pytest.mark.parametrize('mirror', [False, True])
def test_forward_mode_equals_double_backward(toy, mirror):
    """Both meta-gradient forms, on a batch-norm model, after real steps
    (momentum buffers, Nesterov), give the same advisor update."""
    results = []
    for mode in ('forward', 'double_backward'):
        model = toy['classifier'](rho=1.0, dtype=torch.float64, with_bn=True)
        wrapper = toy['wrapper'](
            model, toy['meta'], lr=0.2, meta_gradient=mode,
            mirror_optimizer=mirror, meta_optimizer=dict(type='SGD', lr=1.0))
        wrapper.optimizer.param_groups[0].update(
            momentum=0.9, nesterov=True, weight_decay=1e-3)
        for step in range(3):
            before = _advisor_vector(model)
            model.train_step(toy['batch'](toy['train'], range(12)), wrapper)
        results.append((before - _advisor_vector(model),
                        _classifier_params(model)))
    (g_fwd, p_fwd), (g_dbl, p_dbl) = results
    assert g_fwd.abs().max() > 1e-6
    assert torch.allclose(g_fwd, g_dbl, rtol=1e-7, atol=1e-12)
    for name in p_fwd:
        assert torch.allclose(p_fwd[name], p_dbl[name], atol=1e-12), name


def test_virtual_params_selection_and_interval(toy):
    model = toy['classifier']()
    wrapper = toy['wrapper'](
        model, toy['meta'], virtual_params=['head.fc'], advisor_interval=2,
        meta_lr=1e-2)
    names, _ = virtual_parameters(model, wrapper.optimizer,
                                  wrapper.virtual_params)
    assert names == ['head.fc.weight', 'head.fc.bias']
    batch = toy['batch'](toy['train'], range(12))
    theta0 = _advisor_vector(model)
    logs = model.train_step(batch, wrapper)
    theta1 = _advisor_vector(model)
    logs2 = model.train_step(batch, wrapper)
    theta2 = _advisor_vector(model)
    assert 'loss_meta' in logs and 'loss_meta' not in logs2
    assert not torch.equal(theta0, theta1)
    assert torch.equal(theta1, theta2)
    with pytest.raises(ValueError, match='selects no trainable'):
        virtual_parameters(model, wrapper.optimizer, ['nothing'])


def test_constructor_splits_parameters(toy):
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'])
    assert isinstance(wrapper, MetaOptimWrapper)
    main = {id(p) for g in wrapper.optimizer.param_groups for p in g['params']}
    meta = {
        id(p)
        for g in wrapper.meta_optimizer.param_groups for p in g['params']
    }
    advisor = {id(p) for p in model.head.advisor.parameters()}
    assert meta == advisor
    assert main == {id(p) for p in _classifier_params(model).values()}
    assert isinstance(wrapper.meta_optimizer, torch.optim.Adam)
    assert wrapper.get_lr() == dict(lr=[0.1], meta_lr=[1e-4])


def test_state_dict_resumes_meta_stream(toy):
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'], meta_batch=4)
    batch = toy['batch'](toy['train'], range(12))
    model.train_step(batch, wrapper)
    model.train_step(batch, wrapper)
    state = copy.deepcopy(wrapper.state_dict())
    assert state['meta_consumed'] == 8 and state['num_steps'] == 2
    expected_next = wrapper.meta_stream.next(model)

    fresh = toy['wrapper'](copy.deepcopy(model), toy['meta'], meta_batch=4)
    fresh.load_state_dict(state)
    got = fresh.meta_stream.next(model)
    assert torch.equal(got[0], expected_next[0])
    assert torch.equal(got[1], expected_next[1])
    assert fresh.meta_optimizer.state_dict()['state'].keys() == \
        state['meta_optimizer']['state'].keys()
    with pytest.raises(KeyError, match='load_from'):
        fresh.load_state_dict(wrapper.optimizer.state_dict())


def test_record_advice(toy):
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'])
    wrapper.record_advice = True
    model.train_step(toy['batch'](toy['train'], range(5)), wrapper)
    rec = wrapper.latest_advice
    assert rec['sample_idx'].tolist() == [0, 1, 2, 3, 4]
    assert rec['w_f'].shape == (5, 6) and rec['s'].shape == (5, 3)
    assert rec['pred_score'].shape == (5, 3)
    assert torch.allclose(rec['pred_score'].sum(1), torch.ones(5))
    assert rec['gt_label'].tolist() == [0, 1, 2, 0, 1]


def test_bf16_autocast_trains_finite(toy):
    model = toy['classifier'](with_bn=True)
    wrapper = toy['wrapper'](model, toy['meta'], amp='bfloat16')
    batch = toy['batch'](toy['train'], range(12))
    for _ in range(4):
        logs = model.train_step(batch, wrapper)
        assert all(torch.isfinite(torch.tensor(v)) for v in logs.values())
    assert all(torch.isfinite(p).all() for p in model.parameters())
    with pytest.raises(ValueError, match="amp='int8'"):
        toy['wrapper'](model, toy['meta'], amp='int8')


def test_meta_set_must_cover_every_class(toy):
    ToyDataset = toy['dataset']
    model = toy['classifier']()
    batch = toy['batch'](toy['train'], range(6))
    wrapper = toy['wrapper'](model, ToyDataset(4, labels=[0, 0, 1, 1]))
    with pytest.raises(ValueError, match=r'no sample of class\(es\) \[2\]'):
        model.train_step(batch, wrapper)
    wrapper = toy['wrapper'](model, ToyDataset(4, labels=[0, 1, 2, 7]))
    with pytest.raises(ValueError, match=r'labels \[7\] outside'):
        model.train_step(batch, wrapper)
    wrapper = toy['wrapper'](model, ToyDataset(4, num_classes=4))
    with pytest.raises(ValueError, match='declares 4 classes'):
        model.train_step(batch, wrapper)


def test_feature_size_mismatch(toy):
    from mmpretrain.registry import MODELS
    with pytest.raises(ValueError, match='in_channels=5'):
        model = MODELS.build(
            dict(
                type='AdvisorClassifier',
                backbone=dict(type='TinyNet'),
                head=dict(type='AdvisorHead', num_classes=3, in_channels=5)))
        wrapper = toy['wrapper'](model, toy['meta'])
        model.train_step(toy['batch'](toy['train'], range(4)), wrapper)


def test_non_finite_loss_stops_with_iteration(toy):
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'])
    batch = toy['batch'](toy['train'], range(6))
    model.train_step(batch, wrapper)
    batch['inputs'][0][0, 0, 0] = float('nan')
    # The runner's iteration, as a runner's message hub holds it (a fresh
    # hub: other tests' runners leave theirs behind).
    from mmengine.logging import MessageHub
    MessageHub.get_instance('test_non_finite_loss').update_info('iter', 41)
    with pytest.raises(FloatingPointError, match='at iteration 42'):
        model.train_step(batch, wrapper)


def test_plain_paths_fail_loudly(toy):
    from mmpretrain.registry import MODELS
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'])
    with pytest.raises(RuntimeError, match='MetaDistributedDataParallel'):
        wrapper.update_params(torch.tensor(1.0, requires_grad=True))
    plain = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match='MetaOptimWrapper'):
        model.train_step(toy['batch'](toy['train'], range(4)), plain)
    with pytest.raises(TypeError, match='AdvisorHead'):
        MODELS.build(
            dict(
                type='AdvisorClassifier',
                backbone=dict(type='TinyNet'),
                head=dict(type='LinearClsHead', num_classes=3,
                          in_channels=6)))
    with pytest.raises(ValueError, match='accumulative_counts=2'):
        toy['wrapper'](model, toy['meta'], accumulative_counts=2)


def test_mw_net_runs_on_the_same_machinery(toy):
    """MW-Net: loss -> sample weight; meta-gradient checked by FD too."""
    from mmpretrain.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='AdvisorClassifier',
            backbone=dict(type='TinyNet'),
            head=dict(
                type='AdvisorHead',
                num_classes=3,
                in_channels=6,
                advisor=dict(type='MWNet', hidden=5),
                # Cross-entropy that keeps float64 (mmpretrain's casts the
                # sample weights to float32, too coarse for the check).
                loss=dict(type='MetaEqualizationLoss')))).double()
    reference = copy.deepcopy(model)
    wrapper = toy['wrapper'](
        model, toy['meta'], lr=0.5, meta_optimizer=dict(type='SGD', lr=1.0))
    train_batch = toy['batch'](toy['train'], range(12))
    meta_batch = toy['batch'](toy['meta'], range(6))
    before = _advisor_vector(model)
    logs = model.train_step(train_batch, wrapper)
    # The logged weight is the mean advice of the updated weight net
    # (phase 4) on the phase-1 losses of the classifier before its step.
    data = reference.data_preprocessor(train_batch, True)
    y = torch.cat([s.gt_label for s in data['data_samples']])
    with torch.no_grad():
        feats = reference.head.pre_logits(reference.extract_feat(
            data['inputs']))
        pre, _ = reference.head.pre_loss(feats, y)
        weights = model.head.advise(feats, pre)['sample_weight']
    assert logs['advice_sample_weight'] == pytest.approx(
        weights.mean().item(), rel=1e-6)
    meta_grad = before - _advisor_vector(model)
    p = reference.head.advisor.net[0].weight
    for idx in range(p.numel()):
        flat = p.data.view(-1)
        orig = flat[idx].item()
        flat[idx] = orig + 1e-6
        up = _meta_objective(reference, train_batch, meta_batch, 0.5)
        flat[idx] = orig - 1e-6
        down = _meta_objective(reference, train_batch, meta_batch, 0.5)
        flat[idx] = orig
        assert meta_grad[idx].item() == pytest.approx(
            (up - down).item() / 2e-6, rel=1e-5, abs=1e-9)
    # The weighted loss by hand: mean_i v_i CE_i.
    feats = torch.randn(4, 6, dtype=torch.float64)
    labels = torch.tensor([0, 1, 2, 0])
    v = torch.tensor([0.1, 0.5, 1.0, 0.0], dtype=torch.float64)
    got = model.head.advised_loss(feats, labels, dict(sample_weight=v))
    ce = F.cross_entropy(model.head.fc(feats), labels, reduction='none')
    assert got.item() == pytest.approx((v * ce).mean().item())


@pytest.mark.parametrize('mode', ['forward', 'double_backward'])
def test_fp16_loss_scaling_trains_finite(toy, mode):
    """float16 autocast with dynamic loss scaling through phases 2-4."""
    model = toy['classifier'](with_bn=True)
    wrapper = toy['wrapper'](model, toy['meta'], amp='float16',
                             meta_gradient=mode, meta_lr=1e-2)
    assert wrapper.loss_scaling.enabled
    batch = toy['batch'](toy['train'], range(12))
    theta0 = _advisor_vector(model)
    for _ in range(4):
        logs = model.train_step(batch, wrapper)
        assert all(torch.isfinite(torch.tensor(v)) for v in logs.values())
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert not torch.equal(theta0, _advisor_vector(model))
    assert 'loss_scaler' in wrapper.state_dict()


def test_missing_meta_dataloader_is_named(toy):
    from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS
    model = toy['classifier']()
    with pytest.raises(ValueError, match='needs meta_dataloader'):
        OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(type='MetaOptimWrapperConstructor',
                 optim_wrapper_cfg=dict(
                     type='MetaOptimWrapper',
                     optimizer=dict(type='SGD', lr=0.1))))(model)
    with pytest.raises(ValueError, match="sampler.type='DefaultSampler'"):
        wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(type='MetaOptimWrapperConstructor',
                 optim_wrapper_cfg=dict(
                     type='MetaOptimWrapper',
                     optimizer=dict(type='SGD', lr=0.1),
                     meta_dataloader=dict(
                         batch_size=2, dataset=dict(type='Digits'),
                         sampler=dict(type='DefaultSampler')))))(model)
        wrapper.meta_dataloader


def test_param_scheduler_counts_the_real_step(toy):
    """MMEngine's schedulers wrap the optim wrapper's ``step`` to check it
    ran before theirs; phase 4 steps through it, so a scheduled advisor
    run gets no "scheduler.step() before optimizer.step()" warning, and the
    schedule moves the classifier's lr (never the advisor's)."""
    import warnings

    from mmengine.optim import MultiStepLR
    model = toy['classifier']()
    wrapper = toy['wrapper'](model, toy['meta'])
    lr = wrapper.get_lr()['lr'][0]
    scheduler = MultiStepLR(wrapper, milestones=[1], gamma=0.1,
                            by_epoch=False)
    batch = toy['batch'](toy['train'], range(6))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        for _ in range(2):
            model.train_step(batch, wrapper)
            scheduler.step()
    assert not [w for w in caught if 'optimizer.step()' in str(w.message)]
    assert wrapper._global_step == 1  # -1 + one per real step
    assert wrapper.get_lr()['lr'] == [pytest.approx(0.1 * lr)]
    assert wrapper.get_lr()['meta_lr'] == [
        wrapper.meta_optimizer.defaults['lr']]
