# Copyright (c) mmadvisor contributors.
"""Behaviour shared by the wrappers, and wrappers nested on Digits."""
import numpy as np
import pytest
import torch
from mmengine.dataset import ClassBalancedDataset

from mmadvisor.datasets import (Digits, LabelNoiseDataset, LongTailDataset,
                                MetaSplit, load_dump)
from mmpretrain.registry import DATASETS

DIGITS = dict(type='Digits', split='train', img_size=16,
              pipeline=[dict(type='PackInputs')])


def build_nested(seed=0):
    return DATASETS.build(
        dict(
            type='LabelNoiseDataset',
            noise_type='flip',
            noise_ratio=0.4,
            seed=seed,
            dataset=dict(
                type='LongTailDataset',
                imbalance_factor=5,
                dataset=dict(
                    type='MetaSplit', split='train', num_per_class=10,
                    dataset=DIGITS))))


def test_nested_through_pack_inputs():
    noise = build_nested()
    lt, ms, digits = noise.dataset, noise.dataset.dataset, \
        noise.dataset.dataset.dataset
    assert isinstance(digits, Digits)
    assert len(noise) == len(lt) == lt.class_counts.sum()
    assert noise.metainfo == digits.metainfo
    assert noise.noise_flags.any()
    for idx in [0, 5, int(np.flatnonzero(noise.noise_flags)[0]),
                len(noise) - 1]:
        out = noise[idx]
        sample = out['data_samples']
        # the label is the noisy one, the index the top-level one
        assert sample.gt_label.item() == noise.noisy_labels[idx]
        assert sample.sample_idx == idx
        # the image is the Digits image the chain of indices points at
        d_idx = ms.train_indices[lt.kept_indices[idx]]
        assert torch.equal(out['inputs'], digits[int(d_idx)]['inputs'])
        assert noise.clean_labels[idx] == digits.get_gt_labels()[d_idx]
    # negative index = from the end
    assert noise.get_data_info(-1)['sample_idx'] == len(noise) - 1
    with pytest.raises(IndexError, match='out of range'):
        noise.get_data_info(len(noise))


def test_cat_ids_and_gt_labels(toy):
    ds = toy([6, 6])  # labels 0, 1, 0, 1, ...
    ms = MetaSplit(ds, split='meta', num_per_class=2)
    labels = ms.get_gt_labels()
    np.testing.assert_array_equal(labels, ms.meta_indices % 2)
    assert sorted(labels) == [0, 0, 1, 1]
    assert [ms.get_cat_ids(i) for i in range(4)] == [[x] for x in labels]
    # get_gt_labels returns a copy
    ms.get_gt_labels()[:] = 9
    np.testing.assert_array_equal(ms.get_gt_labels(), labels)


def test_lazy_init(toy):
    lt = LongTailDataset(toy([10, 10]), 2, lazy_init=True)
    assert not lt._fully_initialized
    assert not hasattr(lt, 'kept_indices')
    assert lt.metainfo['classes'] == ('c0', 'c1')  # no init needed
    assert len(lt) == 15  # [10, floor(10 / 2)]; triggers full_init
    kept = lt.kept_indices
    lt.full_init()  # idempotent
    assert lt.kept_indices is kept


def test_under_class_balanced_dataset():
    # a wrapper without `pipeline` in the middle: the pipeline is found below
    cbd = ClassBalancedDataset(Digits(split='test', img_size=8,
                                      pipeline=[dict(type='PackInputs')]),
                               oversample_thr=0.0)
    noise = LabelNoiseDataset(cbd, 'uniform', 0.2)
    out = noise[3]
    assert out['data_samples'].gt_label.item() == noise.noisy_labels[3]
    assert tuple(out['inputs'].shape) == (3, 8, 8)


def test_bad_dataset_type():
    with pytest.raises(TypeError, match="dataset must be a config dict or a "
                       "dataset with `get_data_info`.*got <class 'list'>"):
        MetaSplit([1, 2, 3])


def test_load_dump_errors(toy, tmp_path):
    path = MetaSplit(toy([3, 3]), num_per_class=1).dump(str(tmp_path), 'x')
    with pytest.raises(ValueError, match='holds a MetaSplit dump, not '
                       'LongTailDataset'):
        LongTailDataset.load_dump(path)
    with pytest.raises(FileNotFoundError, match='y.npz not found'):
        load_dump(str(tmp_path / 'y'))
    assert load_dump(path)['type'] == 'MetaSplit'


def test_nested_determinism():
    a, b, c = build_nested(0), build_nested(0), build_nested(1)
    np.testing.assert_array_equal(a.noisy_labels, b.noisy_labels)
    assert not np.array_equal(a.noisy_labels, c.noisy_labels)
