"""The Fashion-MNIST benchmark at the shape of the thesis' CIFAR protocols.

One place for the benchmark's run list, the config of each run,
the choice of hyper-parameters on the validation split, the result reader
and the tables; ``tools/benchmarks/fashion_mnist_grid.py`` is its command
line.

**Protocol** (configs/_base_/datasets/fashion-mnist-bench*.py). Per seed,
the full training split (6000 images per class) gives a clean, balanced
meta set (10 per class), a clean, balanced validation split (100 per
class) and the training pool (5890 per class), which each setting makes
long-tailed and/or noisy (:data:`SETTINGS`). Every generated quantity (the
splits, the long tail, the noise) and the runner take the run's seed.

**Runs** (:data:`METHODS`). Each run trains one method config of
``configs/fashion_mnist_bench/`` on one setting, evaluates the validation
split after every epoch and the test split once, after the last epoch. A
method of the thesis is its fragment (``configs/_base_/methods/``, read by
:mod:`benchmarks.methods`): its name in the tables and its config's name
come from there; what is the benchmark's own stays here: the clean-set
baselines, the candidates chosen on validation, the studies.

**No choice on the test split.** A method's hyper-parameters that are not
the thesis' (the advisors' meta learning rate, the fine-tuning lr and
epochs, EQL's threshold) have candidate *variants*. Every variant runs at
the selection seed (the first seed); the variant with the best final
validation top-1 there is *chosen* (:func:`chosen_variants`) and only it
runs at the other seeds. The tables report the chosen variants' test
top-1, mean +- sample std over seeds; "best" rows and the headline
difference are also chosen on the validation split.
"""
import copy
import dataclasses
import json
import os
import os.path as osp
import statistics
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from . import ROOT, methods
from .runs import provenance, train_and_test

DATASET_BASE = 'configs/_base_/datasets/fashion-mnist-bench_{}.py'
SCHEDULES = {
    30: 'configs/_base_/schedules/fashion-mnist_sgd_30e.py',
    20: 'configs/_base_/schedules/fashion-mnist_sgd_20e.py',
}
CONFIG = 'configs/fashion_mnist_bench/lenet5-{}.py'
#: The benchmark's recipe: a method's config is the method's fragment on it.
RECIPE = 'lenet5_1xb128_fashion-mnist-bench'
#: Wrappers whose draws take the run's seed.
SEEDED = ('MetaSplit', 'LongTailDataset', 'LabelNoiseDataset')
#: Many-shot classes have more training images, few-shot fewer.
MANY_THR, FEW_THR = 1000, 200


@dataclasses.dataclass(frozen=True)
class Setting:
    """A data setting: label, epochs, and whether it is long-tailed."""
    label: str
    epochs: int
    long_tail: bool


SETTINGS: Dict[str, Setting] = {
    'lt100': Setting('LT IF 100', 30, True),
    'lt50': Setting('LT IF 50', 30, True),
    'flip0.4': Setting('Flip 0.4', 20, False),
    'flip0.6': Setting('Flip 0.6', 20, False),
    'flip2-0.6': Setting('Flip2 0.6', 20, False),
    'lt10-flip0.4': Setting('LT IF 10 + Flip 0.4', 30, True),
}


@dataclasses.dataclass(frozen=True)
class Method:
    """A method of the benchmark.

    Attributes:
        label: Name in the tables.
        config: Config file under ``configs/fashion_mnist_bench/``.
        family: ``'baseline'`` (no clean set), ``'clean-set'`` (uses the
            meta set as data), ``'long-tail'`` (a long-tail loss, LT
            settings only), ``'meta'`` (MW-Net) or ``'advisor'``.
        train: What it trains on: ``'setting'`` (the setting's training
            set), ``'union'`` (that and the meta set) or ``'config'`` (what
            the config says: the meta set).
        variants: Candidate hyper-parameters, name -> ``cfg_options``; the
            first is the default. Chosen on the validation split.
        after: A method whose final checkpoint this one starts from.
        own_schedule: Keep the config's schedule (else the setting's).
        options: ``cfg_options`` of the method itself (on top of its
            config, under the variant's).
        same_choice_as: Take the variant chosen for this other method in
            the same setting (no candidates of its own).
        settings: The settings it runs in (None: all it applies to).
        seeds: How many of the grid's seeds it runs (None: all).
        long_tail_only: Only in the long-tailed settings.
        meta_per_class: Meta images per class (the thesis' protocol: 10).
        fast_preset: Runs the fast preset's config; planned once the fast
            study's variant chosen on validation is the one the preset file
            holds (:func:`fast_preset_problem`).
    """
    label: str
    config: str
    family: str
    train: str = 'setting'
    variants: Tuple[Tuple[str, dict], ...] = (('default', {}), )
    after: Optional[str] = None
    own_schedule: bool = False
    options: Tuple[Tuple[str, object], ...] = ()
    same_choice_as: Optional[str] = None
    settings: Optional[Tuple[str, ...]] = None
    seeds: Optional[int] = None
    long_tail_only: bool = False
    meta_per_class: int = 10
    fast_preset: bool = False


def _method(key: str, family: str, **kwargs) -> Method:
    """The method of the fragment ``key`` on the benchmark's recipe: its
    name and its config (``lenet5-{token}_1xb128_fashion-mnist-bench``)
    from the fragment, the rest of the benchmark's design from
    ``kwargs``."""
    method = methods.get(key)
    config = method.config_name(RECIPE)[len('lenet5-'):]
    return Method(method.name, config, family, **kwargs)


def _meta_lr(*lrs: float) -> Tuple[Tuple[str, dict], ...]:
    return tuple((f'meta-lr{lr:g}', {'optim_wrapper.meta_optimizer.lr': lr})
                 for lr in lrs)


