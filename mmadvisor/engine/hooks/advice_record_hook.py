# Copyright (c) mmadvisor contributors.
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dist import collect_results, get_world_size, is_main_process
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from mmpretrain.registry import HOOKS
from ...datasets.base_wrapper import dataset_labels
from .dump_generated_hook import iter_nested_datasets

#: Version of the ``epoch_{E}.npz`` layout written by AdviceRecordHook.
RECORD_FORMAT = 1

#: Meaning of every array a record may hold (also written to the JSON).
RECORD_KEYS = {
    'sample_idx': '(N,) int64, index in the top-level training dataset; '
    'sorted, each sample once',
    'gt_label': '(N,) int64, the label trained on (possibly noisy)',
    'pre_loss': '(N,) float32, phase-1 cross-entropy of the un-masked '
    'feature',
    'pred_score': '(N, C) float32, softmax of the un-masked logits',
    's': '(N, C) float32, MES softmax weights s_k (MES only)',
    'sample_weight': '(N,) float32, MW-Net sample weight (MW-Net only)',
    'w_f': '(M, d) float32, full MFRW weights W_f of the rows w_f_rows',
    'w_f_rows': '(M,) int64, rows (not sample_idx) that have a full w_f',
    'w_f_mean': '(N,) float32, mean of W_f over its d entries',
    'w_f_std': '(N,) float32, std of W_f over its d entries',
    'w_f_proj': '(N, P) float32, (W_f - 0.5) @ w_f_proj_matrix',
    'w_f_proj_matrix': '(d, P) float32, the fixed Gaussian projection / '
    'sqrt(P)',
    'noise_flag': '(N,) bool, the given label differs from the clean one '
    '(LabelNoiseDataset in the chain only)',
    'clean_label': '(N,) int64, the clean label (LabelNoiseDataset only)',
    'img_path': '(N,) str, image file (datasets with img_path only)',
    'class_counts': '(C,) int64, training-set samples per given label '
    '(whole dataset, not just the recorded rows)',
    'clean_class_counts': '(C,) int64, the same per clean label '
    '(LabelNoiseDataset only)',
}


