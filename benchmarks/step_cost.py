r"""The cost of one training iteration: time, FLOPs and memory per method.

``tools/analysis_tools/benchmark_meta_step.py`` is the command line. Each
measurement builds one model (a *setup*: backbone, batch, input size) with
one *method* (cross-entropy, an advisor, a cheaper variant of MFRW-MES) on
synthetic data. A method is its config fragment (``configs/_base_/methods/``,
:mod:`benchmarks.methods`), placed on the setup's model as a method config
places it (the head, the loss, the advisor and its optimizer), with the
``MetaOptimWrapper`` options of a variant; the fast preset is the preset
fragment's options. The measurement reports

- the median time of an iteration (of a cycle of ``k`` iterations divided
  by ``k`` with ``advisor_interval=k``),
- the FLOPs of an iteration, counted with
  :class:`torch.utils.flop_counter.FlopCounterMode` (matrix products and
  convolutions, forward, backward and forward-mode products alike;
  deterministic, so ratios can be compared on a busy machine),
- the working memory of an iteration (:func:`working_memory`): what it
  needs above the built model. On CPU the growth of the process' peak
  resident memory over the memory after building the model, measured in a
  fresh process whose allocator returns freed tensors to the system
  (glibc's ``MALLOC_MMAP_THRESHOLD_`` fixed at 64 KiB: with the default,
  dynamic threshold the peak also counts heap fragmentation, which varied
  by 0.3x CE's between two runs here), and the peak of the bytes of the
  tensors alive during an iteration (torch's profiler; deterministic, no
  allocator in between); on CUDA ``max_memory_allocated`` minus what the
  model and the optimizers hold after a warm-up iteration.

**The floor.** With ``F`` the FLOPs of the backbone's forward on the
training batch (``N`` images; the head is negligible) and a meta batch of
``M`` images, a cross-entropy iteration costs ``3F`` (forward, and a
backward that forms the input and the weight gradients). The thesis'
exact step (section 3.4.4) cannot cost less than

- phase 1, the forward shared with phases 2 and 4: ``F``;
- phase 2, the virtual gradient: ``2F``;
- phase 3, the meta forward and backward at the virtual parameters:
  ``3F M/N``;
- the meta-gradient's product with the backbone's Jacobian (the tangent of
  the training features, two products per layer): ``2F``;
- phase 4, the real backward: ``2F``;

that is ``(7 + 3M/N) F``: ``10/3 = 3.33x`` cross-entropy for ``M = N``.
With ``advisor_interval=k`` phases 2-3 run every ``k``-th iteration:
``1 + (4 + 3M/N) / (3k)``. A virtual step of the head only needs no
backbone backward in phases 2-3 and no tangent: ``(3 + M/N) / 3``.
"""
import dataclasses
import resource
import statistics
import time
from typing import Dict, Optional, Tuple

#: The environment of a CPU memory measurement's process: glibc returns
#: every freed block of 64 KiB or more to the system at once, so the peak
#: resident memory follows the live tensors (see the module docstring).
MEMORY_ENV = {'MALLOC_MMAP_THRESHOLD_': str(64 * 1024)}

from . import methods


@dataclasses.dataclass(frozen=True)
class Setup:
    """A model and batch: the backbone, its feature size, the training
    batch, the input size and channels, the classes, the meta batch (None:
    the training batch) and the name prefix of its last stage."""
    backbone: dict
    feat_dim: int
    batch: int
    size: int
    channels: int
    classes: int
    meta_batch: Optional[int]
    last_stage: str


SETUPS: Dict[str, Setup] = {
    # the Fashion-MNIST benchmark's LeNet-5, batch 128, meta batch 100
    'lenet5': Setup(dict(type='LeNet5'), 120, 128, 32, 1, 10, 100,
                    'backbone.features.6'),
    # the thesis' CIFAR model
    'resnet32': Setup(dict(type='CifarResNet', depth=32), 64, 128, 32, 3,
                      10, None, 'backbone.layer3'),
    # Clothing1M's model at 224 x 224
    'resnet50': Setup(dict(type='ResNet', depth=50), 2048, 32, 224, 3, 1000,
                      None, 'backbone.layer4'),
}