#: The advisors' meta learning rate: the thesis' 1e-4 (tuned for ~20-40k
#: meta steps on CIFAR) and 1e-3 (this benchmark's runs take 1.5-4k).
ADVISOR_LRS = _meta_lr(1e-4, 1e-3)
METHODS: Dict[str, Method] = {
    'ce': _method('ce', 'baseline'),
    'ce-union-meta': Method(
        'CE on train + meta', 'ce_1xb128_fashion-mnist-bench-union-meta',
        'clean-set', train='union'),
    'ce-ft': Method(
        'CE, then fine-tune on meta',
        'ce-ft_1xb32_fashion-mnist-bench-meta10', 'clean-set',
        train='config', after='ce', own_schedule=True,
        variants=tuple((f'lr{lr:g}-{ep}e', {
            'optim_wrapper.optimizer.lr': lr, 'train_cfg.max_epochs': ep
        }) for lr in (0.01, 0.1, 0.001) for ep in (10, 30))),
    'meta-only': Method('CE on meta only',
                        'ce_1xb32_fashion-mnist-bench-meta10-only',
                        'clean-set', train='config'),
    'balms': _method('balms', 'long-tail'),
    'eql': _method(
        'eql', 'long-tail',
        variants=tuple((f'lambda{lam:g}', {'model.head.loss.lambda_': lam})
                       for lam in (0.01, 1.76e-3, 0.05))),
    'mw-net': _method('mw-net', 'meta'),
    'mfrw': _method('mfrw', 'advisor', variants=ADVISOR_LRS),
    'mes': _method('mes', 'advisor', variants=ADVISOR_LRS),
    'mfrw-mes': _method('mfrw-mes', 'advisor', variants=ADVISOR_LRS),
}


#: Cheaper variants of MFRW-MES (issue: a fast preset at equal accuracy),
#: measured on two settings with the meta lr chosen for MFRW-MES there.
LAST_STAGE = 'backbone.features.6'  # LeNet-5's last convolution
FAST_STUDY = {
    'fast-head': ('virtual step of the fc only',
                  {'optim_wrapper.virtual_params': ['head.fc']}),
    'fast-last': ('virtual step of the last stage + fc',
                  {'optim_wrapper.virtual_params': [LAST_STAGE, 'head.fc']}),
    'fast-k2': ('advisor every 2 iterations',
                {'optim_wrapper.advisor_interval': 2}),
    'fast-k4': ('advisor every 4 iterations',
                {'optim_wrapper.advisor_interval': 4}),
    'fast-mb32': ('meta batch 32', {
        'optim_wrapper.meta_dataloader.batch_size': 32}),
    'fast-head-k2': ('fc only, every 2 iterations', {
        'optim_wrapper.virtual_params': ['head.fc'],
        'optim_wrapper.advisor_interval': 2}),
    'fast-last-k2': ('last stage + fc, every 2 iterations', {
        'optim_wrapper.virtual_params': [LAST_STAGE, 'head.fc'],
        'optim_wrapper.advisor_interval': 2}),
    'fast-head-mb32': ('fc only, meta batch 32', {
        'optim_wrapper.virtual_params': ['head.fc'],
        'optim_wrapper.meta_dataloader.batch_size': 32}),
}
for _name, (_what, _options) in FAST_STUDY.items():
    METHODS[_name] = Method(
        f"{METHODS['mfrw-mes'].label}, {_what}", METHODS['mfrw-mes'].config,
        'fast-study', options=tuple(_options.items()),
        same_choice_as='mfrw-mes', settings=('lt100', 'flip0.6'), seeds=3)
#: Where the thesis' protocol forces a value on MW-Net: 10 meta images per
#: class, where the authors' code takes 100 (1000 on CIFAR-10). The same
#: for MFRW-MES, with its chosen meta lr. The validation split and the
#: training pool are carved after the larger meta set.
for _name, _base in (('mw-net-meta100', 'mw-net'),
                     ('mfrw-mes-meta100', 'mfrw-mes')):
    METHODS[_name] = Method(
        f'{METHODS[_base].label}, 100 meta images per class',
        METHODS[_base].config, 'ablation', meta_per_class=100,
        same_choice_as=None if _base == 'mw-net' else _base,
        settings=('flip0.4', 'lt100'), seeds=3)
#: The fast preset (``configs/_base_/methods/mfrw-mes-fast.py``) in every
#: setting, at every seed; run once the study's variant chosen on validation
#: (:func:`choose_fast_preset`) is the one the preset file holds.
FAST_PRESET = 'mfrw-mes-fast'
METHODS[FAST_PRESET] = Method(
    f"{METHODS['mfrw-mes'].label} fast preset",
    f"{FAST_PRESET}_1xb128_fashion-mnist-bench", 'advisor',
    same_choice_as='mfrw-mes', fast_preset=True)
#: The preset file; its ``fast_meta_step`` goes into ``optim_wrapper``.
FAST_PRESET_FILE = osp.join(methods.FRAGMENTS, f'{FAST_PRESET}.py')


def needed_for_fast_choice(run: 'Run') -> bool:
    """Whether :func:`choose_fast_preset` reads this run: CE, the study's
    variants and exact MFRW-MES, in the study's settings and seeds."""
    settings = METHODS[next(iter(FAST_STUDY))].settings
    return run.setting in settings and run.method in ('ce', 'mfrw-mes',
                                                      *FAST_STUDY)


