# Copyright (c) mmadvisor contributors.
import numpy as np
import pytest

from mmadvisor.datasets import LongTailDataset
from mmadvisor.datasets.long_tail_dataset import long_tail_counts


def test_exp_counts_by_hand(toy):
    ds = toy([100] * 10)
    lt = LongTailDataset(ds, imbalance_factor=10)
    # floor(100 * 10 ** (-c / 9)), c = 0..9
    expected = [100, 77, 59, 46, 35, 27, 21, 16, 12, 10]
    assert lt.class_counts.tolist() == expected
    assert np.bincount(lt.get_gt_labels()).tolist() == expected
    assert len(lt) == sum(expected)
    # kept indices: sorted, unique, labels follow them
    assert (np.diff(lt.kept_indices) > 0).all()
    np.testing.assert_array_equal(lt.get_gt_labels(),
                                  ds.get_gt_labels()[lt.kept_indices])
    info = lt.get_data_info(7)
    assert info['feat'] == lt.kept_indices[7] and info['sample_idx'] == 7


def test_cifar10_lt_counts():
    # the published CIFAR-10-LT class sizes for IF = 100
    counts = long_tail_counts(np.full(10, 5000), 100)
    assert counts.tolist() == [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83,
                               50]
    # IF = 1 keeps everything
    assert long_tail_counts(np.full(4, 7), 1).tolist() == [7, 7, 7, 7]


def test_max_per_class(toy):
    # IF = 1 with a cap: a balanced subsample of 20 per class
    ds = toy([50, 30, 40])
    sub = LongTailDataset(ds, imbalance_factor=1, max_per_class=20, seed=3)
    assert sub.class_counts.tolist() == [20, 20, 20]
    assert np.bincount(sub.get_gt_labels()).tolist() == [20, 20, 20]
    # with a long tail the cap is the head size: floor(40 * 4 ** (-c / 2))
    lt = LongTailDataset(toy([100] * 3), imbalance_factor=4, max_per_class=40)
    assert lt.class_counts.tolist() == [40, 20, 10]
    # a cap above the largest class changes nothing
    assert long_tail_counts(np.full(10, 5000), 100,
                            max_per_class=6000).tolist() == \
        long_tail_counts(np.full(10, 5000), 100).tolist()
    # and a cap is clipped at what a class has
    assert long_tail_counts(np.array([50, 10]), 1,
                            max_per_class=30).tolist() == [30, 10]


def test_clipped_at_available(toy):
    # n_max = 100; wanted [100, floor(100 * 0.5 ** 0.5) = 70, 50]
    lt = LongTailDataset(toy([100, 50, 100]), imbalance_factor=2)
    assert lt.class_counts.tolist() == [100, 50, 50]


@pytest.mark.parametrize('step_ratio, expected', [
    (0.5, [100] * 5 + [10] * 5),
    (0.3, [100] * 7 + [10] * 3),
    (0.7, [100] * 3 + [10] * 7),
])
def test_step(toy, step_ratio, expected):
    lt = LongTailDataset(
        toy([100] * 10), imbalance_factor=10, profile='step',
        step_ratio=step_ratio)
    assert lt.class_counts.tolist() == expected
    assert np.bincount(lt.get_gt_labels()).tolist() == expected


def test_determinism(toy):
    ds = toy([50, 50, 50])
    a = LongTailDataset(ds, 5, seed=0).kept_indices
    b = LongTailDataset(ds, 5, seed=0).kept_indices
    c = LongTailDataset(ds, 5, seed=1).kept_indices
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dump_reload(toy, tmp_path):
    lt = LongTailDataset(toy([30] * 4), 3, profile='exp', seed=5)
    path = lt.dump(str(tmp_path), prefix='train_0_LongTailDataset')
    rec = LongTailDataset.load_dump(path)
    assert rec['config'] == dict(
        imbalance_factor=3, profile='exp', seed=5, step_ratio=0.5,
        max_per_class=None)
    assert rec['summary']['class_counts'] == lt.class_counts.tolist()
    np.testing.assert_array_equal(rec['arrays']['kept_indices'],
                                  lt.kept_indices)
    np.testing.assert_array_equal(rec['arrays']['class_counts'],
                                  lt.class_counts)
    np.testing.assert_array_equal(rec['arrays']['labels'], lt.get_gt_labels())


def test_errors(toy):
    ds = toy([10, 10])
    with pytest.raises(ValueError, match='imbalance_factor=0.5 must be >= 1'):
        LongTailDataset(ds, 0.5)
    with pytest.raises(ValueError, match="profile='linear' is not supported"):
        LongTailDataset(ds, 10, profile='linear')
    with pytest.raises(ValueError, match='step_ratio=1.5 must lie in'):
        LongTailDataset(ds, 10, profile='step', step_ratio=1.5)
    with pytest.raises(ValueError, match='max_per_class=0 must be a positive'):
        LongTailDataset(ds, 1, max_per_class=0)