#: The preset of the method ``fast``: its fragment's ``MetaOptimWrapper``
#: options, read from configs/_base_/methods/mfrw-mes-fast.py.
FAST_PRESET = 'mfrw-mes-fast'
#: method -> (its fragment, configs/_base_/methods/KEY.py; the
#: ``MetaOptimWrapper`` options of a cheaper variant, ``'{last}'`` standing
#: for the setup's last stage). Which variants are measured is this
#: benchmark's choice; what a method is, its fragment's.
METHODS: Dict[str, Tuple[str, dict]] = {
    'ce': ('ce', {}),
    'mw-net': ('mw-net', {}),
    'mfrw': ('mfrw', {}),
    'mes': ('mes', {}),
    'mfrw-mes': ('mfrw-mes', {}),
    'mfrw-mes-dbl': ('mfrw-mes', dict(meta_gradient='double_backward')),
    'head-only': ('mfrw-mes', dict(virtual_params=['head.fc'])),
    'fast-last': ('mfrw-mes', dict(virtual_params=['{last}', 'head.fc'])),
    'fast-k2': ('mfrw-mes', dict(advisor_interval=2)),
    'fast-k4': ('mfrw-mes', dict(advisor_interval=4)),
    'fast-last-k4': ('mfrw-mes', dict(virtual_params=['{last}', 'head.fc'],
                                      advisor_interval=4)),
    'fast': ('mfrw-mes', methods.preset(FAST_PRESET)['fast_meta_step']),
    # the exact step recomputing phase 1 instead of holding it (memory)
    'low-memory': ('mfrw-mes', dict(low_memory=True)),
}


def model_cfg(setup: Setup, fragment: str) -> dict:
    """The setup's cross-entropy classifier with the method of
    ``fragment`` placed on it (:meth:`benchmarks.methods.Method.model`)."""
    base = dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor',
                               num_classes=setup.classes,
                               mean=[127.5] * setup.channels,
                               std=[64.0] * setup.channels, to_rgb=False),
        backbone=setup.backbone, neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=setup.classes,
                  in_channels=setup.feat_dim,
                  loss=dict(type='CrossEntropyLoss')))
    return methods.get(fragment).model(base)


def build(setup_name: str, method: str, device: str = 'cpu',
          meta_batch: Optional[int] = None, options: Optional[dict] = None):
    """The model, its optim wrapper and a synthetic training batch.

    Args:
        meta_batch (int, optional): Meta batch size; default: the setup's
            (the training batch when it has none).
        options (dict, optional): More ``MetaOptimWrapper`` options, over
            the method's.
    """
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import OptimWrapper
    from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmpretrain.structures import DataSample

    import mmadvisor  # noqa: F401  (registers the components)
    from mmadvisor.datasets.samplers import MetaSampler
    setup = SETUPS[setup_name]
    fragment, method_options = METHODS[method]
    options = {**method_options, **(options or {})}
    meta_batch = meta_batch or setup.meta_batch or setup.batch
    model = MODELS.build(model_cfg(setup, fragment)).to(device).train()

    def sample(i):
        return dict(
            inputs=torch.randint(0, 256, (setup.channels, setup.size,
                                          setup.size), dtype=torch.uint8),
            data_samples=DataSample().set_gt_label(i % setup.classes))

    batch = pseudo_collate([sample(i) for i in range(setup.batch)])
    sgd = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
    if not methods.get(fragment).is_advisor:
        return model, OptimWrapper(torch.optim.SGD(
            model.parameters(), lr=0.1, momentum=0.9,
            weight_decay=5e-4)), batch

    class Synthetic(torch.utils.data.Dataset):
        """A meta set that covers every class."""

        def __len__(self):
            return max(meta_batch * 4, setup.classes)

        def get_gt_labels(self):
            return [i % setup.classes for i in range(len(self))]

        def __getitem__(self, i):
            return sample(i)

    meta_set = Synthetic()
    loader = torch.utils.data.DataLoader(
        meta_set, batch_size=meta_batch, collate_fn=pseudo_collate,
        sampler=MetaSampler(meta_set, seed=0))
    options = {
        k: [p.format(last=setup.last_stage) for p in v]
        if k == 'virtual_params' else v
        for k, v in options.items()
    }
    wrapper = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='MetaOptimWrapperConstructor',
             optim_wrapper_cfg=dict(
                 type='MetaOptimWrapper', optimizer=sgd,
                 meta_optimizer=methods.get(fragment).parts['meta_optimizer'],
                 meta_dataloader=loader, **options)))(model)
    return model, wrapper, batch


