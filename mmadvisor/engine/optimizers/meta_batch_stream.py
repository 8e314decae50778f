"""The endless, resumable stream of meta batches (phase 3)."""
import logging
from typing import Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from ...datasets.base_wrapper import dataset_labels
from ...datasets.samplers import MetaSampler
from ...structures import hard_labels

#: How an old-style (text) config names the meta sampler; a new-style
#: (pure-Python) config gives the class itself (or a subclass).
SAMPLERS = ('MetaSampler', 'mmpretrain.MetaSampler')


def is_meta_sampler(kind) -> bool:
    """Whether a sampler config's ``type`` is :class:`MetaSampler`."""
    return kind in SAMPLERS or (isinstance(kind, type)
                                and issubclass(kind, MetaSampler))


class MetaBatchStream:
    """Meta batches from the clean, balanced meta set, one per meta update.

    The loader is built from its config on first use (with
    ``Runner.build_dataloader``, like the runner's loaders) and must draw
    with a :class:`MetaSampler`, whose stream never ends and restarts at any
    position. The stream counts the meta samples it served
    (:attr:`consumed`), which is all a checkpoint needs to resume it
    exactly: :meth:`restart` makes the next batch the one after
    ``consumed`` samples, without loading the skipped ones.

    Args:
        dataloader (dict | DataLoader): The meta loader or its config.

    Raises:
        ValueError: ``dataloader`` is None (the config lacks it).
    """

    def __init__(self, dataloader: Union[dict, DataLoader, None]) -> None:
        if dataloader is None:
            raise ValueError(
                'MetaOptimWrapper needs meta_dataloader: the clean, balanced '
                'meta set the advisor is meta-trained on. Add to the '
                'optim_wrapper config e.g. meta_dataloader=dict(batch_size=..., '
                "dataset=dict(type='MetaSplit', split='meta', "
                "num_per_class=10, dataset=...), sampler=dict(type="
                "'MetaSampler')).")
        self._cfg = dataloader
        self._loader = dataloader if isinstance(dataloader,
                                                DataLoader) else None
        self._iter = None
        self.consumed = 0

    @property
    def loader(self) -> DataLoader:
        """The meta-set dataloader (built from its config on first use)."""
        if self._loader is None:
            from mmengine.runner import Runner
            cfg = dict(self._cfg)
            sampler = dict(cfg.get('sampler') or dict(type='MetaSampler'))
            if not is_meta_sampler(sampler.get('type')):
                raise ValueError(
                    f"meta_dataloader.sampler.type={sampler.get('type')!r}: "
                    'the meta set is drawn every iteration from an endless, '
                    "resumable stream; use dict(type='MetaSampler', "
                    'shuffle=True, seed=...).')
            cfg['sampler'] = sampler
            self._loader = Runner.build_dataloader(cfg)
            self._check_batch_size(self._loader)
        return self._loader

    @staticmethod
    def _check_batch_size(loader: DataLoader) -> None:
        """Warn once (the thesis' CIFAR-10 recipe does it on purpose) when
        a meta batch is larger than the meta set a rank draws from: every
        batch then repeats images, which weighs them twice."""
        per_rank = len(loader.sampler) if hasattr(loader.sampler,
                                                  '__len__') else None
        batch = loader.batch_size
        if not per_rank or not batch or batch <= per_rank:
            return
        world = getattr(loader.sampler, 'world_size', 1)
        size = f'{per_rank} images' + (
            f' per rank ({len(loader.dataset)} over {world} ranks)'
            if world > 1 else '')
        print_log(
            f'meta_dataloader.batch_size={batch} is larger than the meta '
            f'set ({size}): every meta batch repeats {batch - per_rank} '
            'images, which then count twice in the meta loss. Set '
            f'optim_wrapper.meta_dataloader.batch_size={per_rank} (the whole '
            'meta set each step) to weigh every meta image equally, or '
            'take more meta images (MetaSplit num_per_class).',
            logger='current',
            level=logging.WARNING)

    def next(self, model: nn.Module) -> Tuple[torch.Tensor, torch.Tensor]:
        """The next meta batch through the model's data preprocessor (in
        test mode: batch augmentations are for training batches only).

        Returns:
            tuple: the inputs and the hard labels.
        """
        if self._iter is None:
            self.loader.sampler.set_start(self.consumed)
            self._iter = iter(self.loader)
        batch = next(self._iter)
        self.consumed += len(batch['data_samples'])
        data = model.data_preprocessor(batch, False)
        return data['inputs'], hard_labels(data)

    def restart(self, consumed: int) -> None:
        """Continue after ``consumed`` samples (on resume)."""
        self.consumed = int(consumed)
        self._iter = None

    def check_classes(self, num_classes: int) -> None:
        """Fail early if the meta set cannot teach every class of the head.

        Raises:
            ValueError: The meta set lacks a class, has labels outside the
                head, or declares another number of classes.
        """
        dataset = self.loader.dataset
        declared = len(getattr(dataset, 'metainfo', {}).get('classes') or ())
        if declared and declared != num_classes:
            raise ValueError(
                f'the meta set declares {declared} classes but the head has '
                f'num_classes={num_classes}: build the meta set from the same '
                'dataset (and class list) as the training set.')
        if not hasattr(dataset, 'get_gt_labels') and not hasattr(
                dataset, 'get_cat_ids'):
            raise TypeError(
                f'the meta dataset {type(dataset).__name__} has neither '
                'get_gt_labels() nor get_cat_ids(idx), so its classes cannot '
                'be checked: use an MMPretrain dataset (or wrapper).')
        present = set(dataset_labels(dataset).tolist())
        outside = sorted(x for x in present if not 0 <= x < num_classes)
        if outside:
            raise ValueError(
                f'the meta set has labels {outside[:10]} outside the head\'s '
                f'num_classes={num_classes}.')
        missing = sorted(set(range(num_classes)) - present)
        if missing:
            raise ValueError(
                f'the meta set has no sample of class(es) {missing[:20]}'
                f'{" ..." if len(missing) > 20 else ""} '
                f'({len(missing)} of {num_classes} missing): the advisor is '
                'meta-trained on a clean, balanced set, so every class needs '
                'meta samples; take them per class with MetaSplit '
                '(num_per_class=10) or give a meta set covering all classes.')

