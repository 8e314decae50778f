import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from mmadvisor.models.losses import (MetaEqualizationLoss,
                                     SoftmaxEqualizationLoss,
                                     meta_equalization_loss)


def _logits():
    torch.manual_seed(0)
    return torch.randn(6, 5, dtype=torch.float64), torch.tensor(
        [0, 1, 2, 3, 4, 0])


def test_equals_cross_entropy_without_suppression():
    z, y = _logits()
    ce = F.cross_entropy(z, y)
    assert torch.allclose(meta_equalization_loss(z, y), ce)
    s = torch.rand(6, 5, dtype=torch.float64)
    # s = 0, rho = 0 and beta = 0 all reduce to the softmax cross-entropy.
    assert torch.allclose(meta_equalization_loss(z, y, torch.zeros_like(s)),
                          ce)
    assert torch.allclose(meta_equalization_loss(z, y, s, rho=0.0), ce)
    assert torch.allclose(
        meta_equalization_loss(z, y, s, beta=torch.zeros_like(s)), ce)
    loss = MODELS.build(dict(type='MetaEqualizationLoss', rho=0.0))
    assert torch.allclose(loss(z, y, s=s), ce)


def test_value_by_hand():
    # One sample, three classes, target 0: w = (1, 1 - s1, 1 - s2).
    z = torch.tensor([[1.0, 2.0, 0.5]], dtype=torch.float64)
    y = torch.tensor([0])
    s = torch.tensor([[0.9, 0.5, 0.25]], dtype=torch.float64)
    beta = torch.ones(1, 3, dtype=torch.float64)
    expected = -math.log(
        math.exp(1.0) /
        (math.exp(1.0) + 0.5 * math.exp(2.0) + 0.75 * math.exp(0.5)))
    got = meta_equalization_loss(z, y, s, beta)
    assert got.item() == pytest.approx(expected, rel=1e-12)
    # beta = 0 on class 2 only keeps its full weight.
    beta = torch.tensor([[1.0, 1.0, 0.0]], dtype=torch.float64)
    expected = -math.log(
        math.exp(1.0) /
        (math.exp(1.0) + 0.5 * math.exp(2.0) + math.exp(0.5)))
    assert meta_equalization_loss(z, y, s, beta).item() == pytest.approx(
        expected, rel=1e-12)


def test_negative_class_gradients_scaled_by_weights():
    z, y = _logits()
    z.requires_grad_(True)
    s = torch.rand(6, 5, dtype=torch.float64)
    beta = torch.bernoulli(torch.full((6, 5), 0.7, dtype=torch.float64))
    loss = meta_equalization_loss(z, y, s, beta, reduction='sum')
    (grad, ) = torch.autograd.grad(loss, z)
    onehot = F.one_hot(y, 5).double()
    w_hat = 1 - beta * s * (1 - onehot)
    p_eq = w_hat * z.detach().exp() / (w_hat * z.detach().exp()).sum(
        1, keepdim=True)
    # Eq. 3.6: dL/dz_k = w_k e^{z_k} / sum_j w_j e^{z_j} - y_k.
    assert torch.allclose(grad, p_eq - onehot)
    # ... i.e. the softmax gradient of each negative class scaled by w_k
    # (relative to the re-weighted partition function).
    negative = onehot == 0
    ratio = grad[negative] / (z.detach().exp()[negative])
    partition = (w_hat * z.detach().exp()).sum(1, keepdim=True).expand(6, 5)
    assert torch.allclose(ratio, w_hat[negative] / partition[negative])


def test_zero_weights_are_finite():
    z = torch.tensor([[50.0, 80.0, -30.0], [0.0, 0.0, 0.0]],
                     requires_grad=True)
    y = torch.tensor([0, 2])
    s = torch.ones(2, 3, requires_grad=True)
    beta = torch.ones(2, 3)
    loss = meta_equalization_loss(z, y, s, beta)
    loss.backward()
    # All negatives suppressed: p_y = 1 exactly, loss 0, no inf/NaN.
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    assert torch.isfinite(z.grad).all() and torch.isfinite(s.grad).all()
    # The gradient to s_k is -w.r.t. the suppressed mass: -e^{z_k}/Z.
    assert s.grad[0, 1].item() == pytest.approx(-math.exp(30.0) / 2,
                                                rel=1e-4)


