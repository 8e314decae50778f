"""Helpers for batches of MMPretrain ``DataSample`` (as
``mmpretrain.structures.utils``)."""
import torch


def hard_labels(data: dict) -> torch.Tensor:
    """The ``gt_label`` of a preprocessed batch as one tensor.

    Raises:
        ValueError: The samples carry only soft labels (mixup, cutmix).
    """
    samples = data['data_samples']
    if 'gt_score' in samples[0] and 'gt_label' not in samples[0]:
        raise ValueError(
            'the advisor needs hard labels, but the data samples carry '
            'only gt_score (batch augmentation such as mixup/cutmix): '
            'remove train_cfg.augments from the model config.')
    return torch.cat([s.gt_label for s in samples]).to(data['inputs'].device)
