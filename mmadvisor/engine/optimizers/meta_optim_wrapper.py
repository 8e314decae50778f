"""The bilevel advisor step, thesis sections 2.4.4 and 3.4.4."""
import contextlib
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.distributed as torch_dist
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_rank, get_world_size, is_distributed
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPERS
from torch.autograd import forward_ad
from torch.func import functional_call
from torch.profiler import record_function
from torch.optim import Optimizer
from torch.utils.data import DataLoader

from ...datasets.base_wrapper import dataset_labels
from .virtual_step import (flatten, sgd_hparams, unflatten, virtual_sgd_step,
                           virtual_step_slope)

AMP_DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}
META_GRADIENTS = ('forward', 'double_backward')


class _TrainBatch(NamedTuple):
    """What phase 1 computed on the training batch, for phases 2-4."""
    inputs: torch.Tensor
    feats: torch.Tensor
    labels: torch.Tensor
    pre_loss: torch.Tensor
    beta: Optional[torch.Tensor]
    pre_logits: torch.Tensor
    samples: list


class _FeatureExtractor(nn.Module):
    """``head.pre_logits(extract_feat(x))`` as a module's forward."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model.head.pre_logits(self.model.extract_feat(inputs))


@OPTIM_WRAPPERS.register_module()
class MetaOptimWrapper(OptimWrapper):
    r"""Trains a classifier and its advisor jointly, one bilevel step a batch.

    Each training iteration runs the four phases of section 3.4.4 in
    :meth:`meta_step`, which reads top to bottom as the thesis:

    1. **loss pre-calculation**: :math:`\mathcal{L}^{pre}` of the training
       batch from the un-masked feature, without gradient;
    2. **virtual train**: a differentiable SGD step of backbone + classifier
       (eq. 2.3) on the advised loss,
       :math:`\hat{w}(\theta) = w - \alpha \nabla_w \mathcal{L}^{train}(w,
       \Psi(f, \mathcal{L}^{pre}; \theta))`; the advisor is not updated;
    3. **meta train**: the cross-entropy of the virtual classifier
       :math:`\Phi(\cdot; \hat{w}(\theta))` on a clean, balanced meta batch
       (un-masked features) is differentiated with respect to the advisor
       only, and ``meta_optimizer`` (Adam, lr 1e-4) takes a step (eq. 2.4);
    4. **actual train**: the real step of backbone + classifier with the
       updated advisor's advice (eq. 2.5).

    Work the phases share is done once: phases 1, 2 and 4 all start from the
    backbone features of the same parameters ``w`` on the same batch, so one
    forward pass serves the three (its graph is kept for phase 4). This is
    the thesis' algorithm exactly, with one batch-norm statistics update per
    iteration instead of one per phase. The meta forward of phase 3 runs on
    copies of the buffers, so the meta set never enters the running
    statistics. The advisor's gradient :math:`\partial \mathcal{L}^{meta}
    (\hat{w}(\theta)) / \partial \theta` is formed either by
    differentiating through the virtual step's graph
    (``meta_gradient='double_backward'``) or, by default, with one
    forward-mode product of the backbone (``'forward'``,
    :meth:`_meta_gradient_forward`): the same value, without a backward pass
    through a backward pass.

    Distributed training (:class:`MetaDistributedDataParallel`, any number
    of processes) synchronises, at each step:

    - buffers: averaged after the step (floating point, e.g. batch-norm
      running statistics) or taken from rank 0 (integers), so that every
      rank holds identical buffers at every iteration boundary;
    - phase 2: the virtual gradient is averaged over ranks
      (``sync_virtual_step=True``; a differentiable all-reduce under
      ``meta_gradient='double_backward'``), so every rank builds the same
      virtual model, the one a single process would build from the whole
      global batch;
    - phase 3: each rank draws its own slice of the meta batch
      (:class:`MetaSampler`); under ``'forward'`` the meta loss's gradient
      at the virtual model is averaged before each rank forms its part of
      the advisor's gradient (see :meth:`_meta_gradient_forward`); the
      advisor's meta-gradients are averaged;
    - phase 4: the classifier gradients are averaged, as DDP would.

    With ``sync_virtual_step=False`` each rank takes the virtual step on its
    local batch only (no all-reduce of a parameter-sized vector with a graph
    in phase 2), which is cheaper but no longer equal to the single-process
    step on the global batch.

    Args:
        optimizer (Optimizer): Optimizer of the classifier (everything but
            the advisor). Built by :class:`MetaOptimWrapperConstructor`.
        meta_optimizer (Optimizer): Optimizer of the advisor.
        meta_dataloader (dict | DataLoader): The clean, balanced meta set.
            A config is built with ``Runner.build_dataloader`` on first use;
            its sampler must be a :class:`MetaSampler` (the default).
        mirror_optimizer (bool): Take the virtual step with the real SGD's
            momentum and weight decay instead of plain gradient descent.
            Defaults to False (eq. 2.3).
        advisor_interval (int): Run phases 2-3 (meta-update the advisor)
            every ``advisor_interval`` iterations; in the others, phase 4
            uses the current advisor. Defaults to 1 (the thesis).
        virtual_params (Sequence[str], optional): Name prefixes of the
            parameters the virtual step updates (e.g. ``['backbone.layer4',
            'head.fc']``); the rest are held at ``w`` in the virtual model,
            which shortens the second-order backward (FaMUS-style layer
            selection). ``None`` means every trainable parameter (the
            thesis). Defaults to None.
        sync_virtual_step (bool): See above. Defaults to True.
        meta_gradient (str): How phase 3 forms the advisor's gradient, both
            exact: ``'double_backward'`` differentiates the meta loss
            through the virtual step's graph (the literal form of eq. 2.4);
            ``'forward'`` (default) uses one Jacobian-vector product of the
            backbone instead (see :meth:`_meta_gradient_forward`), which
            skips the backward-of-backward pass: same values up to float
            rounding, less time and memory.
        amp (bool | str): Mixed precision for the forward passes:
            ``False``, ``True`` (bfloat16 on CPU and on GPUs that support it,
            float16 otherwise), ``'bfloat16'`` or ``'float16'``. float16
            uses dynamic loss scaling for the virtual, meta and actual
            gradients. Defaults to False.
        loss_scale (float): Initial scale for float16. Defaults to 2**16.
        **kwargs: ``clip_grad`` of :class:`OptimWrapper`.
    """

    def __init__(self,
                 optimizer: Optimizer,
                 meta_optimizer: Optimizer,
                 meta_dataloader: Union[dict, DataLoader, None] = None,
                 mirror_optimizer: bool = False,
                 advisor_interval: int = 1,
                 virtual_params: Optional[Sequence[str]] = None,
                 sync_virtual_step: bool = True,
                 meta_gradient: str = 'forward',
                 amp: Union[bool, str] = False,
                 loss_scale: float = 2.0**16,
                 accumulative_counts: int = 1,
                 **kwargs) -> None:
        if not isinstance(meta_optimizer, Optimizer):
            raise TypeError(
                'MetaOptimWrapper needs a built meta_optimizer over the '
                f'advisor parameters, got {type(meta_optimizer).__name__}: '
                "add constructor='MetaOptimWrapperConstructor' to the "
                'optim_wrapper config.')
        if accumulative_counts != 1:
            raise ValueError(
                f'accumulative_counts={accumulative_counts}: gradient '
                'accumulation is not defined for the bilevel step (each '
                'virtual step needs the full batch gradient); use 1 and a '
                'larger batch.')
        if not isinstance(advisor_interval, int) or advisor_interval < 1:
            raise ValueError(f'advisor_interval={advisor_interval} must be a '
                             'positive integer (1 = every iteration).')
        if meta_gradient not in META_GRADIENTS:
            raise ValueError(f"meta_gradient='{meta_gradient}' must be one of "
                             f'{META_GRADIENTS}.')
        if meta_dataloader is None:
            raise ValueError(
                'MetaOptimWrapper needs meta_dataloader: the clean, balanced '
                'meta set the advisor is meta-trained on. Add to the '
                'optim_wrapper config e.g. meta_dataloader=dict(batch_size=..., '
                "dataset=dict(type='MetaSplit', split='meta', "
                "num_per_class=10, dataset=...), sampler=dict(type="
                "'MetaSampler')).")
        super().__init__(optimizer=optimizer, **kwargs)
        self.meta_optimizer = meta_optimizer
        self._meta_dataloader_cfg = meta_dataloader
        self._meta_dataloader: Optional[DataLoader] = \
            meta_dataloader if isinstance(meta_dataloader, DataLoader) \
            else None
        self.mirror_optimizer = mirror_optimizer
        self.advisor_interval = advisor_interval
        self.virtual_params = tuple(virtual_params) \
            if virtual_params is not None else None
        self.sync_virtual_step = sync_virtual_step
        self.meta_gradient = meta_gradient
        self.amp_dtype = self._parse_amp(amp)
        self.scaler = torch.amp.GradScaler(
            'cuda' if torch.cuda.is_available() else 'cpu',
            init_scale=loss_scale) \
            if self.amp_dtype is torch.float16 else None
        self.num_steps = 0
        self.meta_consumed = 0
        self.record_advice = False
        self.latest_advice: Optional[Dict[str, torch.Tensor]] = None
        self._meta_iter = None
        self._meta_set_checked = False
        self._device_type = 'cpu'
        self._generator: Optional[torch.Generator] = None
        self._generator_state: Optional[torch.Tensor] = None

    # ------------------------------------------------------------------
    # The bilevel step
    # ------------------------------------------------------------------
    def meta_step(self, model: nn.Module, data: dict) -> Dict[str, float]:
        """One training iteration of classifier and advisor (section 3.4.4).

        Args:
            model (nn.Module): An image classifier with an advisor head
                (:class:`AdvisorClassifier` + :class:`AdvisorHead`), not
                wrapped.
            data (dict): A training batch from the dataloader.

        Returns:
            dict: Values to log.
        """
        head = model.head
        inputs, labels, samples = self._unpack(model, data, True)
        self._device_type = inputs.device.type
        update_advisor = self.num_steps % self.advisor_interval == 0

        # Phase 1: loss pre-calculation (one backbone forward for 1, 2, 4).
        with self._autocast(), record_function('advisor/1_pre_calculation'):
            feats = head.pre_logits(model.extract_feat(inputs))
            self._check_features(head, feats)
            pre_loss, pre_logits = head.pre_loss(feats, labels)
        beta = head.sample_beta(pre_logits, self._beta_generator(inputs))
        batch = _TrainBatch(inputs, feats, labels, pre_loss, beta, pre_logits,
                            samples)
        log_vars = dict(loss_pre=pre_loss.mean().item())
        if update_advisor:
            # Phase 2: virtual train.
            with record_function('advisor/2_virtual_train'):
                virtual = self.virtual_train(model, batch)
            # Phase 3: meta train.
            if virtual is not None:
                with record_function('advisor/3_meta_train'):
                    log_vars['loss_meta'] = self.meta_train(
                        model, *virtual, batch)
        # Phase 4: actual train.
        with record_function('advisor/4_actual_train'):
            log_vars.update(self.actual_train(model, batch))
        self._sync_buffers(model)
        self.num_steps += 1
        return log_vars

    def virtual_train(self, model: nn.Module, batch: '_TrainBatch'
                      ) -> Optional[Tuple[Dict[str, torch.Tensor], dict]]:
        r"""Phase 2: the virtual parameters :math:`\hat{w}(\theta)`.

        ``meta_gradient='double_backward'`` keeps the graph from
        :math:`\theta` to :math:`\hat{w}`; ``'forward'`` takes a
        first-order step (the meta-gradient is then formed in phase 3).

        Returns:
            tuple | None: the virtual parameters by name and the step's
            hyper-parameters, or ``None`` (skip the meta update) when
            float16 gradients overflow.
        """
        head = model.head
        with self._autocast():
            advice = head.advise(batch.feats, batch.pre_loss)
            loss = head.advised_loss(batch.feats, batch.labels, advice,
                                     batch.beta)
        self._check_finite(loss, 'virtual-train loss')
        names, params = self._virtual_parameters(model)
        double = self.meta_gradient == 'double_backward'
        grads = torch.autograd.grad(
            self._scale(loss),
            params,
            create_graph=double,
            retain_graph=True,
            allow_unused=True)
        grads = [
            torch.zeros_like(p) if g is None else g / self._loss_scale()
            for p, g in zip(params, grads)
        ]
        if self.scaler is not None and not all(
                torch.isfinite(g).all() for g in grads):
            return None
        if self.sync_virtual_step and self._world_size() > 1:
            grads = _all_reduce_mean_differentiable(grads) if double \
                else _all_reduce_mean(grads)
        hparams = sgd_hparams(self.optimizer,
                              {id(p): n
                               for n, p in zip(names, params)},
                              self.mirror_optimizer)
        current = dict(zip(names, params)) if double else {
            n: p.detach()
            for n, p in zip(names, params)
        }
        virtual = virtual_sgd_step(current, dict(zip(names, grads)), hparams,
                                   self.mirror_optimizer)
        return virtual, hparams

    def meta_train(self, model: nn.Module, virtual: Dict[str, torch.Tensor],
                   hparams: dict, batch: '_TrainBatch') -> float:
        """Phase 3: update the advisor on a meta batch; returns its loss."""
        inputs, labels, _ = self._unpack(model, self._next_meta_batch(), False)
        double = self.meta_gradient == 'double_backward'
        if not double:
            virtual = {
                n: w.detach().requires_grad_()
                for n, w in virtual.items()
            }
        # Copies of the buffers: the virtual model's batch-norm statistics
        # must not leak into the real model.
        buffers = {n: b.clone() for n, b in model.named_buffers()}
        with self._autocast():
            logits = functional_call(
                model, {
                    **virtual,
                    **buffers
                }, (inputs, ), dict(mode='tensor'),
                strict=False)
        loss = F.cross_entropy(logits.float(), labels)
        self._check_finite(loss, 'meta loss')
        advisor_params = self._advisor_parameters()
        if double:
            grads = torch.autograd.grad(
                self._scale(loss),
                advisor_params,
                retain_graph=True,
                allow_unused=True)
            grads = [
                None if g is None else g / self._loss_scale() for g in grads
            ]
        else:
            grads = self._meta_gradient_forward(model, loss, virtual,
                                                hparams, batch,
                                                advisor_params)
        grads = [
            torch.zeros_like(p) if g is None else g
            for p, g in zip(advisor_params, grads)
        ]
        if self._world_size() > 1:
            grads = _all_reduce_mean(grads)
        if self.scaler is None or all(torch.isfinite(g).all() for g in grads):
            for param, grad in zip(advisor_params, grads):
                param.grad = grad
            self.meta_optimizer.step()
        self.meta_optimizer.zero_grad(set_to_none=True)
        return loss.item()

    def _meta_gradient_forward(self, model: nn.Module, meta_loss: torch.Tensor,
                               virtual: Dict[str, torch.Tensor],
                               hparams: dict, batch: '_TrainBatch',
                               advisor_params: List[torch.Tensor]) -> list:
        r"""The meta-gradient without differentiating through the backbone's
        backward pass.

        With :math:`v = \nabla_{\hat{w}} \mathcal{L}^{meta}` and
        :math:`\hat{w} = w - c\,\alpha\, g(\theta)` (``c`` = the slope of
        the virtual step in ``g``, 1 for eq. 2.3),

        .. math::
            \nabla_\theta \mathcal{L}^{meta} = \nabla_\theta
            \big\langle g(\theta), -c\,\alpha\, v \big\rangle
            = \nabla_\theta \Big( \big\langle
            \tfrac{\partial H}{\partial f}, \dot{f} \big\rangle +
            \big\langle \tfrac{\partial H}{\partial w_c}, t_c
            \big\rangle \Big),

        where :math:`t = -c\,\alpha\, v`, :math:`H(f, w_c, \theta)` is the
        advised training loss as a function of the features and the head
        (the advisor sees ``f`` detached, so :math:`\theta` enters only
        there) and :math:`\dot{f} = J_f(w_b)\, t_b` is the change of the
        training features along the backbone part of ``t``: one
        forward-mode pass (a Jacobian-vector product) instead of a backward
        pass through the graph of a backward pass. Exact, like the
        double-backward form; cheaper in time and memory.
        """
        names = list(virtual)
        v = torch.autograd.grad(
            self._scale(meta_loss), [virtual[n] for n in names],
            allow_unused=True)
        v = [
            torch.zeros_like(virtual[n]) if g is None else g /
            self._loss_scale() for n, g in zip(names, v)
        ]
        if self.scaler is not None and not all(
                torch.isfinite(g).all() for g in v):
            return [None] * len(advisor_params)
        if self.sync_virtual_step and self._world_size() > 1:
            v = _all_reduce_mean(v)
        tangents = {
            n: -virtual_step_slope(hparams[n], self.mirror_optimizer) * g
            for n, g in zip(names, v)
        }
        head_names = [n for n in names if n.startswith('head.')]
        body = {n: t for n, t in tangents.items() if n not in head_names}
        f_dot = self._feature_jvp(model, batch.inputs, body) if body else None

        head = model.head
        feats = batch.feats.detach().requires_grad_(f_dot is not None)
        with self._autocast():
            advice = head.advise(feats, batch.pre_loss)
            loss = head.advised_loss(feats, batch.labels, advice, batch.beta)
        named = dict(model.named_parameters())
        wrt = ([feats] if f_dot is not None else []) + [
            named[n] for n in head_names
        ]
        directions = ([f_dot] if f_dot is not None else []) + [
            tangents[n] for n in head_names
        ]
        partials = torch.autograd.grad(
            loss, wrt, create_graph=True, allow_unused=True)
        phi = sum((d * t).sum() for d, t in zip(partials, directions)
                  if d is not None)
        if not torch.is_tensor(phi) or not phi.requires_grad:
            return [None] * len(advisor_params)
        return list(
            torch.autograd.grad(phi, advisor_params, allow_unused=True))

    def _feature_jvp(self, model: nn.Module, inputs: torch.Tensor,
                     tangents: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Forward-mode derivative of the features along ``tangents``."""
        extractor = _FeatureExtractor(model)
        with torch.no_grad(), forward_ad.dual_level():
            params = {
                f'model.{n}': forward_ad.make_dual(p.detach(), tangents[n])
                for n, p in model.named_parameters() if n in tangents
            }
            buffers = {
                f'model.{n}': b.clone()
                for n, b in model.named_buffers()
            }
            with self._autocast():
                out = functional_call(
                    extractor, {
                        **params,
                        **buffers
                    }, (inputs, ), strict=False)
            tangent = forward_ad.unpack_dual(out).tangent
        return torch.zeros_like(out) if tangent is None else tangent

    def actual_train(self, model: nn.Module,
                     batch: '_TrainBatch') -> Dict[str, float]:
        """Phase 4: the real step of the classifier with the new advice."""
        with self._autocast():
            with torch.no_grad():
                advice = model.head.advise(batch.feats, batch.pre_loss)
            loss = model.head.advised_loss(batch.feats, batch.labels, advice,
                                           batch.beta)
        self._check_finite(loss, 'training loss')
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self._sync_grads(model)
            self.scaler.unscale_(self.optimizer)
            if self.clip_grad_kwargs:
                self._clip_grad()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self._sync_grads(model)
            self.step()
        self.zero_grad()
        if self.record_advice:
            self.latest_advice = dict(
                sample_idx=torch.tensor(
                    [s.metainfo.get('sample_idx', -1) for s in batch.samples]),
                gt_label=batch.labels.detach(),
                pre_loss=batch.pre_loss.detach(),
                pred_score=batch.pre_logits.detach().float().softmax(dim=1),
                **{k: v.detach().float()
                   for k, v in advice.items() if v is not None})
        log_vars = dict(loss=loss.item())
        for key, value in advice.items():
            if value is not None:
                log_vars[f'advice_{key}'] = value.float().mean().item()
        return log_vars

    # ------------------------------------------------------------------
    # Meta set
    # ------------------------------------------------------------------
    @property
    def meta_dataloader(self) -> DataLoader:
        """The meta-set dataloader (built from its config on first use)."""
        if self._meta_dataloader is None:
            from mmengine.runner import Runner
            cfg = dict(self._meta_dataloader_cfg)
            sampler = dict(cfg.get('sampler') or dict(type='MetaSampler'))
            if sampler.get('type') not in ('MetaSampler', 'mmpretrain.'
                                           'MetaSampler'):
                raise ValueError(
                    f"meta_dataloader.sampler.type='{sampler.get('type')}': "
                    'the meta set is drawn every iteration from an endless, '
                    "resumable stream; use dict(type='MetaSampler', "
                    'shuffle=True, seed=...).')
            cfg['sampler'] = sampler
            self._meta_dataloader = Runner.build_dataloader(cfg)
        return self._meta_dataloader

    def _next_meta_batch(self) -> dict:
        loader = self.meta_dataloader
        if self._meta_iter is None:
            loader.sampler.set_start(self.meta_consumed)
            self._meta_iter = iter(loader)
        batch = next(self._meta_iter)
        self.meta_consumed += len(batch['data_samples'])
        return batch

    def check_meta_set(self, num_classes: int) -> None:
        """Fail early if the meta set cannot teach every class of the head.

        Raises:
            ValueError: The meta set lacks a class, has labels outside the
                head, or declares another number of classes.
        """
        dataset = self.meta_dataloader.dataset
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
        self._meta_set_checked = True

    # ------------------------------------------------------------------
    # State (saved in the checkpoint under 'optimizer', restored on resume)
    # ------------------------------------------------------------------
    def state_dict(self) -> dict:
        state = dict(
            optimizer=self.optimizer.state_dict(),
            meta_optimizer=self.meta_optimizer.state_dict(),
            meta_consumed=self.meta_consumed,
            num_steps=self.num_steps)
        if self.scaler is not None:
            state['loss_scaler'] = self.scaler.state_dict()
        if self._generator is not None:
            state['beta_rng'] = self._generator.get_state()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        if 'meta_optimizer' not in state_dict:
            raise KeyError(
                'this optimizer state has no meta_optimizer: it was not saved '
                'by MetaOptimWrapper. To start an advisor run from a plain '
                'checkpoint use load_from=CKPT (weights only), not resume.')
        self.optimizer.load_state_dict(state_dict['optimizer'])
        self.meta_optimizer.load_state_dict(state_dict['meta_optimizer'])
        self.meta_consumed = int(state_dict['meta_consumed'])
        self.num_steps = int(state_dict['num_steps'])
        if self.scaler is not None and 'loss_scaler' in state_dict:
            self.scaler.load_state_dict(state_dict['loss_scaler'])
        self._generator_state = state_dict.get('beta_rng')
        self._generator = None
        self._meta_iter = None  # restart the meta stream where it was

    def get_lr(self) -> Dict[str, List[float]]:
        lr = super().get_lr()
        lr['meta_lr'] = [g['lr'] for g in self.meta_optimizer.param_groups]
        return lr

    def update_params(self, loss: torch.Tensor, *args, **kwargs) -> None:
        raise RuntimeError(
            'MetaOptimWrapper.update_params was called with a plain loss, '
            'outside the bilevel step, so the advisor would be skipped. The '
            'model must be an AdvisorClassifier (its train_step calls '
            'meta_step); under distributed training set '
            "model_wrapper_cfg=dict(type='mmpretrain."
            "MetaDistributedDataParallel').")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def prepare(self, model: nn.Module) -> None:
        """Checks run once, before the first step."""
        if not self._meta_set_checked:
            self.check_meta_set(model.head.num_classes)

    def _beta_generator(self, inputs: torch.Tensor) -> torch.Generator:
        """The generator of the MES draws, saved with the state.

        Seeded from the run's seed and the rank, so that a resumed run draws
        exactly what the uninterrupted one would have.
        """
        if self._generator is None:
            self._generator = torch.Generator(device=inputs.device)
            if self._generator_state is not None:
                self._generator.set_state(self._generator_state)
            else:
                rank = get_rank() if is_distributed() else 0
                self._generator.manual_seed(
                    (torch.initial_seed() + rank) % 2**63)
        return self._generator

    def _unpack(self, model: nn.Module, data: dict,
                training: bool) -> Tuple[torch.Tensor, torch.Tensor, list]:
        # Batch augmentations (mixup...) apply to the training batch only.
        data = model.data_preprocessor(data, training)
        samples = data['data_samples']
        if 'gt_score' in samples[0] and 'gt_label' not in samples[0]:
            raise ValueError(
                'the advisor needs hard labels, but the data samples carry '
                'only gt_score (batch augmentation such as mixup/cutmix): '
                'remove train_cfg.augments from the model config.')
        labels = torch.cat([s.gt_label for s in samples]).to(
            data['inputs'].device)
        return data['inputs'], labels, samples

    def _check_features(self, head: nn.Module, feats: torch.Tensor) -> None:
        if feats.dim() != 2 or feats.size(1) != head.in_channels:
            raise ValueError(
                f'AdvisorHead(in_channels={head.in_channels}) received '
                f'features of shape {tuple(feats.shape)} from the backbone '
                f'(+ neck): set model.head.in_channels={feats.size(-1)} or add '
                "a neck that pools to vectors (dict(type='GlobalAveragePooling"
                "')).")

    def _check_finite(self, loss: torch.Tensor, what: str) -> None:
        if self.scaler is None and not torch.isfinite(loss):
            it = MessageHub.get_current_instance().get_info(
                'iter', self.num_steps)
            raise FloatingPointError(
                f'non-finite {what} ({loss.item()}) at iteration {it + 1}: '
                'lower the learning rate, check the data for NaN/Inf, or '
                'add clip_grad to the optim_wrapper.')

    def _virtual_parameters(
            self, model: nn.Module) -> Tuple[List[str], List[torch.Tensor]]:
        in_optimizer = {
            id(p)
            for group in self.optimizer.param_groups for p in group['params']
        }
        names, params = [], []
        for name, param in model.named_parameters():
            if not param.requires_grad or id(param) not in in_optimizer:
                continue
            if self.virtual_params is not None and not name.startswith(
                    self.virtual_params):
                continue
            names.append(name)
            params.append(param)
        if not params:
            raise ValueError(
                f'virtual_params={self.virtual_params} selects no trainable '
                'classifier parameter: give name prefixes such as '
                "'backbone.layer4' or 'head.fc'.")
        return names, params

    def _advisor_parameters(self) -> List[torch.Tensor]:
        return [
            p for group in self.meta_optimizer.param_groups
            for p in group['params']
        ]

    @staticmethod
    def _parse_amp(amp: Union[bool, str]) -> Optional[torch.dtype]:
        if amp is False or amp is None:
            return None
        if amp is True:
            if not torch.cuda.is_available() or \
                    torch.cuda.is_bf16_supported():
                return torch.bfloat16
            return torch.float16
        if amp in AMP_DTYPES:
            return AMP_DTYPES[amp]
        raise ValueError(f"amp={amp!r} must be False, True, 'bfloat16' or "
                         "'float16'.")

    def _autocast(self):
        """Autocast for the forward computations (never the backward)."""
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(
            device_type=self._device_type, dtype=self.amp_dtype)

    def _scale(self, loss: torch.Tensor) -> torch.Tensor:
        return loss if self.scaler is None else loss * self.scaler.get_scale()

    def _loss_scale(self) -> float:
        return 1.0 if self.scaler is None else self.scaler.get_scale()

    @staticmethod
    def _world_size() -> int:
        return get_world_size() if is_distributed() else 1

    def _sync_buffers(self, model: nn.Module) -> None:
        if self._world_size() <= 1:
            return
        floats = [b for b in model.buffers() if b.is_floating_point()]
        if floats:
            for buffer, mean in zip(floats, _all_reduce_mean(floats)):
                buffer.copy_(mean)
        for buffer in model.buffers():
            if not buffer.is_floating_point():
                torch_dist.broadcast(buffer, src=0)

    def _sync_grads(self, model: nn.Module) -> None:
        if self._world_size() <= 1:
            return
        params = [
            p for group in self.optimizer.param_groups
            for p in group['params'] if p.grad is not None
        ]
        for param, grad in zip(params,
                               _all_reduce_mean([p.grad for p in params])):
            param.grad.copy_(grad)


def _all_reduce_mean(tensors: List[torch.Tensor]) -> List[torch.Tensor]:
    """Average tensors over ranks in one coalesced all-reduce."""
    flat = flatten(tensors).detach().clone()
    torch_dist.all_reduce(flat)
    flat /= get_world_size()
    return unflatten(flat, tensors)


def _all_reduce_mean_differentiable(
        tensors: List[torch.Tensor]) -> List[torch.Tensor]:
    """Average over ranks, keeping the graph (its backward all-reduces)."""
    from torch.distributed.nn.functional import all_reduce
    flat = all_reduce(flatten(tensors)) / get_world_size()
    return unflatten(flat, tensors)