def fast_preset_problem(rows: List[dict],
                        seeds: Sequence[int]) -> Optional[str]:
    """Why the preset's runs cannot start yet (None once they can): the
    study has not run, or it chose on validation another variant than the
    one the preset file holds."""
    preset = choose_fast_preset(rows, seeds)[0]
    if preset is None:
        return 'the fast study has not finished'
    chosen, held = dict(METHODS[preset].options), fast_preset_options()
    if chosen != held:
        return (f'the fast study chose {preset!r} on the validation split '
                f'({chosen}), but {FAST_PRESET_FILE} holds {held}: write '
                'the chosen options into the preset file, then run the grid '
                'again')
    return None


def fast_preset_options() -> Dict[str, object]:
    """The options of the preset file, as ``cfg_options`` keys (the form of
    :data:`FAST_STUDY`'s options)."""
    step = methods.preset(FAST_PRESET)['fast_meta_step']

    def flat(prefix, node):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from flat(f'{prefix}{key}.', value)
            else:
                yield f'{prefix}{key}', value
    return dict(flat('optim_wrapper.', step))
#: Advisor recipes beyond the thesis.
METHODS['mfrw-mes-prior'] = Method(
    f"{METHODS['mfrw-mes'].label} + class prior",
    'mfrw-mes-prior_1xb128_fashion-mnist-bench', 'advisor',
    variants=ADVISOR_LRS, long_tail_only=True)


def applies(method: str, setting: str) -> bool:
    """Whether ``method`` runs in ``setting`` (long-tail losses and
    recipes only in the long-tailed settings, studies in their own)."""
    spec = METHODS[method]
    if spec.settings is not None and setting not in spec.settings:
        return False
    if spec.family == 'long-tail' or spec.long_tail_only:
        return SETTINGS[setting].long_tail
    return True


def variants_of(method: str) -> Tuple[Tuple[str, dict], ...]:
    """The candidate variants (those of ``same_choice_as`` if set)."""
    spec = METHODS[method]
    return METHODS[spec.same_choice_as].variants if spec.same_choice_as \
        else spec.variants


# ----------------------------------------------------------------------
# The run list
# ----------------------------------------------------------------------
def run_key(setting: str, method: str, variant: str, seed: int) -> str:
    return f'{setting}/{method}@{variant}/seed{seed}'


@dataclasses.dataclass
class Run:
    """One training run; ``after`` is the key of a run it starts from."""
    setting: str
    method: str
    variant: str
    seed: int
    after: Optional[str] = None

    @property
    def key(self) -> str:
        return run_key(self.setting, self.method, self.variant, self.seed)


def planned_runs(settings: Sequence[str], methods: Sequence[str],
                 seeds: Sequence[int],
                 done: Dict[str, dict]) -> Tuple[List[Run], List[tuple]]:
    """The runs that can be planned now, and what still waits for a choice.

    At the selection seed (``seeds[0]``) every variant runs; at the other
    seeds only the variant chosen on the selection seed's validation split,
    so those runs are planned once the selection seed's variants are all in
    ``done``.

    Returns:
        tuple: the runs, and ``(setting, method, seed)`` for the runs that
        wait for a choice.
    """
    runs, waiting = [], []
    chosen = chosen_variants(done.values(), seeds[0])
    preset_ready = any(METHODS[m].fast_preset for m in methods) and \
        fast_preset_problem(list(done.values()), seeds) is None
    for seed in seeds:
        for setting in settings:
            for method in methods:
                spec = METHODS[method]
                if not applies(method, setting) or (
                        spec.seeds is not None and
                        seed not in seeds[:spec.seeds]):
                    continue
                candidates = variants_of(method)
                if spec.fast_preset and not preset_ready:
                    waiting.append((setting, method, seed))
                    continue
                if seed == seeds[0] and spec.same_choice_as is None:
                    variants = [name for name, _ in candidates]
                elif len(candidates) == 1:
                    variants = [candidates[0][0]]
                elif (setting, method) in chosen:
                    variants = [chosen[setting, method]]
                else:
                    waiting.append((setting, method, seed))
                    continue
                for variant in variants:
                    after = None
                    if spec.after is not None:
                        stage1 = METHODS[spec.after].variants[0][0]
                        after = run_key(setting, spec.after, stage1, seed)
                    runs.append(Run(setting, method, variant, seed, after))
    return runs, waiting


def chosen_variants(rows: Iterable[dict],
                    selection_seed: int) -> Dict[Tuple[str, str], str]:
    """The variant of each (setting, method) with the best final validation
    top-1 at the selection seed, once all its variants have run there (ties:
    the first variant in :data:`METHODS` order). The test split plays no
    part."""
    by_cell: Dict[Tuple[str, str], Dict[str, float]] = {}
    for row in rows:
        if row['seed'] == selection_seed:
            by_cell.setdefault((row['setting'], row['method']),
                               {})[row['variant']] = row['val_top1']
    chosen = {}
    for (setting, method), vals in by_cell.items():
        if method not in METHODS or METHODS[method].same_choice_as:
            continue
        order = [name for name, _ in METHODS[method].variants]
        if all(v in vals for v in order):
            chosen[setting, method] = max(order, key=lambda v: (vals[v],
                                                                -order.index(v)))
    for method, spec in METHODS.items():
        for (setting, ref), variant in list(chosen.items()):
            if spec.same_choice_as == ref:
                chosen[setting, method] = variant
    return chosen


