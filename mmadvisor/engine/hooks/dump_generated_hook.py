# Copyright (c) mmadvisor contributors.
import os.path as osp
from typing import Any, Iterator, List, Optional, Tuple

from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmpretrain.registry import HOOKS


def iter_nested_datasets(dataset: Any,
                         max_depth: int = 32) -> Iterator[Tuple[int, Any]]:
    """Yield ``(depth, dataset)`` from ``dataset`` down its ``.dataset``
    chain (depth 0 is ``dataset`` itself)."""
    seen = set()
    depth = 0
    while dataset is not None and id(dataset) not in seen \
            and depth < max_depth:
        seen.add(id(dataset))
        yield depth, dataset
        dataset = getattr(dataset, 'dataset', None)
        depth += 1


@HOOKS.register_module()
class DumpGeneratedHook(Hook):
    """Save the noise, long-tail subsets and meta splits a run trains on.

    Before training, for each role

    - ``'train'``: ``runner.train_dataloader.dataset``;
    - ``'meta'``: ``runner.optim_wrapper.meta_dataloader.dataset``, if the
      optim wrapper has a ``meta_dataloader``;

    walk down the ``.dataset`` attributes of the nested wrappers and call
    ``dump(out_dir, prefix=f'{role}_{depth}_{ClassName}')`` on every one that
    has a ``dump`` method (e.g. :class:`LabelNoiseDataset`), so that each
    file can be read back with :func:`mmadvisor.datasets.load_dump`. Only
    the main process writes.

    Args:
        out_dir (str, optional): Where to write. Defaults to
            ``{work_dir}/generated``.
    """

    priority = 'VERY_LOW'

    def __init__(self, out_dir: Optional[str] = None):
        self.out_dir = out_dir

    def _roles(self, runner) -> List[Tuple[str, Any]]:
        roles = [('train', getattr(runner.train_dataloader, 'dataset', None))]
        meta_loader = getattr(runner.optim_wrapper, 'meta_dataloader', None)
        if meta_loader is not None:
            roles.append(('meta', getattr(meta_loader, 'dataset', None)))
        return roles

    def before_train(self, runner) -> None:
        """Dump what every wrapper of the train and meta sets generated."""
        if not is_main_process():
            return
        out_dir = self.out_dir or osp.join(runner.work_dir, 'generated')
        for role, dataset in self._roles(runner):
            for depth, ds in iter_nested_datasets(dataset):
                if not callable(getattr(ds, 'dump', None)):
                    continue
                prefix = f'{role}_{depth}_{type(ds).__name__}'
                path = ds.dump(out_dir, prefix=prefix)
                runner.logger.info(f'{type(self).__name__}: saved {path}')
