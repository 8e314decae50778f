# Copyright (c) mmadvisor contributors.
import numpy as np
import pytest

from mmadvisor.datasets import LabelNoiseDataset
from mmadvisor.datasets.label_noise_dataset import noise_transition


def test_transition_by_hand():
    t = noise_transition(4, 'flip2', 0.4, {0: [1, 2], 3: [0, 1]})
    np.testing.assert_allclose(t, [
        [0.6, 0.2, 0.2, 0.0],
        [0.0, 1.0, 0.0, 0.0],  # unmapped: clean
        [0.0, 0.0, 1.0, 0.0],
        [0.2, 0.2, 0.0, 0.6],
    ])
    u = noise_transition(5, 'uniform', 0.4, {})
    np.testing.assert_allclose(np.diag(u), 0.6)
    np.testing.assert_allclose(u[~np.eye(5, dtype=bool)], 0.1)


def test_flip_fraction_and_single_target(toy):
    ds = toy([500] * 10)
    noisy = LabelNoiseDataset(ds, 'flip', 0.3, seed=0)
    clean = ds.get_gt_labels()
    np.testing.assert_array_equal(noisy.clean_labels, clean)
    # the flipped fraction is ~p (std 0.0065 over 5000 samples)
    assert abs(noisy.noise_flags.mean() - 0.3) < 0.03
    np.testing.assert_array_equal(noisy.noise_flags,
                                  noisy.noisy_labels != clean)
    t = noisy.transition_matrix
    for c in range(10):
        # each class goes to exactly one other class
        targets = set(noisy.noisy_labels[clean == c]) - {c}
        assert len(targets) == 1
        (target, ) = targets
        # row c by hand: 1 - 0.3 = 0.7 stays on c, 0.3 goes to the target,
        # 0 to the 8 other classes
        row = np.zeros(10)
        row[c], row[target] = 0.7, 0.3
        np.testing.assert_allclose(t[c], row)
        # and the 500 labels of class c follow it: ~150 flipped (binomial
        # std sqrt(500 * 0.3 * 0.7) = 10.2)
        flipped = np.count_nonzero(noisy.noisy_labels[clean == c] == target)
        assert abs(flipped - 150) < 40
    np.testing.assert_array_equal(noisy.get_gt_labels(), noisy.noisy_labels)


# p = 0.6 split over k targets, by hand: Flip2 0.6 / 2 = 0.3 each, Flip3
# 0.6 / 3 = 0.2 each; 1 - 0.6 = 0.4 stays on the class. Of the ~360 noisy
# labels of a class (600 * 0.6), each target gets 1/2 or 1/3.
@pytest.mark.parametrize('noise_type, k, to_each, share', [
    ('flip2', 2, 0.3, 0.5), ('flip3', 3, 0.2, 1 / 3)])
def test_flip_k_even_split(toy, noise_type, k, to_each, share):
    ds = toy([600] * 6)
    noisy = LabelNoiseDataset(ds, noise_type, 0.6, seed=1)
    clean = noisy.clean_labels
    assert abs(noisy.noise_flags.mean() - 0.6) < 0.03
    for c in range(6):
        row = noisy.transition_matrix[c]
        others = np.flatnonzero(row)[np.flatnonzero(row) != c]
        assert len(others) == k
        expected = np.zeros(6)
        expected[c] = 0.4
        expected[others] = to_each
        np.testing.assert_allclose(row, expected)
        # the noisy labels of class c split evenly over its k targets
        got = noisy.noisy_labels[(clean == c) & noisy.noise_flags]
        assert set(got) == set(others)
        shares = np.bincount(got, minlength=6)[others] / len(got)
        assert np.abs(shares - share).max() < 0.08


def test_uniform(toy):
    ds = toy([400] * 5)
    noisy = LabelNoiseDataset(ds, 'uniform', 0.5, seed=2)
    assert abs(noisy.noise_flags.mean() - 0.5) < 0.03
    got = noisy.noisy_labels[noisy.noise_flags]
    src = noisy.clean_labels[noisy.noise_flags]
    # every (clean, noisy) off-diagonal pair appears, ~ equally often
    pairs = np.zeros((5, 5))
    np.add.at(pairs, (src, got), 1)
    off = pairs[~np.eye(5, dtype=bool)]
    assert (off > 0).all()
    assert off.sum() == noisy.noise_flags.sum()
    # ~ noisy / 20 pairs = ~50 each (binomial std ~7)
    assert off.min() > 25 and off.max() < 80