# ----------------------------------------------------------------------
# The config of a run
# ----------------------------------------------------------------------
def _walk(node, visit) -> None:
    """Call ``visit`` on every dict of a config tree."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, visit)


def _seed_wrappers(node, seed: int) -> None:
    """Give every generating wrapper and the meta sampler ``seed``."""

    def visit(d):
        if d.get('type') in SEEDED or d.get('type') == 'MetaSampler':
            d['seed'] = seed

    _walk(node, visit)


def _resize_meta_split(node, per_class: int) -> None:
    """The meta split (every MetaSplit drawn straight from the training
    split: the meta side and the rest) takes ``per_class`` per class."""

    def visit(d):
        if d.get('type') == 'MetaSplit' and \
                d['dataset'].get('type') == 'OfflineFashionMNIST':
            d['num_per_class'] = per_class

    _walk(node, visit)


def nominal_class_counts(setting: str, seed: int,
                         meta_per_class: int = 10) -> List[int]:
    """Training images per class of a setting before any label noise (what
    BALMS and EQL are given; ClassCountsCheckHook checks the same)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS

    from mmadvisor.engine.hooks.class_counts_check_hook import \
        _nominal_labels
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(ROOT, DATASET_BASE.format(setting)))
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset.to_dict())
    _seed_wrappers(dataset_cfg, seed)
    _resize_meta_split(dataset_cfg, meta_per_class)
    labels = _nominal_labels(DATASETS.build(dataset_cfg))
    return np.bincount(labels, minlength=10).tolist()


#: Keys of the schedule, which a method with its own schedule keeps.
SCHEDULE_KEYS = ('train_cfg', 'param_scheduler')


def build_run_cfg(run: Run, out_dir: str,
                  class_counts: Optional[Sequence[int]] = None,
                  cfg_options: Optional[dict] = None):
    """The config of one run: the method's config with the setting's data
    and schedule, the seed everywhere, ``cfg_options`` (options for every
    run of a grid, e.g. a short schedule for a smoke run: a method with its
    own schedule, the fine-tuning stage, keeps it), then the variant's
    options."""
    from mmengine.config import Config
    spec = METHODS[run.method]
    cfg = Config.fromfile(osp.join(ROOT, CONFIG.format(spec.config)))
    data = Config.fromfile(osp.join(ROOT, DATASET_BASE.format(run.setting)))
    train_set = data.train_dataloader.dataset
    if spec.train == 'setting':
        cfg.train_dataloader.dataset = train_set
    elif spec.train == 'union':
        cfg.train_dataloader.dataset = dict(
            type='ConcatDataset', datasets=[train_set, data.meta_split])
    if not spec.own_schedule:
        schedule = Config.fromfile(
            osp.join(ROOT, SCHEDULES[SETTINGS[run.setting].epochs]))
        cfg.param_scheduler = schedule.param_scheduler
        cfg.train_cfg = schedule.train_cfg
    if class_counts is not None and 'class_counts' in cfg.model.head.loss:
        cfg.model.head.loss.class_counts = list(class_counts)
    for loader in ('train_dataloader', 'val_dataloader'):
        _seed_wrappers(cfg[loader], run.seed)
        _resize_meta_split(cfg[loader], spec.meta_per_class)
    _resize_meta_split(cfg.optim_wrapper, spec.meta_per_class)
    if 'meta_dataloader' in cfg.optim_wrapper:
        _seed_wrappers(cfg.optim_wrapper.meta_dataloader, run.seed)
    cfg.randomness = dict(seed=run.seed, deterministic=False)
    cfg.work_dir = osp.join(out_dir, 'runs', run.key)
    if run.after is not None:
        stage1 = osp.join(out_dir, 'runs', run.after)
        with open(osp.join(stage1, 'last_checkpoint')) as f:
            cfg.load_from = f.read().strip()
    options = {
        k: v for k, v in (cfg_options or {}).items()
        if not (spec.own_schedule and k.split('.')[0] in SCHEDULE_KEYS)
    }
    options.update(dict(spec.options))
    options.update(dict(variants_of(run.method))[run.variant])
    cfg.merge_from_dict(options)
    return cfg


# ----------------------------------------------------------------------
# Training one run
# ----------------------------------------------------------------------
def train_one(run: Run, out_dir: str,
              cfg_options: Optional[dict] = None) -> dict:
    """Train and evaluate one run in this process; return its result row."""
    class_counts = []

    def build():
        class_counts.extend(nominal_class_counts(
            run.setting, run.seed, METHODS[run.method].meta_per_class))
        return build_run_cfg(run, out_dir, class_counts, cfg_options)

    done = train_and_test(build, osp.join(out_dir, 'runs', run.key),
                          f'fashion-mnist-bench:{run.key}')
    runner, metrics = done.runner, done.metrics
    return dict(
        key=run.key, setting=run.setting, method=run.method,
        variant=run.variant, seed=run.seed,
        top1=round(float(metrics['accuracy/top1']), 2),
        val_top1=done.curves['val_top1'][-1],
        test_class_top1=[round(float(x), 2) for x in
                         metrics['single-label/recall_classwise']],
        class_counts=class_counts,
        train_samples=len(runner.train_dataloader.dataset),
        iters=runner.iter, epochs=runner.epoch, wall_s=done.wall_s,
        train_s=done.train_s, curves=done.curves,
        options={**dict(METHODS[run.method].options),
                 **(fast_preset_options() if METHODS[run.method].fast_preset
                    else {}),
                 **dict(variants_of(run.method))[run.variant]},
        config=CONFIG.format(METHODS[run.method].config),
        load_from=runner.cfg.load_from, **provenance(ROOT))


# ----------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------
def load_results(path: str) -> Dict[str, dict]:
    """The rows of a results file by run key (the last row of a key)."""
    rows = {}
    if osp.exists(path):
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(
                            f'{path}:{number} is not a JSON object ({exc}): '
                            'remove the broken line (a run stopped while '
                            'writing it) and run again.') from None
                    rows[row['key']] = row
    return rows


