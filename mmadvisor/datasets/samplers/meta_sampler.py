"""An endless, seeded, resumable sampler for the meta set."""
import math
from typing import Iterator, Optional, Sized

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import Sampler


@DATA_SAMPLERS.register_module()
class MetaSampler(Sampler):
    """Cycle the meta set forever, one seeded permutation per pass.

    The meta batch of every training iteration is drawn from this stream
    (phase 3 of section 3.4.4), so it never ends. The stream is a pure
    function of ``seed`` and the position in it:

    1. pass ``e`` over the meta set is ``randperm(len(dataset))`` drawn from
       a generator seeded with ``seed + e`` (or ``arange`` without shuffle);
    2. each pass is padded by repeating its head to a multiple of the world
       size, and rank ``r`` takes every ``world_size``-th index from ``r``,
       so ranks see disjoint meta samples within a pass;
    3. the rank's stream is the concatenation of its passes, starting at
       ``start`` (the number of indices already consumed).

    Resuming is therefore exact and cheap: :class:`MetaOptimWrapper` saves
    how many meta samples it consumed and restarts the stream there
    (:meth:`set_start`), without loading any skipped image.

    Args:
        dataset (Sized): The meta set.
        shuffle (bool): Shuffle each pass. Defaults to True.
        seed (int, optional): Seed of the permutations; synchronised across
            ranks when ``None``. Defaults to None.
    """

    def __init__(self,
                 dataset: Sized,
                 shuffle: bool = True,
                 seed: Optional[int] = None) -> None:
        if len(dataset) == 0:
            raise ValueError('the meta set is empty: check the meta '
                             'dataloader\'s dataset config.')
        rank, world_size = get_dist_info()
        self.dataset = dataset
        self.rank = rank
        self.world_size = world_size
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.per_rank = math.ceil(len(dataset) / world_size)
        self.start = 0

    def set_start(self, start: int) -> None:
        """Restart the stream after ``start`` consumed indices."""
        if start < 0:
            raise ValueError(f'start={start} must be >= 0.')
        self.start = start

    def _pass_indices(self, epoch: int) -> torch.Tensor:
        n = len(self.dataset)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + epoch)
            indices = torch.randperm(n, generator=g)
        else:
            indices = torch.arange(n)
        total = self.per_rank * self.world_size
        indices = indices.repeat(math.ceil(total / n))[:total]
        return indices[self.rank::self.world_size]

    def __iter__(self) -> Iterator[int]:
        epoch, offset = divmod(self.start, self.per_rank)
        while True:
            yield from self._pass_indices(epoch)[offset:].tolist()
            epoch, offset = epoch + 1, 0

    def __len__(self) -> int:
        """Indices per pass on this rank (the stream itself is endless)."""
        return self.per_rank

    def set_epoch(self, epoch: int) -> None:
        """Unused: the position in the stream replaces the epoch."""
