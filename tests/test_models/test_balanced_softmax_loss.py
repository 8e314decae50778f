# Copyright (c) mmadvisor contributors.
import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from mmadvisor.models.losses.balanced_softmax_loss import (
    BalancedSoftmaxLoss, balanced_softmax_loss)


def test_uniform_prior_equals_cross_entropy():
    torch.manual_seed(0)
    logits = torch.randn(5, 4)
    label = torch.tensor([0, 3, 1, 1, 2])
    loss = MODELS.build(dict(type='BalancedSoftmaxLoss',
                             class_counts=[7, 7, 7, 7]))
    assert torch.allclose(loss(logits, label), F.cross_entropy(logits, label))
    ce = MODELS.build(dict(type='CrossEntropyLoss', loss_weight=2.0))
    loss2 = BalancedSoftmaxLoss([3, 3, 3, 3], loss_weight=2.0)
    weight = torch.tensor([1., 0., 2., 1., 1.])
    assert torch.allclose(
        loss2(logits, label, weight=weight, avg_factor=3.0),
        ce(logits, label, weight=weight, avg_factor=3.0))


def test_value_by_hand_2x3():
    # counts 1:2:1 -> prior (1/4, 1/2, 1/4); zero logits -> softmax = prior.
    # Row 0, label 1: -log(1/2). Row 1 logits (log 2, 0, 0), label 0:
    # -log(2 * 1/4 / (2 * 1/4 + 1/2 + 1/4)) = -log(0.4).
    logits = torch.tensor([[0., 0., 0.], [math.log(2.), 0., 0.]])
    label = torch.tensor([1, 0])
    loss = BalancedSoftmaxLoss(class_counts=[1, 2, 1])
    per_sample = loss(logits, label, reduction_override='none')
    assert torch.allclose(per_sample,
                          torch.tensor([math.log(2.), -math.log(0.4)]))
    assert torch.allclose(loss(logits, label),
                          torch.tensor((math.log(2.) - math.log(0.4)) / 2))
    assert torch.allclose(
        loss(logits, label, reduction_override='sum'), per_sample.sum())


def test_gradient_and_pure_function():
    logits = torch.zeros(1, 2, requires_grad=True)
    log_prior = torch.tensor([0.75, 0.25]).log()
    balanced_softmax_loss(logits, torch.tensor([1]), log_prior).backward()
    # d/dz = softmax(z + log prior) - onehot = (0.75, 0.25 - 1).
    assert torch.allclose(logits.grad, torch.tensor([[0.75, -0.75]]))


def test_errors(tmp_path):
    with pytest.raises(ValueError, match='must all be positive'):
        BalancedSoftmaxLoss(class_counts=[3, 0, 1])
    with pytest.raises(ValueError, match='non-negative integers'):
        BalancedSoftmaxLoss(class_counts=[3, -1, 1])
    loss = BalancedSoftmaxLoss(class_counts=[3, 2, 1])
    with pytest.raises(ValueError, match='3 entries but the logits have 4'):
        loss(torch.zeros(2, 4), torch.tensor([0, 1]))
    counts = tmp_path / 'counts.txt'
    counts.write_text('3\n2\n1\n')
    from_file = BalancedSoftmaxLoss(class_counts=str(counts))
    assert torch.allclose(from_file.log_prior, loss.log_prior)