def cell_rows(rows: Iterable[dict], setting: str, method: str,
              chosen: Dict[Tuple[str, str], str]) -> List[dict]:
    """The rows of the chosen variant of (setting, method), by seed."""
    variant = chosen.get((setting, method))
    if variant is None:  # a single variant, or not yet chosen
        variants = [name for name, _ in variants_of(method)]
        variant = variants[0] if len(variants) == 1 else None
    return sorted((r for r in rows if r['setting'] == setting
                   and r['method'] == method and r['variant'] == variant),
                  key=lambda r: r['seed'])


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    if not values:
        return float('nan'), float('nan')
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.mean(values), std


def shot_accuracy(row: dict) -> Dict[str, float]:
    """Mean per-class test top-1 of many (> MANY_THR training images),
    medium and few (< FEW_THR) classes; nan for an empty group."""
    counts = np.asarray(row['class_counts'])
    accs = np.asarray(row['test_class_top1'])
    groups = dict(many=counts > MANY_THR, few=counts < FEW_THR)
    groups['medium'] = ~(groups['many'] | groups['few'])
    return {name: float(accs[mask].mean()) if mask.any() else float('nan')
            for name, mask in groups.items()}


def _by_val(rows: List[dict], setting: str, methods: Iterable[str],
            chosen) -> Optional[str]:
    """Of ``methods``, the one with the best mean final validation top-1 in
    ``setting`` (over the seeds each has), or None."""
    best, best_val = None, -1.0
    for method in methods:
        cell = cell_rows(rows, setting, method, chosen)
        if cell and applies(method, setting):
            val = mean_std([r['val_top1'] for r in cell])[0]
            if val > best_val:
                best, best_val = method, val
    return best


def _fmt(values: Sequence[float], digits: int = 2) -> str:
    mean, std = mean_std(values)
    if not values:
        return '-'
    return f'{mean:.{digits}f} ± {std:.{digits}f}'


def headline(rows: List[dict], settings: Sequence[str],
             methods: Sequence[str], seeds: Sequence[int]) -> str:
    """The README's tables, generated from the result rows."""
    chosen = chosen_variants(rows, seeds[0])
    lines = []
    # 1. every method in every setting
    lines += ['| Method | ' + ' | '.join(SETTINGS[s].label for s in settings)
              + ' |', '|---|' + '---:|' * len(settings)]
    for method in methods:
        cells = []
        for setting in settings:
            cell = cell_rows(rows, setting, method, chosen)
            if not applies(method, setting):
                cells.append('n/a')
                continue
            text = _fmt([r['top1'] for r in cell])
            if cell and len(cell) != len(seeds):
                text += f' ({len(cell)} seed{"s" * (len(cell) > 1)})'
            cells.append(text)
        lines.append(f'| {METHODS[method].label} | ' + ' | '.join(cells) +
                     ' |')
    # 2. best advisor vs best clean-set baseline, both chosen on validation
    lines += ['', '| Setting | best clean-set baseline (chosen on val) | '
              'test top-1 | best advisor recipe (chosen on val) | test top-1'
              ' | advisor − clean-set | reading |',
              '|---|---|---:|---|---:|---:|---|']
    for setting in settings:
        clean = _by_val(rows, setting,
                        [m for m in methods
                         if METHODS[m].family == 'clean-set'], chosen)
        adv = _by_val(rows, setting,
                      [m for m in methods if METHODS[m].family == 'advisor'],
                      chosen)
        if clean is None or adv is None:
            lines.append(f'| {SETTINGS[setting].label} | - | - | - | - | - '
                         '| - |')
            continue
        a = [r['top1'] for r in cell_rows(rows, setting, clean, chosen)]
        b = [r['top1'] for r in cell_rows(rows, setting, adv, chosen)]
        (ma, sa), (mb, sb) = mean_std(a), mean_std(b)
        diff = mb - ma
        reading = ('open: one seed, no std' if min(len(a), len(b)) < 2
                   else 'tie' if abs(diff) <= max(sa, sb) else
                   'advisor ahead' if diff > 0 else 'advisor behind')
        lines.append(
            f'| {SETTINGS[setting].label} | {METHODS[clean].label} | '
            f'{_fmt(a)} | {METHODS[adv].label} | {_fmt(b)} | '
            f'{diff:+.2f} | {reading} |')
    return '\n'.join(lines)


def _reading(a: Sequence[float], b: Sequence[float]) -> str:
    """``b`` against ``a``: a tie within one std (the larger of the two),
    else ahead / behind; open with fewer than two seeds on a side."""
    if min(len(a), len(b)) < 2:
        return 'open: one seed, no std'
    (ma, sa), (mb, sb) = mean_std(a), mean_std(b)
    diff = mb - ma
    return 'tie' if abs(diff) <= max(sa, sb) else \
        'ahead' if diff > 0 else 'behind'


#: The comparisons the headline turns on, run at more seeds (issue:
#: five seeds): the settings, and the methods besides the best advisor
#: recipe chosen on validation.
HEADLINE_SETTINGS = ('lt100', 'flip0.6')
HEADLINE_METHODS = ('ce', 'ce-ft', 'mfrw-mes', 'mfrw-mes-fast')


