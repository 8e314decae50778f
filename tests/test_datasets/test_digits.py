# Copyright (c) mmadvisor contributors.
import numpy as np
import pytest
from sklearn.datasets import load_digits

from mmadvisor.datasets import Digits
from mmpretrain.registry import DATASETS


def test_split_sizes_disjoint_and_stratified():
    train = Digits(split='train')
    test = Digits(split='test')
    # sklearn puts ceil(0.3 * 1797) = 540 in the test split
    assert (len(train), len(test)) == (1257, 540)
    assert not set(train.source_indices) & set(test.source_indices)
    assert sorted(np.r_[train.source_indices, test.source_indices]) == \
        list(range(1797))
    # stratified: every class is ~30% test
    target = load_digits().target
    for c in range(10):
        n_c = (target == c).sum()
        n_test = (test.get_gt_labels() == c).sum()
        assert abs(n_test - 0.3 * n_c) <= 1
    assert train.metainfo['classes'] == tuple('0123456789')


def test_labels_match_sklearn():
    test = Digits(split='test')
    target = load_digits().target
    np.testing.assert_array_equal(test.get_gt_labels(),
                                  target[test.source_indices])
    assert isinstance(test.get_data_info(0)['gt_label'], int)


def test_split_seed():
    a = Digits(split='test', split_seed=0).source_indices
    b = Digits(split='test', split_seed=0).source_indices
    c = Digits(split='test', split_seed=1).source_indices
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_images_8_and_16():
    raw = load_digits().images
    ds8 = Digits(split='train', img_size=8)
    info = ds8.get_data_info(0)
    img = info['img']
    assert img.shape == (8, 8, 3) and img.dtype == np.uint8
    # no resize: 0..16 rescaled to 0..255 and rounded
    expected = np.round(raw[ds8.source_indices[0]] * 255 / 16)
    np.testing.assert_array_equal(img[..., 0], expected)
    np.testing.assert_array_equal(img[..., 0], img[..., 2])
    # a pixel of value 16 is 255
    assert (raw[ds8.source_indices] == 16).any()
    assert max(ds8.get_data_info(i)['img'].max() for i in range(20)) == 255

    ds16 = Digits(split='train', img_size=16)
    img16 = ds16.get_data_info(0)['img']
    assert img16.shape == (16, 16, 3) and img16.dtype == np.uint8
    # downsampling the 16x16 image by 2x2 means stays close to the 8x8 one
    mean = img16[..., 0].astype(float).reshape(8, 2, 8, 2).mean((1, 3))
    assert np.abs(mean - expected).mean() < 20


def test_pack_inputs_and_registry():
    ds = DATASETS.build(
        dict(type='Digits', split='test',
             pipeline=[dict(type='PackInputs')]))
    out = ds[5]
    assert tuple(out['inputs'].shape) == (3, 16, 16)
    assert out['data_samples'].gt_label.item() == ds.get_gt_labels()[5]
    assert out['data_samples'].sample_idx == 5


@pytest.mark.parametrize('kwargs, match', [
    (dict(split='val'), "split='val'"),
    (dict(test_ratio=0), 'test_ratio=0 must lie strictly between'),
    (dict(test_ratio=1.5), 'test_ratio=1.5'),
    (dict(img_size=0), 'img_size=0 must be a positive integer'),
])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Digits(**kwargs)