class _GlobalOnly:
    """A module tracker for :class:`FlopCounterMode` that tracks nothing:
    every FLOP is counted under ``'Global'``."""
    parents = {'Global'}

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def count_flops(model, wrapper, batch) -> float:
    """FLOPs of one iteration (the mean over a cycle of
    ``advisor_interval`` iterations)."""
    from torch.utils.flop_counter import FlopCounterMode
    interval = getattr(wrapper, 'advisor_interval', 1)
    counter = FlopCounterMode(display=False)
    # Only the total is needed. The per-module breakdown's tracker hooks
    # every module's inputs with multi-grad hooks, which torch does not
    # support under an ``autograd.grad`` call whose inputs are leaves
    # (MW-Net's meta-gradient: "A leaf node was passed to
    # _will_engine_execute_node"); count everything under 'Global' only.
    counter.mod_tracker = _GlobalOnly()
    with counter:
        for _ in range(interval):
            model.train_step(batch, wrapper)
    return counter.get_total_flops() / interval


def measure(setup: str, method: str, device: str = 'cpu', iters: int = 5,
            warmup: int = 2, meta_batch: Optional[int] = None,
            flops: bool = True) -> dict:
    """Time and FLOPs of one iteration of one method on one setup (the
    memory: :func:`working_memory`, in a process of its own)."""
    import torch
    model, wrapper, batch = build(setup, method, device, meta_batch)
    cuda = device.startswith('cuda')

    def step():
        model.train_step(batch, wrapper)
        if cuda:
            torch.cuda.synchronize()

    for _ in range(warmup):
        step()
    interval = getattr(wrapper, 'advisor_interval', 1)
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        for _ in range(interval):
            step()
        times.append((time.perf_counter() - start) / interval)
    return dict(setup=setup, method=method, median_s=statistics.median(times),
                iters=iters * interval,
                meta_batch=meta_batch or SETUPS[setup].meta_batch or
                SETUPS[setup].batch,
                gflop=count_flops(model, wrapper, batch) / 1e9
                if flops else None)

def _rss_mib() -> float:
    """The process' resident memory now (Linux ``/proc``), MiB."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    raise RuntimeError('no VmRSS in /proc/self/status: the CPU memory '
                       'measurement needs Linux.')


def peak_live_mib(model, wrapper, batch) -> float:
    """The peak of the bytes of the tensors allocated during one cycle of
    ``advisor_interval`` iterations and alive at once, MiB (torch's
    profiler records every allocation and free; deterministic)."""
    from torch.profiler import ProfilerActivity, profile
    interval = getattr(wrapper, 'advisor_interval', 1)
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        for _ in range(interval):
            model.train_step(batch, wrapper)
    events = sorted((e.start_ns(), e.nbytes())
                    for e in prof.profiler.kineto_results.events()
                    if e.name() == '[memory]' and
                    e.device_type().name == 'CPU')
    live = peak = 0
    for _, nbytes in events:
        live += nbytes
        peak = max(peak, live)
    return peak / 2**20


def working_memory(setup: str, method: str, device: str = 'cpu',
                   iters: int = 2, meta_batch: Optional[int] = None) -> dict:
    """The working memory of a training iteration above the built model.

    CPU (run it in a fresh process started with :data:`MEMORY_ENV`): the
    growth of the peak resident memory over ``iters`` cycles of
    ``advisor_interval`` iterations above the resident memory after
    building, and the peak of the live tensor bytes of one more cycle
    (:func:`peak_live_mib`). CUDA: ``max_memory_allocated`` over ``iters``
    cycles minus the memory allocated after one warm-up cycle (the model,
    its gradients and the optimizers' state).

    Returns:
        dict: ``work_mib`` and, on CPU, ``live_mib``.
    """
    import torch
    cuda = device.startswith('cuda')
    model, wrapper, batch = build(setup, method, device, meta_batch)
    interval = getattr(wrapper, 'advisor_interval', 1)
    if cuda:
        for _ in range(interval):
            model.train_step(batch, wrapper)
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
    else:
        base = _rss_mib()
    for _ in range(iters * interval):
        model.train_step(batch, wrapper)
    if cuda:
        torch.cuda.synchronize()
        return dict(work_mib=(torch.cuda.max_memory_allocated() - base) /
                    2**20)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(work_mib=peak - base,
                live_mib=peak_live_mib(model, wrapper, batch))
