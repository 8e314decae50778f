"""Helpers for batches of data samples."""
import pytest
import torch
from mmengine.dataset import pseudo_collate

from mmadvisor.structures import hard_labels


def test_hard_labels_refuses_soft_labels(toy):
    batch = pseudo_collate([toy['meta'][i] for i in range(3)])
    data = dict(inputs=torch.stack(batch['inputs']),
                data_samples=batch['data_samples'])
    assert hard_labels(data).tolist() == [0, 1, 2]
    for sample in data['data_samples']:
        sample.set_gt_score(torch.tensor([1.0, 0.0, 0.0]))
        del sample.gt_label
    with pytest.raises(ValueError, match='only gt_score'):
        hard_labels(data)
