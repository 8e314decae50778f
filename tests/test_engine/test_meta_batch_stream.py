"""The resumable stream of meta batches."""
import pytest
import torch
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from mmadvisor.datasets.samplers import MetaSampler
from mmadvisor.engine.optimizers.meta_batch_stream import MetaBatchStream


class Identity(torch.nn.Module):
    """A model whose data preprocessor stacks the inputs."""

    def data_preprocessor(self, batch, training):
        assert training is False  # meta batches are never augmented
        return dict(inputs=torch.stack(batch['inputs']),
                    data_samples=batch['data_samples'])


def stream_of(dataset, batch_size=4, seed=0):
    loader = DataLoader(dataset, batch_size=batch_size,
                        sampler=MetaSampler(dataset, shuffle=True, seed=seed),
                        collate_fn=pseudo_collate)
    return MetaBatchStream(loader)


def test_stream_is_endless_and_counts(toy):
    stream = stream_of(toy['meta'])  # 6 samples, batches of 4
    labels = [stream.next(Identity())[1] for _ in range(5)]
    assert stream.consumed == 20
    assert all(len(y) == 4 for y in labels)
    # every pass is a permutation of the meta set: 3 passes cover 18
    seen = torch.cat(labels)[:18]
    for p in range(3):
        assert sorted(seen[6 * p:6 * p + 6].tolist()) == sorted(
            toy['meta'].labels)


def test_restart_continues_exactly(toy):
    model = Identity()
    full = stream_of(toy['meta'])
    batches = [full.next(model) for _ in range(4)]
    resumed = stream_of(toy['meta'])
    resumed.restart(8)  # after two batches
    for expected in batches[2:]:
        got = resumed.next(model)
        assert torch.equal(got[0], expected[0])
        assert torch.equal(got[1], expected[1])
    assert resumed.consumed == full.consumed == 16


def test_config_and_class_checks(toy):
    with pytest.raises(ValueError, match='needs meta_dataloader'):
        MetaBatchStream(None)
    bad = MetaBatchStream(dict(
        batch_size=2, dataset=dict(type='Digits'),
        sampler=dict(type='DefaultSampler')))
    with pytest.raises(ValueError, match="sampler.type='DefaultSampler'"):
        bad.loader
    stream = stream_of(toy['dataset'](6, labels=[0, 1, 0, 1, 0, 1]))
    with pytest.raises(ValueError, match=r'no sample of class\(es\) \[2\]'):
        stream.check_classes(3)
    with pytest.raises(ValueError, match=r'labels \[1\] outside'):
        stream_of(toy['dataset'](4, num_classes=1, labels=[0, 1, 0, 1])
                  ).check_classes(1)
    stream_of(toy['meta']).check_classes(3)  # covers 0, 1, 2


class SeededMetaSampler(MetaSampler):
    """A user's subclass."""


@pytest.mark.parametrize('kind', [MetaSampler, SeededMetaSampler,
                                  'mmpretrain.MetaSampler'])
def test_new_style_config_gives_the_sampler_class(toy, kind):
    """A pure-Python config names the sampler by its class, not a string."""
    stream = MetaBatchStream(dict(
        batch_size=3, dataset=toy['meta'], collate_fn=dict(
            type='pseudo_collate'),
        sampler=dict(type=kind, shuffle=True, seed=0)))
    assert isinstance(stream.loader.sampler, MetaSampler)
    assert len(stream.next(Identity())[1]) == 3

