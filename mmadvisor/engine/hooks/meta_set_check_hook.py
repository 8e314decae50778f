"""Stop an advisor run whose meta set shares images with its training set."""
from typing import Any, List

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ...datasets.meta_split import MetaSplit
from ...datasets.source_indices import (ann_file_of, shared_files,
                                        shared_sources, source_indices)


def _splits(chain: List[Any]) -> str:
    found = [w for w in chain if isinstance(w, MetaSplit)]
    if not found:
        return 'no MetaSplit'
    return ', '.join(f'MetaSplit(split={w.split!r}, num_per_class='
                     f'{w.num_per_class}, seed={w.seed})' for w in found)


@HOOKS.register_module()
class MetaSetCheckHook(Hook):
    """Check, once before training, that the meta set is held out.

    The advisor is meta-trained on a clean set; an image that is also in
    the (noisy) training set leaks into both levels of the bilevel step.
    Two ``MetaSplit`` wrappers cut the same data apart only when they agree
    on ``seed`` and ``num_per_class``; with another seed on one side, most
    "clean" images are training images too, and nothing else notices.

    1. Compose the index maps of the training set's and the meta set's
       wrappers down to their base datasets
       (:func:`~mmadvisor.datasets.source_indices.source_indices`).
    2. Intersect the two sets of base indices, keeping the indices where
       both bases hold the same sample (same object, file or pixels), so
       that a meta set taken from another dataset is never flagged.
    3. Stop with the number of shared images and both sides' ``MetaSplit``
       settings if any is left.
    4. When the two sides are different datasets that read files (e.g. a
       training list and a meta list of ``CustomDataset``), compare the
       image files they serve and stop if any is in both.

    A run without ``MetaOptimWrapper`` (no meta set) is not checked; a
    wrapper whose index map is unknown is logged once and skipped.
    """

    priority = 'VERY_LOW'

    def before_train(self, runner) -> None:
        loader = getattr(runner.optim_wrapper, 'meta_dataloader', None)
        if loader is None:
            return
        train = source_indices(runner.train_dataloader.dataset)
        meta = source_indices(loader.dataset)
        if train is None or meta is None:
            runner.logger.warning(
                'MetaSetCheckHook: a dataset wrapper without a known index '
                'map hides where the samples come from; the meta set was not '
                'checked against the training set.')
            return
        files = shared_files(train, meta)
        if files:
            raise ValueError(
                f'{len(files)} of the {len(meta.indices)} meta-set images are '
                f'also in the training set ({", ".join(files[:3])}'
                f'{" ..." if len(files) > 3 else ""}): the meta set must be '
                'clean and held out. Training list: '
                f'{ann_file_of(train)}; meta list: {ann_file_of(meta)}. '
                'Remove those images from one of the two lists.')
        shared = shared_sources(train, meta)
        if not len(shared):
            return
        config = getattr(runner.cfg, 'filename', None) or 'the config'
        raise ValueError(
            f'{len(shared)} of the {len(meta.indices)} meta-set images are '
            f'also training images (indices {shared[:8].tolist()}'
            f'{" ..." if len(shared) > 8 else ""} of the '
            f'{type(train.base).__name__} both are drawn from): the meta set '
            'must be clean and held out. Training side: '
            f'{_splits(train.chain)}; meta side: {_splits(meta.chain)}. '
            'Give both MetaSplit wrappers the same seed and num_per_class '
            f'in {config}, or take the meta set from separate data.')
