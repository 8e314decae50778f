"""Stop a run whose loss was given the class counts of another protocol."""
from typing import Any, Optional

import numpy as np
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from ...datasets.base_wrapper import dataset_labels
from .dump_generated_hook import iter_nested_datasets


def _nominal_labels(dataset: Any) -> Optional[np.ndarray]:
    """Labels the count-dependent losses are meant to see.

    The clean labels under a :class:`LabelNoiseDataset` (the thesis' LT+Flip
    protocol gives the losses the nominal long-tail counts), else the labels
    the training set serves.
    """
    for _, level in iter_nested_datasets(dataset):
        if hasattr(level, 'clean_labels'):
            return np.asarray(level.clean_labels)
    if hasattr(dataset, 'get_gt_labels'):
        return dataset_labels(dataset)
    return None


@HOOKS.register_module()
class ClassCountsCheckHook(Hook):
    """Check the head against the training set, once, before training.

    The number of classes of the training set (its ``metainfo``) must be the
    head's ``num_classes``, and every label it serves must be a class of
    the head (a dataset without ``classes`` in its ``metainfo`` is checked
    by its labels only; cross-entropy would otherwise fail deep inside with
    a CUDA assert or ``IndexError: Target 7 is out of bounds``).

    ``BalancedSoftmaxLoss`` and ``SoftmaxEqualizationLoss`` take the
    training-set class counts in their config. A run that changes the
    protocol (e.g. ``imbalance_factor``) but not the counts would train
    silently with a wrong prior; this hook compares them before training and
    stops with both lists. Losses without ``class_counts`` are not checked.
    """

    priority = 'VERY_LOW'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        head = getattr(model, 'head', None)
        dataset = runner.train_dataloader.dataset
        classes = getattr(dataset, 'metainfo', {}).get('classes') or ()
        num_classes = getattr(head, 'num_classes', None)
        if classes and num_classes and len(classes) != num_classes:
            raise ValueError(
                f'the training set has {len(classes)} classes but the head '
                f'has num_classes={num_classes}: set '
                f'model.head.num_classes={len(classes)} (and the data '
                'preprocessor\'s num_classes), or check the annotation files.')
        if num_classes and (hasattr(dataset, 'get_gt_labels')
                            or hasattr(dataset, 'get_cat_ids')):
            try:
                labels = dataset_labels(dataset)
            except ValueError:  # multi-label: not a single class per sample
                labels = np.zeros(0, np.int64)
            outside = labels[(labels < 0) | (labels >= num_classes)]
            if outside.size:
                raise ValueError(
                    f'the training set has labels up to {int(labels.max())} '
                    f'({outside.size} samples with labels outside 0..'
                    f'{num_classes - 1}) but the head has '
                    f'num_classes={num_classes}: set model.head.num_classes='
                    f'{int(labels.max()) + 1} (and the data preprocessor\'s '
                    'num_classes), or check the annotation files.')
        loss = getattr(head, 'loss_module', None)
        given = getattr(loss, 'class_counts', None)
        if given is None:
            return
        labels = _nominal_labels(dataset)
        if labels is None:
            return
        actual = np.bincount(labels, minlength=len(given)).tolist()
        if actual != list(given):
            raise ValueError(
                f'{type(loss).__name__}.class_counts={list(given)} but the '
                f'training set has {actual} images per class: pass the counts '
                'of this protocol (tools/thesis_grid.py --options-for CONFIG '
                '--imbalance-factor IF prints them) or a counts file.')