def test_mapping_by_name_p1(toy):
    # p = 1 makes the result exact: every cat becomes a dog and back
    ds = toy([3, 4, 5], classes=['cat', 'dog', 'car'])
    noisy = LabelNoiseDataset(ds, 'flip', 1.0, mapping={'cat': 'dog',
                                                         'dog': 'cat'})
    clean = ds.get_gt_labels()
    expected = np.array([{0: 1, 1: 0, 2: 2}[c] for c in clean])
    np.testing.assert_array_equal(noisy.noisy_labels, expected)
    np.testing.assert_array_equal(noisy.transition_matrix,
                                  [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert noisy.noise_flags.sum() == 7


def test_mapping_lists_by_index(toy):
    ds = toy([300] * 4)
    noisy = LabelNoiseDataset(ds, 'flip2', 0.5, mapping={0: [2, 3]})
    np.testing.assert_allclose(noisy.transition_matrix[0], [.5, 0, .25, .25])
    np.testing.assert_allclose(noisy.transition_matrix[1:], np.eye(4)[1:])
    assert set(noisy.noisy_labels[noisy.clean_labels == 0]) == {0, 2, 3}
    assert not noisy.noise_flags[noisy.clean_labels != 0].any()


def test_transition_honoured(toy):
    ds = toy([5, 5, 5])
    perm = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]  # 0->2, 1->0, 2->1
    noisy = LabelNoiseDataset(ds, 'flip', 1.0, transition=perm)
    np.testing.assert_array_equal(noisy.noisy_labels,
                                  np.array([2, 0, 1])[ds.get_gt_labels()])
    np.testing.assert_array_equal(noisy.transition_matrix, perm)


def test_p0_is_clean(toy):
    noisy = LabelNoiseDataset(toy([50, 50]), 'flip', 0.0)
    assert not noisy.noise_flags.any()


def test_determinism(toy):
    ds = toy([200] * 4)
    a = LabelNoiseDataset(ds, 'flip', 0.4, seed=0)
    b = LabelNoiseDataset(ds, 'flip', 0.4, seed=0)
    c = LabelNoiseDataset(ds, 'flip', 0.4, seed=1)
    np.testing.assert_array_equal(a.noisy_labels, b.noisy_labels)
    np.testing.assert_array_equal(a.transition_matrix, b.transition_matrix)
    assert not np.array_equal(a.noisy_labels, c.noisy_labels)


def test_data_info_fields(toy):
    ds = toy([10, 10])
    noisy = LabelNoiseDataset(ds, 'flip', 0.5, seed=0)
    i = int(np.flatnonzero(noisy.noise_flags)[0])
    info = noisy.get_data_info(i)
    assert info['gt_label'] == noisy.noisy_labels[i] != info['clean_label']
    assert info['clean_label'] == ds.get_gt_labels()[i]
    assert info['noise_flag'] is True and info['sample_idx'] == i


def test_dump_reload(toy, tmp_path):
    noisy = LabelNoiseDataset(
        toy([40] * 3, classes=['a', 'b', 'c']), 'flip', 0.5, seed=4,
        mapping={'a': 'b'})
    path = noisy.dump(str(tmp_path), prefix='noise')
    rec = LabelNoiseDataset.load_dump(str(tmp_path / 'noise.npz'))
    assert path == str(tmp_path / 'noise')
    assert rec['config'] == dict(
        noise_type='flip', noise_ratio=0.5, seed=4, transition=None,
        mapping={'a': 'b'})
    assert rec['summary']['num_noisy'] == int(noisy.noise_flags.sum())
    for key in ('clean_labels', 'noisy_labels', 'noise_flags',
                'transition_matrix'):
        np.testing.assert_array_equal(rec['arrays'][key],
                                      getattr(noisy, key))
    assert rec['arrays']['noise_flags'].dtype == bool


@pytest.mark.parametrize('counts, kwargs, match', [
    ([5, 5], dict(noise_type='flip', noise_ratio=1.5),
     r'noise_ratio=1.5 must lie in \[0, 1\]'),
    ([5, 5], dict(noise_type='flip', noise_ratio=-0.1),
     r'noise_ratio=-0.1 must lie in \[0, 1\]'),
    ([5, 5], dict(noise_type='pair', noise_ratio=0.2),
     "noise_type='pair' is not supported"),
    ([5, 5, 5], dict(noise_type='flip3', noise_ratio=0.2),
     "noise_type='flip3' needs at least 4 classes, but the dataset has 3"),
    ([5, 5], dict(noise_type='flip2', noise_ratio=0.2),
     "noise_type='flip2' needs at least 3 classes, but the dataset has 2"),
    ([5], dict(noise_type='flip', noise_ratio=0.2),
     "noise_type='flip' needs at least 2 classes, but the dataset has 1"),
    ([5, 5, 5], dict(noise_type='flip', noise_ratio=0.2, mapping={0: 0}),
     r"mapping\[0\]=0 is invalid for noise_type='flip'"),
    ([5, 5, 5, 5], dict(noise_type='flip2', noise_ratio=0.2,
                        mapping={0: 1}),
     r"mapping\[0\]=1 is invalid for noise_type='flip2': give 2 distinct"),
    ([5, 5, 5], dict(noise_type='flip', noise_ratio=0.2,
                     mapping={'cow': 0}),
     "mapping names class 'cow'"),
    ([5, 5, 5], dict(noise_type='flip', noise_ratio=0.2, mapping={0: 7}),
     'mapping names class 7'),
    ([5, 5, 5], dict(noise_type='uniform', noise_ratio=0.2,
                     mapping={0: 1}),
     "mapping is meaningless for noise_type='uniform'"),
    ([5, 5, 5], dict(noise_type='flip', noise_ratio=0.2,
                     transition=np.eye(2)),
     r'transition has shape \(2, 2\), expected \(3, 3\)'),
    ([5, 5], dict(noise_type='flip', noise_ratio=0.2,
                  transition=[[0.5, 0.4], [0, 1]]),
     'transition row 0 sums to 0.9, not 1'),
    ([5, 5], dict(noise_type='flip', noise_ratio=0.2,
                  transition=[[1.5, -0.5], [0, 1]]),
     'transition has negative entries'),
    ([5, 5], dict(noise_type='flip', noise_ratio=0.2,
                  transition=np.eye(2), mapping={0: 1}),
     'got both transition and mapping'),
])
def test_errors(toy, counts, kwargs, match):
    with pytest.raises(ValueError, match=match):
        LabelNoiseDataset(toy(counts), **kwargs)
