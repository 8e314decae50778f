# Copyright (c) mmadvisor contributors.
import numpy as np
import pytest

from mmadvisor.datasets import MetaSplit, load_dump


def test_counts_disjoint_complete(toy):
    ds = toy([20, 15, 12])
    meta = MetaSplit(ds, split='meta', num_per_class=5, seed=3)
    train = MetaSplit(ds, split='train', num_per_class=5, seed=3)
    labels = ds.get_gt_labels()
    # exact per-class counts: 5 meta each, the rest train
    assert np.bincount(labels[meta.meta_indices]).tolist() == [5, 5, 5]
    assert np.bincount(labels[meta.train_indices]).tolist() == [15, 10, 7]
    assert (len(meta), len(train)) == (15, 32)
    # both sides compute the same split
    np.testing.assert_array_equal(meta.meta_indices, train.meta_indices)
    np.testing.assert_array_equal(meta.train_indices, train.train_indices)
    # disjoint and complete
    assert not set(meta.meta_indices) & set(meta.train_indices)
    assert sorted(np.r_[meta.meta_indices, meta.train_indices]) == \
        list(range(len(ds)))
    # served labels / data follow the indices
    np.testing.assert_array_equal(meta.get_gt_labels(),
                                  labels[meta.meta_indices])
    info = train.get_data_info(4)
    assert info['feat'] == train.train_indices[4]
    assert info['sample_idx'] == 4
    assert train.get_cat_ids(4) == [labels[train.train_indices[4]]]


def test_determinism(toy):
    ds = toy([30, 30])
    a = MetaSplit(ds, split='meta', num_per_class=10, seed=0).meta_indices
    b = MetaSplit(ds, split='meta', num_per_class=10, seed=0).meta_indices
    c = MetaSplit(ds, split='meta', num_per_class=10, seed=1).meta_indices
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_whole_class_in_meta(toy):
    # a class with exactly num_per_class samples goes entirely to meta
    ds = toy([4, 6])
    meta = MetaSplit(ds, split='meta', num_per_class=4)
    labels = ds.get_gt_labels()
    assert np.bincount(labels[meta.train_indices], minlength=2).tolist() \
        == [0, 2]


def test_dump_reload(toy, tmp_path):
    ms = MetaSplit(toy([8, 9]), split='train', num_per_class=3, seed=7)
    path = ms.dump(str(tmp_path), prefix='ms')
    assert (tmp_path / 'ms.npz').is_file() and (tmp_path / 'ms.json').is_file()
    rec = MetaSplit.load_dump(path)
    assert rec['type'] == 'MetaSplit'
    assert rec['config'] == dict(split='train', num_per_class=3, seed=7)
    assert rec['summary']['num_meta'] == 6
    assert rec['summary']['num_train'] == 11
    np.testing.assert_array_equal(rec['arrays']['meta_indices'],
                                  ms.meta_indices)
    np.testing.assert_array_equal(rec['arrays']['train_indices'],
                                  ms.train_indices)
    np.testing.assert_array_equal(rec['arrays']['labels'],
                                  ms.get_gt_labels())
    # the same record through the .json or .npz path
    assert load_dump(path + '.json')['config'] == rec['config']


def test_errors(toy):
    ds = toy([20, 15, 12], classes=['a', 'b', 'cat'])
    with pytest.raises(ValueError,
                       match=r"class 2 \('cat'\) has 12 samples, fewer "
                       r'than num_per_class=13; lower num_per_class'):
        MetaSplit(ds, num_per_class=13)
    with pytest.raises(ValueError, match="split='val' is not supported"):
        MetaSplit(ds, split='val')
    with pytest.raises(ValueError, match='num_per_class=0 must be a positive'):
        MetaSplit(ds, num_per_class=0)
    # lazy_init defers the check (and the split) to full_init
    lazy = MetaSplit(ds, num_per_class=13, lazy_init=True)
    with pytest.raises(ValueError, match='has 12 samples'):
        lazy.full_init()