def headline_seeds_table(rows: List[dict], seeds: Sequence[int],
                         settings: Sequence[str] = HEADLINE_SETTINGS,
                         methods: Sequence[str] = HEADLINE_METHODS) -> str:
    """The headline's comparisons over every seed each cell has: CE, CE
    then fine-tune on the meta set, MFRW-MES, the fast preset and the best
    advisor recipe (chosen on validation), each against "CE, then
    fine-tune" and against CE."""
    chosen = chosen_variants(rows, seeds[0])
    lines = ['| Setting | Method | test top-1 | seeds | − CE, then '
             'fine-tune: reading | − CE: reading |',
             '|---|---|---:|---:|---|---|']
    advisors = [m for m in METHODS if METHODS[m].family == 'advisor']
    for setting in settings:
        best = _by_val(rows, setting, advisors, chosen)
        shown = list(methods) + ([best] if best and best not in methods
                                 else [])
        ft = [r['top1'] for r in cell_rows(rows, setting, 'ce-ft', chosen)]
        ce = [r['top1'] for r in cell_rows(rows, setting, 'ce', chosen)]
        for method in shown:
            top1 = [r['top1']
                    for r in cell_rows(rows, setting, method, chosen)]
            if not top1:
                continue
            label = METHODS[method].label + (
                ' (best advisor recipe on val)' if method == best else '')
            versus = []
            for ref, name in ((ft, 'ce-ft'), (ce, 'ce')):
                versus.append('-' if method == name or not ref else
                              f'{mean_std(top1)[0] - mean_std(ref)[0]:+.2f}'
                              f': {_reading(ref, top1)}')
            lines.append(f'| {SETTINGS[setting].label} | {label} | '
                         f'{_fmt(top1)} | {len(top1)} | {versus[0]} | '
                         f'{versus[1]} |')
    return '\n'.join(lines)


#: The advisor-initialisation study (README, "The advisor's
#: initialisation"): MFRW-MES with PyTorch's default ``nn.Linear``
#: initialisation (``model.head.advisor.init_cfg=None``, the authors' code)
#: in these settings and seeds, both meta lrs at the selection seed.
INIT_STUDY = 'docs/results/advisor_init_study.jsonl'


def init_study_table(rows: List[dict], study: List[dict],
                     seeds: Sequence[int],
                     settings: Sequence[str] = HEADLINE_SETTINGS) -> str:
    """Validation (and, for the record, test) top-1 of MFRW-MES with the
    advisor's default initialisation (``rows``) and with PyTorch's
    (``study``), each with its meta lr chosen on validation at the
    selection seed, over the seeds the study ran."""
    lines = ['| Setting | advisor initialisation | meta lr (chosen on val) '
             '| validation top-1 | − default: reading | test top-1 | seeds |',
             '|---|---|---|---:|---|---:|---:|']
    for setting in settings:
        cells = {}
        for label, source in (('N(0, 0.01²), zero biases (default)', rows),
                              ('PyTorch default (init_cfg=None)', study)):
            source = [r for r in source if r['setting'] == setting]
            chosen = chosen_variants(source, seeds[0])
            ran = {r['seed'] for r in study if r['setting'] == setting}
            cell = [r for r in cell_rows(source, setting, 'mfrw-mes', chosen)
                    if r['seed'] in ran]
            cells[label] = (chosen.get((setting, 'mfrw-mes')), cell)
        base = [r['val_top1'] for r in
                next(iter(cells.values()))[1]]
        for i, (label, (variant, cell)) in enumerate(cells.items()):
            val = [r['val_top1'] for r in cell]
            versus = '-' if i == 0 else (
                f'{mean_std(val)[0] - mean_std(base)[0]:+.2f}: '
                f'{_reading(base, val)}')
            lines.append(
                f'| {SETTINGS[setting].label} | {label} | {variant} | '
                f'{_fmt(val)} | {versus} | {_fmt([r["top1"] for r in cell])}'
                f' | {len(cell)} |')
    return '\n'.join(lines)


def shot_table(rows: List[dict], settings: Sequence[str],
               methods: Sequence[str], seeds: Sequence[int]) -> str:
    """Many / medium / few-shot test top-1 (mean over seeds) in the
    long-tailed settings."""
    chosen = chosen_variants(rows, seeds[0])
    lt = [s for s in settings if SETTINGS[s].long_tail]
    lines = ['| Method | ' + ' | '.join(
        f'{SETTINGS[s].label} many / med. / few' for s in lt) + ' |',
        '|---|' + '---:|' * len(lt)]
    for method in methods:
        cells = []
        for setting in lt:
            cell = cell_rows(rows, setting, method, chosen)
            if not cell:
                cells.append('-' if applies(method, setting) else 'n/a')
                continue
            shots = [shot_accuracy(r) for r in cell]
            cells.append(' / '.join(
                '-' if np.isnan(np.mean([s[g] for s in shots])) else
                f"{np.mean([s[g] for s in shots]):.1f}"
                for g in ('many', 'medium', 'few')))
        lines.append(f'| {METHODS[method].label} | ' + ' | '.join(cells) +
                     ' |')
    return '\n'.join(lines)


def time_ratio(cell: List[dict], ce: List[dict],
               key: str = 'train_s') -> float:
    """A method's time over CE's in one setting: fastest run over fastest
    run. The grid's times are wall-clock on a machine other jobs may share;
    a load can only add time, so a cell's fastest run is the best estimate
    of its time on an idle machine (a mean would mix loaded and idle
    runs)."""
    return min(r[key] for r in cell) / min(r[key] for r in ce)


def cost_table(rows: List[dict], settings: Sequence[str],
               methods: Sequence[str], seeds: Sequence[int]) -> str:
    """The wall time of a cell's fastest run (s) and its ratio to CE's
    fastest run, per setting (see :func:`time_ratio`)."""
    chosen = chosen_variants(rows, seeds[0])
    lines = ['| Method | ' + ' | '.join(SETTINGS[s].label for s in settings)
             + ' |', '|---|' + '---:|' * len(settings)]
    for method in methods:
        cells = []
        for setting in settings:
            cell = cell_rows(rows, setting, method, chosen)
            ce = cell_rows(rows, setting, 'ce', chosen)
            if not cell or not ce:
                cells.append('-' if applies(method, setting) else 'n/a')
                continue
            wall = min(r['wall_s'] for r in cell)
            ratio = time_ratio(cell, ce, 'wall_s')
            cells.append(f'{wall:.0f} s ({ratio:.2f}x)')
        lines.append(f'| {METHODS[method].label} | ' + ' | '.join(cells) +
                     ' |')
    return '\n'.join(lines)


