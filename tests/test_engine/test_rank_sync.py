"""Rank synchronisation helpers, on one process and on two gloo ranks."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmadvisor.engine.optimizers import rank_sync


def test_single_process_is_the_identity():
    tensors = [torch.ones(2), torch.zeros(3)]
    assert rank_sync.world_size() == 1
    assert rank_sync.all_reduce_mean(tensors) is tensors
    assert rank_sync.all_reduce_mean_differentiable(tensors) is tensors
    model = torch.nn.BatchNorm1d(2)
    rank_sync.sync_buffers(model)  # no process group: nothing to do
    assert torch.equal(model.running_mean, torch.zeros(2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, port, results):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    try:
        torch.set_num_threads(1)
        # plain mean: rank r holds (r + 1) * [1, 2] and r
        out = rank_sync.all_reduce_mean(
            [torch.tensor([1.0, 2.0]) * (rank + 1), torch.tensor(rank * 1.0)])
        # differentiable mean: every rank backpropagates its own sum of the
        # mean; the backward all-reduces those upstream gradients (1/2 from
        # each rank), so x_r gets c_r: the gradient of the sum of the
        # ranks' losses, as if one process held both
        x = torch.tensor([1.0, 1.0], requires_grad=True)
        c = torch.tensor([2.0, 4.0]) * (rank + 1)
        mean, = rank_sync.all_reduce_mean_differentiable([x * c])
        grad, = torch.autograd.grad(mean.sum(), [x])
        # buffers: floats averaged, integers from rank 0
        bn = torch.nn.BatchNorm1d(2)
        bn.running_mean.fill_(rank * 2.0)
        bn.num_batches_tracked.fill_(10 + rank)
        rank_sync.sync_buffers(bn)
        # gradients of an optimizer's parameters averaged
        p = torch.nn.Parameter(torch.zeros(2))
        p.grad = torch.full((2, ), 4.0 * rank)
        rank_sync.sync_grads(torch.optim.SGD([p], lr=1.0))
        results[rank] = dict(
            out=[t.tolist() for t in out], mean=mean.tolist(),
            grad=grad.tolist(), running_mean=bn.running_mean.tolist(),
            tracked=int(bn.num_batches_tracked), p_grad=p.grad.tolist())
    finally:
        dist.destroy_process_group()


def test_two_gloo_ranks():
    results = mp.Manager().dict()
    mp.spawn(_worker, args=(_free_port(), results), nprocs=2)
    for rank in (0, 1):
        r = results[rank]
        assert r['out'] == [[1.5, 3.0], 0.5]
        assert r['mean'] == [3.0, 6.0]  # ([2, 4] + [4, 8]) / 2
        assert r['grad'] == ([2.0, 4.0] if rank == 0 else [4.0, 8.0])
        assert r['running_mean'] == [1.0, 1.0]
        assert r['tracked'] == 10
        assert r['p_grad'] == [2.0, 2.0]
