from types import SimpleNamespace

import numpy as np
import pytest
import torch.nn as nn
from mmpretrain.registry import DATASETS, MODELS

from mmadvisor.engine.hooks import ClassCountsCheckHook

DIGITS = dict(type='Digits', split='train', img_size=8)


def runner_for(dataset_cfg, class_counts, num_classes=10):
    head = nn.Module()
    head.num_classes = num_classes
    head.loss_module = MODELS.build(
        dict(type='BalancedSoftmaxLoss', class_counts=class_counts))
    model = nn.Module()
    model.head = head
    dataset = DATASETS.build(dataset_cfg)
    return SimpleNamespace(
        model=model, train_dataloader=SimpleNamespace(dataset=dataset))


def lt(imbalance_factor):
    return dict(type='LongTailDataset', imbalance_factor=imbalance_factor,
                dataset=DIGITS)


def test_matching_counts_pass_and_stale_counts_stop():
    counts = np.bincount(DATASETS.build(lt(10)).get_gt_labels()).tolist()
    ClassCountsCheckHook().before_train(runner_for(lt(10), counts))
    # The protocol changed (IF 10 -> 5) but the counts did not.
    with pytest.raises(ValueError, match='--options-for'):
        ClassCountsCheckHook().before_train(runner_for(lt(5), counts))


def test_noisy_long_tail_uses_the_nominal_counts():
    noisy = dict(type='LabelNoiseDataset', noise_type='flip',
                 noise_ratio=0.4, dataset=lt(10))
    nominal = np.bincount(DATASETS.build(lt(10)).get_gt_labels()).tolist()
    served = np.bincount(DATASETS.build(noisy).get_gt_labels(),
                         minlength=10).tolist()
    assert served != nominal
    ClassCountsCheckHook().before_train(runner_for(noisy, nominal))
    with pytest.raises(ValueError, match='images per class'):
        ClassCountsCheckHook().before_train(runner_for(noisy, served))


def test_class_number_mismatch_stops():
    counts = np.bincount(DATASETS.build(lt(10)).get_gt_labels()).tolist()
    with pytest.raises(ValueError, match='model.head.num_classes=10'):
        ClassCountsCheckHook().before_train(
            runner_for(lt(10), counts, num_classes=1000))