def choice_table(rows: List[dict], settings: Sequence[str],
                 methods: Sequence[str], seeds: Sequence[int]) -> str:
    """The candidate variants' final validation top-1 at the selection seed
    and the chosen one (bold)."""
    chosen = chosen_variants(rows, seeds[0])
    lines = ['| Method | candidate | ' + ' | '.join(
        SETTINGS[s].label for s in settings) + ' |',
        '|---|---|' + '---:|' * len(settings)]
    for method in methods:
        if len(METHODS[method].variants) == 1 or \
                METHODS[method].same_choice_as:
            continue
        for variant, _ in METHODS[method].variants:
            cells = []
            for setting in settings:
                row = [r for r in rows if r['setting'] == setting and
                       r['method'] == method and r['variant'] == variant and
                       r['seed'] == seeds[0]]
                if not row:
                    cells.append('-' if applies(method, setting) else 'n/a')
                    continue
                text = f"{row[0]['val_top1']:.2f}"
                cells.append(f'**{text}**' if chosen.get(
                    (setting, method)) == variant else text)
            lines.append(f'| {METHODS[method].label} | {variant} | ' +
                         ' | '.join(cells) + ' |')
    return '\n'.join(lines)


# ----------------------------------------------------------------------
# The grid
# ----------------------------------------------------------------------
def _init_worker(threads: int, device: str) -> None:
    import torch
    if device == 'cpu':
        os.environ['CUDA_VISIBLE_DEVICES'] = ''
    torch.set_num_threads(threads)


def run_grid(settings: Sequence[str], methods: Sequence[str],
             seeds: Sequence[int], out_dir: str, workers: int = 2,
             threads: int = 1, device: str = 'cpu',
             cfg_options: Optional[dict] = None, log=print,
             wait_for_choices: bool = False) -> Tuple[Dict[str, dict], List[str]]:
    """Run every planned run that is not in ``out_dir/results.jsonl`` yet.

    ``cfg_options`` go to every run (see :func:`build_run_cfg`). Rows
    that other grid processes append to the same file (with other
    ``methods``) are read as they come; with ``wait_for_choices`` the grid
    waits for the choices those processes make instead of stopping. Runs
    go to
    ``workers`` processes (``threads`` threads each); each
    finished run appends its row to ``results.jsonl`` at once, so a stopped
    grid resumes where it was. Runs whose choice of variant or stage-1 run
    is not there yet are planned as soon as it is. A failed run is reported
    and the others go on; runs that need it are skipped.

    Returns:
        tuple: all rows by key, and the keys of the failed runs.
    """
    import time
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    os.makedirs(out_dir, exist_ok=True)
    path = osp.join(out_dir, 'results.jsonl')
    done = load_results(path)
    failed: List[str] = []
    running: Dict = {}
    # within a seed: the fast study first (the preset waits for it)
    cost = {'fast-study': 4, 'advisor': 3, 'meta': 3, 'ablation': 2,
            'baseline': 1, 'long-tail': 1, 'clean-set': 0.5}
    with ProcessPoolExecutor(workers, get_context('spawn'),
                             initializer=_init_worker,
                             initargs=(threads, device),
                             max_tasks_per_child=8) as pool:
        while True:
            # Rows other grid processes appended (choices they made).
            done.update({k: v for k, v in load_results(path).items()
                         if k not in done})
            runs, waiting = planned_runs(settings, methods, seeds, done)
            busy = {run.key for run in running.values()}
            ready = [
                run for run in runs
                if run.key not in done and run.key not in busy and
                run.key not in failed and
                (run.after is None or run.after in done)
            ]
            # Selection seed first (it unlocks the others), then what the
            # fast preset's choice needs (CE's time, the study and exact
            # MFRW-MES in its settings), then long runs first.
            ready.sort(key=lambda r: (seeds.index(r.seed),
                                      not needed_for_fast_choice(r),
                                      -cost[METHODS[r.method].family]))
            for run in ready[:max(0, workers - len(running))]:
                running[pool.submit(train_one, run, out_dir,
                                    cfg_options)] = run
            if not running:
                if not (waiting and wait_for_choices):
                    break
                time.sleep(60)  # another process is making the choices
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                run = running.pop(future)
                try:
                    row = future.result()
                except Exception as exc:  # keep the other runs going
                    failed.append(run.key)
                    log(f'{run.key} FAILED: {exc!r} (log: '
                        f'{osp.join(out_dir, "runs", run.key, "stdout.log")})')
                    continue
                done[run.key] = row
                with open(path, 'a') as f:
                    f.write(json.dumps(row) + '\n')
                log(f"{run.key}: test top-1 {row['top1']:.2f}, val "
                    f"{row['val_top1']:.2f} ({row['wall_s']} s)")
    # Runs that can never start: a stage-1 run or a choice failed.
    runs, waiting = planned_runs(settings, methods, seeds, done)
    for run in runs:
        if run.key not in done and run.key not in failed:
            failed.append(run.key)
            log(f'{run.key} SKIPPED: needs {run.after}, which ' +
                ('failed' if run.after in failed else
                 'has not run (its method is not among those given)'))
    preset_problem = fast_preset_problem(list(done.values()), seeds) \
        if any(METHODS[m].fast_preset for _, m, _ in waiting) else None
    for setting, method, seed in waiting:
        failed.append(f'{setting}/{method}/seed{seed}')
        why = (preset_problem if METHODS[method].fast_preset else None) or (
            f'a candidate variant at the selection seed {seeds[0]} failed, '
            'so none was chosen')
        log(f'{setting}/{method}/seed{seed} SKIPPED: {why}')
    return done, failed


