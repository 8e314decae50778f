# Copyright (c) mmadvisor contributors.
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from mmadvisor.datasets.class_counts import load_class_counts


@METRICS.register_module()
class ShotAccuracy(BaseMetric):
    r"""Top-1 accuracy overall and on many-, medium- and few-shot classes.

    The split reported by long-tail papers since OLTR (Liu et al., CVPR
    2019): a class with :math:`n_j` training images is

    - *many-shot* if :math:`n_j > 100` (``many_thr``),
    - *few-shot* if :math:`n_j < 20` (``few_thr``),
    - *medium-shot* otherwise (:math:`20 \le n_j \le 100`).

    A group's accuracy is the mean of the per-class top-1 accuracies of its
    classes that occur in the evaluated set (on the balanced test sets of
    ImageNet-LT and Places-LT this equals the fraction of the group's
    images classified correctly); it is ``nan`` when no evaluated image
    belongs to the group. All values are percentages. Result keys:
    ``shot/top1`` (over all images), ``shot/many``, ``shot/medium``,
    ``shot/few``. For top-3/top-5 use mmpretrain's
    ``Accuracy(topk=(1, 3, 5))`` beside it.

    Args:
        class_counts (Sequence[int] | str): Training images per class, or a
            ``.json``/text file with them (see
            :func:`mmadvisor.datasets.class_counts.load_class_counts`).
        many_thr (int): Classes with more training images are many-shot.
            Defaults to 100.
        few_thr (int): Classes with fewer training images are few-shot.
            Defaults to 20.
        collect_device (str): ``'cpu'`` or ``'gpu'``, for collecting
            results from processes. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the result keys. Defaults to None
            (``'shot'``).

    Examples:
        >>> val_evaluator = [
        ...     dict(type='Accuracy', topk=(1, 3, 5)),
        ...     dict(type='ShotAccuracy',
        ...          class_counts='data/imagenet/ImageNet_LT_counts.txt')]
    """
    default_prefix: Optional[str] = 'shot'

    def __init__(self,
                 class_counts: Union[Sequence[int], str],
                 many_thr: int = 100,
                 few_thr: int = 20,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not few_thr <= many_thr:
            raise ValueError(f'few_thr={few_thr} must not exceed '
                             f'many_thr={many_thr}.')
        self.class_counts = torch.tensor(load_class_counts(class_counts))
        self.many_thr = many_thr
        self.few_thr = few_thr

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Store the top-1 prediction and label of each sample."""
        for data_sample in data_samples:
            if 'pred_score' in data_sample:
                pred = data_sample['pred_score'].argmax(dim=-1)
            else:
                pred = data_sample['pred_label']
            self.results.append(
                dict(
                    pred_label=pred.reshape(-1)[:1].cpu(),
                    gt_label=data_sample['gt_label'].reshape(-1)[:1].cpu()))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Overall and per-group top-1 accuracy (%).

        Raises:
            ValueError: If a label has no entry in ``class_counts``.
        """
        pred = torch.cat([r['pred_label'] for r in results]).long()
        target = torch.cat([r['gt_label'] for r in results]).long()
        num_classes = len(self.class_counts)
        if target.min() < 0 or target.max() >= num_classes:
            raise ValueError(
                f'label {int(target.max())} has no entry in class_counts '
                f'({num_classes} classes); give one count per class.')
        correct = (pred == target).double()
        seen = torch.bincount(target, minlength=num_classes)
        hits = torch.bincount(target, weights=correct, minlength=num_classes)
        class_acc = hits / seen.clamp(min=1) * 100
        groups = dict(
            many=self.class_counts > self.many_thr,
            medium=(self.class_counts >= self.few_thr)
            & (self.class_counts <= self.many_thr),
            few=self.class_counts < self.few_thr)
        metrics = dict(top1=correct.mean().item() * 100)
        for name, in_group in groups.items():
            mask = in_group & (seen > 0)
            metrics[name] = (class_acc[mask].mean().item()
                             if mask.any() else float('nan'))
        return metrics