def test_soft_labels_rejected():
    z, _ = _logits()
    with pytest.raises(ValueError, match='soft targets'):
        meta_equalization_loss(z, torch.rand(6, 5), torch.rand(6, 5))


def test_bad_rho():
    with pytest.raises(ValueError, match='rho=1.5'):
        MetaEqualizationLoss(rho=1.5)


def test_beta_frequency():
    torch.manual_seed(0)
    beta = MetaEqualizationLoss(rho=0.9).sample_beta(torch.zeros(200, 50))
    assert beta.shape == (200, 50)
    assert set(beta.unique().tolist()) <= {0.0, 1.0}
    assert beta.mean().item() == pytest.approx(0.9, abs=0.01)


def test_softmax_equalization_threshold():
    # Frequencies 0.5, 0.45, 0.05: lambda 0.1 marks class 2 as rare.
    loss = SoftmaxEqualizationLoss([100, 90, 10], lambda_=0.1, rho=1.0)
    assert loss.threshold.tolist() == [0.0, 0.0, 1.0]
    z = torch.tensor([[1.0, 2.0, 3.0]])
    expected = -math.log(math.exp(1.0) / (math.exp(1.0) + math.exp(2.0)))
    assert loss(z, torch.tensor([0])).item() == pytest.approx(expected)
    # The rare class's own samples still see every class.
    assert loss(z, torch.tensor([2])).item() == pytest.approx(
        F.cross_entropy(z, torch.tensor([2])).item())
    with pytest.raises(ValueError, match='3 classes but the logits have 4'):
        loss(torch.zeros(1, 4), torch.tensor([0]))
    with pytest.raises(ValueError, match='class_counts'):
        SoftmaxEqualizationLoss([5])


def test_class_prior_shift():
    """With class_counts the loss is MES on z + log(n_k / sum n)."""
    from mmpretrain.registry import MODELS

    from mmadvisor.models.losses.meta_equalization_loss import \
        meta_equalization_loss
    counts = [30, 10, 5, 5]  # prior 0.6, 0.2, 0.1, 0.1
    torch.manual_seed(0)
    z = torch.randn(6, 4)
    y = torch.tensor([0, 1, 2, 3, 0, 1])
    prior = MODELS.build(dict(type='MetaEqualizationLoss',
                              class_counts=counts))
    # s = None: exactly Balanced Softmax
    balms = MODELS.build(dict(type='BalancedSoftmaxLoss',
                              class_counts=counts))
    assert torch.allclose(prior(z, y), balms(z, y), atol=1e-6)
    # by hand for one sample: -log(0.6 e^{z0} / sum_k pi_k e^{z_k})
    pi = torch.tensor([0.6, 0.2, 0.1, 0.1])
    by_hand = -torch.log(pi[0] * z[0, 0].exp() / (pi * z[0].exp()).sum())
    assert torch.allclose(
        prior(z[:1], y[:1]), by_hand, atol=1e-6)
    # with advice: the equalization acts on the shifted logits
    s = torch.rand(6, 4)
    beta = torch.ones(6, 4)
    expected = meta_equalization_loss(z + pi.log(), y, s=s, beta=beta)
    assert torch.allclose(prior(z, y, s=s, beta=beta), expected, atol=1e-6)
    assert prior.class_counts == counts
    with pytest.raises(ValueError, match='must all be positive'):
        MODELS.build(dict(type='MetaEqualizationLoss', class_counts=[3, 0]))
    with pytest.raises(ValueError, match='class_counts has 4 entries'):
        prior(torch.randn(2, 3), torch.tensor([0, 1]))
