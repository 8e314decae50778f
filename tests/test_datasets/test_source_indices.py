import numpy as np
from mmpretrain.registry import DATASETS
from torch.utils.data import Subset

from mmadvisor.datasets.source_indices import shared_sources, source_indices

DIGITS = dict(type='Digits', split='train', img_size=8, indices=200)


def split(side, seed=0, base=DIGITS):
    return dict(type='MetaSplit', split=side, seed=seed, dataset=base)


def test_maps_compose_down_to_the_base():
    train = DATASETS.build(dict(
        type='LabelNoiseDataset', noise_type='flip', noise_ratio=0.4,
        dataset=dict(type='LongTailDataset', imbalance_factor=5,
                     dataset=split('train'))))
    sources = source_indices(train)
    cut = train.dataset.dataset
    expected = cut.train_indices[train.dataset.kept_indices]
    np.testing.assert_array_equal(sources.indices, np.sort(expected))
    assert type(sources.base).__name__ == 'Digits'
    assert [type(w).__name__ for w in sources.chain] == [
        'LabelNoiseDataset', 'LongTailDataset', 'MetaSplit']
    meta = DATASETS.build(split('meta'))
    np.testing.assert_array_equal(
        source_indices(Subset(meta, [5, 1, 5])).indices,
        meta.meta_indices[[1, 5]])


def test_shared_samples_need_the_same_data():
    train = source_indices(DATASETS.build(split('train')))
    assert len(shared_sources(
        train, source_indices(DATASETS.build(split('meta'))))) == 0
    other_seed = source_indices(DATASETS.build(split('meta', seed=1)))
    assert len(shared_sources(train, other_seed)) > 30
    # the same indices of other data (another image size) are not shared
    other_data = source_indices(DATASETS.build(
        split('meta', seed=1, base=dict(DIGITS, img_size=16))))
    assert len(shared_sources(train, other_data)) == 0


def test_unknown_wrapper_is_not_guessed():
    class Wrapper:
        def __init__(self, dataset):
            self.dataset = dataset

        def __len__(self):
            return len(self.dataset)

    assert source_indices(Wrapper(DATASETS.build(DIGITS))) is None