@HOOKS.register_module()
class AdviceRecordHook(Hook):
    """Record what the advisor advised each training sample, per epoch.

    Off unless listed in ``custom_hooks``. For each epoch of ``epochs`` it

    1. sets ``runner.optim_wrapper.record_advice = True`` before the epoch
       (and back to False after it, so other epochs cost nothing);
    2. after every iteration moves the wrapper's ``latest_advice`` to the CPU,
       keeping full ``W_f`` vectors only for the rows described below;
    3. after the epoch gathers the parts of all ranks on rank 0
       (:func:`mmengine.dist.collect_results`, CPU mode), keeps the first
       occurrence of every ``sample_idx`` (``DefaultSampler`` pads the last
       batch by repeating samples) and sorts by ``sample_idx``;
    4. adds what the training dataset knows about each sample: the noise
       flag and clean label when a :class:`LabelNoiseDataset` is in the
       wrapper chain, the ``img_path`` when the items have one, and the
       class counts of the whole training set;
    5. writes ``{out_dir}/epoch_{E}.npz`` (arrays, loadable with
       ``np.load`` without pickle) and ``epoch_{E}.json`` (epoch, number of
       samples and classes, feature size, class names, the run's config
       file, and the shape, dtype and meaning of every array).

    Arrays of ``epoch_{E}.npz`` (``N`` recorded samples, ``C`` classes,
    ``d`` feature size): ``sample_idx``, ``gt_label``, ``pre_loss``,
    ``pred_score`` (N, C), ``s`` (N, C, MES only), ``sample_weight``
    (MW-Net only), the ``W_f`` arrays (MFRW only, see below),
    ``noise_flag`` / ``clean_label`` / ``clean_class_counts`` (known noise
    only), ``img_path`` (file datasets only) and ``class_counts`` (C,).
    :data:`RECORD_KEYS` describes each; ``docs/advice_records.md`` too.

    ``W_f`` is (N, d): too big to keep for every sample of a large dataset
    with a wide feature. When ``d <= max_full_dims`` or ``full_vectors`` is
    negative, the full vectors of all samples are stored (``w_f``, with
    ``w_f_rows = arange(N)``). Otherwise only ``full_vectors`` samples,
    drawn once per run with ``seed`` from the whole dataset, keep the full
    vector (``w_f`` of shape (M, d) for the rows ``w_f_rows``), and every
    sample keeps a compact summary: ``w_f_mean``, ``w_f_std`` and
    ``w_f_proj = (W_f - 0.5) @ R``, a fixed Gaussian random projection
    ``R`` of shape (d, ``proj_dims``) scaled by ``1/sqrt(proj_dims)``
    (stored as ``w_f_proj_matrix``), which keeps distances between
    ``W_f`` vectors approximately (Johnson-Lindenstrauss). The summary is
    stored in both cases.

    Args:
        epochs (Sequence[int], optional): 1-based epochs to record. Defaults
            to the last epoch.
        full_vectors (int): Samples that keep the full ``W_f`` when
            ``d > max_full_dims``; negative for all. Defaults to 256.
        max_full_dims (int): Feature sizes up to which every sample keeps
            its full ``W_f``. Defaults to 256.
        proj_dims (int): Size of the random projection. Defaults to 16.
        seed (int): Seed of the projection and of the full-vector subset.
            Defaults to 0.
        out_dir (str, optional): Where to write. Defaults to
            ``{work_dir}/advice``.
    """

    priority = 'LOW'

    def __init__(self,
                 epochs: Optional[Sequence[int]] = None,
                 full_vectors: int = 256,
                 max_full_dims: int = 256,
                 proj_dims: int = 16,
                 seed: int = 0,
                 out_dir: Optional[str] = None) -> None:
        if epochs is not None:
            epochs = [epochs] if isinstance(epochs, int) else list(epochs)
            bad = [e for e in epochs if not isinstance(e, int) or e < 1]
            if bad or not epochs:
                raise ValueError(
                    f'epochs={epochs!r} must be a non-empty list of 1-based '
                    'epoch numbers, e.g. [10, 20, 30]; None records the last.')
        if not isinstance(proj_dims, int) or proj_dims < 1:
            raise ValueError(f'proj_dims={proj_dims!r} must be a positive '
                             'integer, e.g. 16.')
        self.epochs = epochs
        self.full_vectors = int(full_vectors)
        self.max_full_dims = int(max_full_dims)
        self.proj_dims = proj_dims
        self.seed = seed
        self.out_dir = out_dir
        self._recording = False
        self._parts: List[Dict[str, np.ndarray]] = []
        self._proj: Optional[np.ndarray] = None
        self._full_set: Optional[np.ndarray] = None
        self._sample_info: Optional[Dict[str, np.ndarray]] = None

    # ----------------------------------------------------------------- hooks
    def before_train(self, runner) -> None:
        """Check the optim wrapper and the loop; resolve the epochs."""
        from mmadvisor.engine.optimizers import MetaOptimWrapper
        if not isinstance(runner.optim_wrapper, MetaOptimWrapper):
            raise TypeError(
                'AdviceRecordHook records the advice of a MetaOptimWrapper, '
                f'but runner.optim_wrapper is a '
                f'{type(runner.optim_wrapper).__name__}: train with '
                "optim_wrapper=dict(type='MetaOptimWrapper', ...) and an "
                'AdvisorClassifier, or drop the hook from custom_hooks.')
        if isinstance(runner.train_loop, IterBasedTrainLoop):
            raise TypeError(
                'AdviceRecordHook records whole epochs; it needs an '
                'epoch-based train loop (train_cfg.by_epoch=True).')
        if self.epochs is None:
            self.epochs = [runner.max_epochs]
        late = [e for e in self.epochs if e > runner.max_epochs]
        if late:
            runner.logger.warning(
                f'AdviceRecordHook: epochs {late} are after the last epoch '
                f'({runner.max_epochs}) and will not be recorded.')

    def before_train_epoch(self, runner) -> None:
        self._recording = runner.epoch + 1 in self.epochs
        self._parts = []
        runner.optim_wrapper.record_advice = self._recording
        runner.optim_wrapper.latest_advice = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self._recording:
            return
        advice = runner.optim_wrapper.latest_advice
        runner.optim_wrapper.latest_advice = None
        if advice is None:
            return
        self._parts.append(self._compact(runner, advice))

    def after_train_epoch(self, runner) -> None:
        if not self._recording:
            return
        runner.optim_wrapper.record_advice = False
        self._recording = False
        parts = collect_results([self._parts], get_world_size(), 'cpu')
        self._parts = []
        if not is_main_process():
            return
        record = self._merge([p for rank in parts for p in rank])
        path = self._save(runner, record, runner.epoch + 1)
        runner.logger.info(
            f'AdviceRecordHook: saved the advice of '
            f'{len(record["sample_idx"])} samples to {path}')

    # --------------------------------------------------------------- helpers
    def _compact(self, runner, advice: Dict[str, torch.Tensor]
                 ) -> Dict[str, np.ndarray]:
        """One batch to numpy, with ``W_f`` summarised."""
        out = {k: v.detach().cpu().numpy() for k, v in advice.items()}
        idx = out['sample_idx'].astype(np.int64)
        if (idx < 0).any():
            raise ValueError(
                'AdviceRecordHook: a training sample has no sample_idx in '
                'its metainfo (got -1); the training dataset must set '
                "data_info['sample_idx'] (MMPretrain datasets do).")
        out['sample_idx'] = idx
        w_f = out.pop('w_f', None)
        if w_f is not None:
            w_f = w_f.astype(np.float32)
            d = w_f.shape[1]
            if self._proj is None:
                rng = np.random.default_rng(self.seed)
                self._proj = (rng.standard_normal((d, self.proj_dims)) /
                              np.sqrt(self.proj_dims)).astype(np.float32)
                self._full_set = self._choose_full(runner, d)
            out['w_f_mean'] = w_f.mean(axis=1)
            out['w_f_std'] = w_f.std(axis=1)
            out['w_f_proj'] = (w_f - 0.5) @ self._proj
            keep = np.ones(len(idx), bool) if self._full_set is None \
                else np.isin(idx, self._full_set)
            out['w_f'] = w_f[keep]
            out['w_f_keep'] = keep
        return out

    def _choose_full(self, runner, d: int) -> Optional[np.ndarray]:
        """``sample_idx`` of the full-``W_f`` subset; None means all."""
        if d <= self.max_full_dims or self.full_vectors < 0:
            return None
        n = len(runner.train_dataloader.dataset)
        rng = np.random.default_rng(self.seed + 1)
        return np.sort(
            rng.choice(n, min(self.full_vectors, n), replace=False))

    @staticmethod
    def _merge(parts: List[Dict[str, np.ndarray]]) -> Dict[str, np.ndarray]:
        """Concatenate batches, keep each sample's first occurrence, sort."""
        if not parts:
            raise RuntimeError(
                'AdviceRecordHook: no advice was recorded this epoch; is '
                'the MetaOptimWrapper driving the training step?')
        keys = [k for k in parts[0] if k not in ('w_f', 'w_f_keep')]
        cat = {k: np.concatenate([p[k] for p in parts]) for k in keys}
        idx = cat['sample_idx']
        _, first = np.unique(idx, return_index=True)  # sorted by idx
        record = {k: v[first] for k, v in cat.items()}
        if 'w_f_keep' in parts[0]:
            keep = np.concatenate([p['w_f_keep'] for p in parts])
            # row of each kept W_f in `cat`, then in `record`
            kept_rows = np.flatnonzero(keep)
            full = np.concatenate([p['w_f'] for p in parts])
            pos = np.full(len(idx), -1, np.int64)
            pos[kept_rows] = np.arange(len(kept_rows))
            sel = pos[first]
            rows = np.flatnonzero(sel >= 0)
            record['w_f'] = full[sel[rows]]
            record['w_f_rows'] = rows.astype(np.int64)
        return record

    def _dataset_info(self, runner) -> Dict[str, np.ndarray]:
        """Per-sample facts of the whole training set (computed once)."""
        if self._sample_info is not None:
            return self._sample_info
        dataset = runner.train_dataloader.dataset
        info: Dict[str, np.ndarray] = {}
        labels = dataset_labels(dataset) if hasattr(
            dataset, 'get_gt_labels') else None
        noise = [ds for _, ds in iter_nested_datasets(dataset)
                 if hasattr(ds, 'noise_flags')]
        n = len(dataset)
        if noise and noise[0] is dataset:
            # the common case, vectorised
            info['noise_flag'] = np.asarray(dataset.noise_flags, bool)
            info['clean_label'] = np.asarray(dataset.clean_labels, np.int64)
        first = dataset.get_data_info(0) if n else {}
        per_item = [k for k in ('noise_flag', 'clean_label', 'img_path')
                    if k in first and k not in info]
        if per_item:
            items = [dataset.get_data_info(i) for i in range(n)]
            for key in per_item:
                info[key] = np.asarray([it[key] for it in items])
            if labels is None:
                labels = np.asarray([int(it['gt_label']) for it in items])
        if 'noise_flag' in info:
            info['noise_flag'] = info['noise_flag'].astype(bool)
            info['clean_label'] = info['clean_label'].astype(np.int64)
        if labels is not None:
            info['gt_label_all'] = labels
        self._sample_info = info
        return info

    def _save(self, runner, record: Dict[str, np.ndarray], epoch: int) -> str:
        info = self._dataset_info(runner)
        idx = record['sample_idx']
        num_classes = record['pred_score'].shape[1]
        for key in ('noise_flag', 'clean_label', 'img_path'):
            if key in info:
                record[key] = info[key][idx]
        if 'gt_label_all' in info:
            record['class_counts'] = np.bincount(
                info['gt_label_all'], minlength=num_classes).astype(np.int64)
        else:  # only the recorded samples are known
            record['class_counts'] = np.bincount(
                record['gt_label'], minlength=num_classes).astype(np.int64)
        if 'clean_label' in info:
            record['clean_class_counts'] = np.bincount(
                info['clean_label'], minlength=num_classes).astype(np.int64)
        if 'w_f_rows' in record:
            record['w_f_proj_matrix'] = self._proj
        out_dir = self.out_dir or osp.join(runner.work_dir, 'advice')
        os.makedirs(out_dir, exist_ok=True)
        stem = osp.join(out_dir, f'epoch_{epoch}')
        np.savez(stem + '.npz', **record)
        cfg_file = getattr(runner.cfg, 'filename', None)
        meta = dict(
            format=RECORD_FORMAT,
            epoch=epoch,
            iteration=runner.iter,
            num_samples=int(len(idx)),
            dataset_size=int(len(runner.train_dataloader.dataset)),
            num_classes=int(num_classes),
            feat_dim=int(record['w_f'].shape[1]) if 'w_f' in record else None,
            classes=list(runner.train_dataloader.dataset.metainfo.get(
                'classes') or []),
            config=osp.basename(cfg_file) if cfg_file else None,
            world_size=get_world_size(),
            w_f_policy=dict(
                full_vectors=self.full_vectors,
                max_full_dims=self.max_full_dims,
                proj_dims=self.proj_dims,
                seed=self.seed),
            arrays={
                k: dict(shape=list(v.shape), dtype=str(v.dtype),
                        meaning=RECORD_KEYS.get(k, ''))
                for k, v in record.items()
            })
        with open(stem + '.json', 'w') as f:
            json.dump(meta, f, indent=2)
        return stem + '.npz'