def study_flop_ratio(method: str) -> float:
    """FLOPs of an iteration of ``method`` over CE's, for the benchmark's
    LeNet-5 (batch 128, its meta batch), counted like
    ``benchmark_meta_step.py`` does."""
    from . import step_cost
    options = dict(METHODS[method].options)
    meta_batch = options.pop('optim_wrapper.meta_dataloader.batch_size',
                             None)
    wrapper = {k.split('.', 1)[1]: v for k, v in options.items()}
    flops = {}
    for name, kind, extra in (('ce', 'ce', {}),
                              (method, 'mfrw-mes', wrapper)):
        model, optim, batch = step_cost.build('lenet5', kind,
                                              meta_batch=meta_batch,
                                              options=extra)
        flops[name] = step_cost.count_flops(model, optim, batch)
    return flops[method] / flops['ce']


def fast_study_table(rows: List[dict], seeds: Sequence[int]) -> str:
    """The fast variants of MFRW-MES against the exact step on the study's
    settings and seeds: test top-1, validation top-1, the training time
    (:func:`time_ratio`) and the FLOPs of an iteration as ratios to CE."""
    chosen = chosen_variants(rows, seeds[0])
    study = list(FAST_STUDY)
    settings = METHODS[study[0]].settings
    n = METHODS[study[0]].seeds
    lines = ['| Method | ' + ' | '.join(
        f'{SETTINGS[s].label}: test / val top-1, time x CE'
        for s in settings) + ' | FLOPs x CE |',
        '|---|' + '---:|' * (len(settings) + 1)]
    for method in ['mfrw-mes'] + study:
        cells = []
        for setting in settings:
            cell = [r for r in cell_rows(rows, setting, method, chosen)
                    if r['seed'] in seeds[:n]]
            ce = cell_rows(rows, setting, 'ce', chosen)
            if not cell or not ce:
                cells.append('-')
                continue
            ratio = time_ratio(cell, ce)
            cells.append(f"{_fmt([r['top1'] for r in cell])} / "
                         f"{_fmt([r['val_top1'] for r in cell])}, "
                         f'{ratio:.2f}x')
        flops = f'{study_flop_ratio(method):.2f}x'
        lines.append(f'| {METHODS[method].label} | ' + ' | '.join(cells) +
                     f' | {flops} |')
    return '\n'.join(lines)


def ablation_table(rows: List[dict], seeds: Sequence[int]) -> str:
    """Each method of the meta-set ablation beside the same method with the
    protocol's 10 meta images per class, on the ablation's settings and
    seeds (test top-1, mean +- std)."""
    chosen = chosen_variants(rows, seeds[0])
    ablation = [m for m, spec in METHODS.items() if spec.family == 'ablation']
    settings = METHODS[ablation[0]].settings
    n = METHODS[ablation[0]].seeds
    lines = ['| Method | meta images per class | ' + ' | '.join(
        SETTINGS[s].label for s in settings) + ' |',
        '|---|---:|' + '---:|' * len(settings)]
    for method in ablation:
        base = next(m for m, spec in METHODS.items()
                    if spec.config == METHODS[method].config
                    and spec.family in ('meta', 'advisor'))
        for name, per_class in ((base, 10), (method, 100)):
            cells = [_fmt([r['top1'] for r in cell_rows(rows, s, name, chosen)
                           if r['seed'] in seeds[:n]]) for s in settings]
            lines.append(f'| {METHODS[base].label} | {per_class} | ' +
                         ' | '.join(cells) + ' |')
    return '\n'.join(lines)


#: The fast preset's budget: training time at most this many CE's.
FAST_TIME_BUDGET = 1.5
#: The fast preset was chosen on the validation split of the study's first
#: two seeds, when the study ran at two; its third seed, run later for the
#: tables, does not reopen the choice (the preset's runs were made with it).
FAST_CHOICE_SEEDS = 2


def choose_fast_preset(rows: List[dict], seeds: Sequence[int]
                       ) -> Tuple[Optional[str], List[str]]:
    """The fast preset, chosen on the validation split.

    Among the study's variants whose training time is within
    :data:`FAST_TIME_BUDGET` x CE's (the mean over the study's settings of
    :func:`time_ratio`, fastest run over CE's fastest), the one with the
    smallest validation shortfall against exact MFRW-MES in its worse
    setting (mean final validation top-1 over the first
    :data:`FAST_CHOICE_SEEDS` seeds); the test split plays no part.

    Returns:
        tuple: the chosen method (None until every variant has run) and one
        line per variant with the figures the choice used.
    """
    chosen = chosen_variants(rows, seeds[0])
    study = list(FAST_STUDY)
    settings, n = METHODS[study[0]].settings, FAST_CHOICE_SEEDS

    def cell(method, setting):
        """The runs of the study's seeds; None until all have run."""
        runs = [r for r in cell_rows(rows, setting, method, chosen)
                if r['seed'] in seeds[:n]]
        return runs if len(runs) == n else None

    def val(method, setting):
        return statistics.mean(r['val_top1']
                               for r in cell(method, setting))

    lines, best, best_gap = [], None, None
    for method in study:
        if any(cell(m, s) is None for s in settings
               for m in (method, 'mfrw-mes', 'ce')):
            return None, lines
        gaps = [val(method, s) - val('mfrw-mes', s) for s in settings]
        ratio = statistics.mean(
            time_ratio(cell(method, s), cell('ce', s)) for s in settings)
        worst = min(gaps)
        lines.append(f'{method}: {ratio:.2f}x CE time, validation '
                     f'{worst:+.2f} against exact MFRW-MES (worse setting)')
        if ratio <= FAST_TIME_BUDGET and (best is None or worst > best_gap):
            best, best_gap = method, worst
    return best, lines
