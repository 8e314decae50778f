"""The bilevel advisor step, thesis sections 2.4.4 and 3.4.4."""
from contextlib import nullcontext
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS, OPTIM_WRAPPERS
from torch.func import functional_call
from torch.optim import Optimizer
from torch.profiler import record_function
from torch.utils.data import DataLoader

from . import rank_sync
from .meta_batch_stream import MetaBatchStream
from .meta_gradient import (double_backward_meta_gradient,
                            forward_meta_gradient, meta_tangents,
                            recompute_features, record_linear_outputs)
from .mixed_precision import LossScaling, autocast, parse_amp
from .train_batch import DrawGenerator, TrainBatch
from .virtual_step import (sgd_hparams, virtual_parameters,
                           virtual_sgd_step, virtual_step_slope)

META_GRADIENTS = ('forward', 'double_backward')


@OPTIM_WRAPPERS.register_module()
class MetaOptimWrapper(OptimWrapper):
    r"""Trains a classifier and its advisor jointly, one bilevel step a batch.

    Each training iteration runs the four phases of section 3.4.4 in
    :meth:`meta_step`:

    1. **loss pre-calculation**: :math:`\mathcal{L}^{pre}` of the training
       batch from the un-masked feature, without gradient;
    2. **virtual train** (:meth:`virtual_train`): a differentiable SGD step
       of backbone + classifier (eq. 2.3) on the advised loss,
       :math:`\hat{w}(\theta) = w - \alpha \nabla_w \mathcal{L}^{train}(w,
       \Psi(f, \mathcal{L}^{pre}; \theta))`; the advisor is not updated;
    3. **meta train** (:meth:`meta_train`): the meta loss (cross-entropy)
       of the virtual classifier on a clean, balanced meta batch (un-masked
       features) is differentiated with respect to the advisor only, and
       ``meta_optimizer`` (Adam, lr 1e-4) takes a step (eq. 2.4);
    4. **actual train** (:meth:`actual_train`): the real step of backbone
       + classifier with the updated advisor's advice (eq. 2.5).

    One backbone forward serves phases 1, 2 and 4 (:class:`TrainBatch`):
    the thesis' algorithm with one batch-norm statistics update per
    iteration; the meta forward runs on copies of the buffers, and through
    the parameters the virtual step updates only (the others enter it
    detached: a virtual step of the head builds no graph of the backbone
    on the meta batch). With ``low_memory=True`` phase 1's graph is
    released after phase 2 and its forward is computed again after the
    meta batch's backward, so the training batch's and the meta batch's
    activations are never held together. Each phase's
    pieces have a module of their own: the meta-gradient in both exact
    forms (:mod:`.meta_gradient`), autocast and float16 loss scaling
    (:mod:`.mixed_precision`), what distributed training averages
    (:mod:`.rank_sync`), the resumable meta batches
    (:mod:`.meta_batch_stream`).

    Args:
        optimizer (Optimizer): Optimizer of the classifier (everything but
            the advisor). Built by :class:`MetaOptimWrapperConstructor`.
        meta_optimizer (Optimizer): Optimizer of the advisor.
        meta_dataloader (dict | DataLoader): The clean, balanced meta set;
            its sampler must be a :class:`MetaSampler` (the default).
        meta_loss (dict | nn.Module, optional): The loss of the virtual
            classifier on the meta batch, called as ``loss(logits,
            labels)``, e.g. ``dict(type='FocalLoss')``. Defaults to None:
            the mean cross-entropy of ``torch.nn.functional`` (section
            3.4.4).
        mirror_optimizer (bool): Take the virtual step with the real SGD's
            momentum and weight decay instead of plain gradient descent.
            Defaults to False (eq. 2.3).
        advisor_interval (int): Run phases 2-3 every ``advisor_interval``
            iterations; in the others, phase 4 uses the current advisor.
            Defaults to 1 (the thesis).
        virtual_params (Sequence[str], optional): Name prefixes of the
            parameters the virtual step updates (e.g. ``['backbone.layer4',
            'head.fc']``); the rest are held at ``w`` (FaMUS-style layer
            selection). ``None`` means every trainable parameter (the
            thesis). Defaults to None.
        sync_virtual_step (bool): Average the virtual gradient over ranks
            (every rank then builds the virtual model of the global batch).
            ``False`` steps on the local batch: cheaper, no longer the
            single-process step. Defaults to True.
        meta_gradient (str): ``'forward'`` (one Jacobian-vector product of
            the backbone) or ``'double_backward'`` (through the virtual
            step's graph); equal up to float rounding. Defaults to
            ``'forward'``.
        amp (bool | str): Mixed precision for the forward passes:
            ``False``, ``True`` (bfloat16 on CPU and on GPUs that support it,
            float16 otherwise), ``'bfloat16'`` or ``'float16'`` (with
            dynamic loss scaling). Defaults to False.
        loss_scale (float): Initial scale for float16. Defaults to 2**16.
        low_memory (bool): Trade one more backbone forward for memory:
            release phase 1's activations after the virtual gradient and
            compute phase 1's forward again (on copies of the buffers)
            after the meta batch's backward, for the meta-gradient's
            tangent and phase 4. Same result up to float rounding; FLOPs
            ``(8 + 3M/N) F`` instead of ``(7 + 3M/N) F`` (``3.67x`` CE's for
            a meta batch as large as the training batch), working memory
            about 1.3x cross-entropy's instead of about 2x (ResNet-32 and
            ResNet-50, README "Speed"). The recomputation replays the
            backbone, as the forward-mode product does: with stochastic
            layers (dropout, stochastic depth) it draws other masks than
            phase 1 (see :func:`.meta_gradient.forward_meta_gradient`). Needs
            ``meta_gradient='forward'``; nothing to save (a no-op) when the
            virtual step is the head's only. Defaults to False.
        **kwargs: ``clip_grad`` of :class:`OptimWrapper`.
    """

    def __init__(self,
                 optimizer: Optimizer,
                 meta_optimizer: Optimizer,
                 meta_dataloader: Union[dict, DataLoader, None] = None,
                 meta_loss: Union[dict, nn.Module, None] = None,
                 mirror_optimizer: bool = False,
                 advisor_interval: int = 1,
                 virtual_params: Optional[Sequence[str]] = None,
                 sync_virtual_step: bool = True,
                 meta_gradient: str = 'forward',
                 amp: Union[bool, str] = False,
                 loss_scale: float = 2.0**16,
                 low_memory: bool = False,
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
        if not isinstance(low_memory, bool):
            raise ValueError(f'low_memory={low_memory!r} must be True or '
                             'False.')
        if low_memory and meta_gradient != 'forward':
            raise ValueError(
                f"low_memory=True needs meta_gradient='forward', got "
                f"'{meta_gradient}': the double-backward form differentiates "
                "phase 1's own graph, which low_memory releases. Use "
                "meta_gradient='forward' (equal up to float rounding).")
        super().__init__(optimizer=optimizer, **kwargs)
        self.meta_optimizer = meta_optimizer
        self.meta_stream = MetaBatchStream(meta_dataloader)
        self.meta_loss = F.cross_entropy if meta_loss is None else \
            meta_loss if isinstance(meta_loss, nn.Module) else \
            MODELS.build(meta_loss)
        self.mirror_optimizer = mirror_optimizer
        self.advisor_interval = advisor_interval
        self.virtual_params = tuple(virtual_params) \
            if virtual_params is not None else None
        self.sync_virtual_step = sync_virtual_step
        self.meta_gradient = meta_gradient
        self.low_memory = low_memory
        self.amp_dtype = parse_amp(amp)
        self.loss_scaling = LossScaling(self.amp_dtype is torch.float16,
                                        loss_scale)
        self.num_steps = 0
        self.record_advice = False
        self.latest_advice: Optional[Dict[str, torch.Tensor]] = None
        self._meta_set_checked = False
        self._device_type = 'cpu'
        self.draws = DrawGenerator()

    # ------------------------------------------------------------------
    # The bilevel step
    # ------------------------------------------------------------------
    def meta_step(self, model: nn.Module, inputs: torch.Tensor,
                  labels: torch.Tensor, samples: list) -> Dict[str, float]:
        """One training iteration of classifier and advisor (section 3.4.4).

        Args:
            model (nn.Module): An image classifier with an advisor head
                (:class:`AdvisorClassifier` + :class:`AdvisorHead`), not
                wrapped.
            inputs (torch.Tensor): The preprocessed training batch.
            labels (torch.Tensor): Its (possibly noisy) labels.
            samples (list): Its data samples.

        Returns:
            dict: Values to log.
        """
        head = model.head
        self._device_type = inputs.device.type
        update_advisor = self.num_steps % self.advisor_interval == 0

        # Phase 1: loss pre-calculation (one backbone forward for 1, 2, 4;
        # its linear layers' outputs kept for the meta-gradient's tangent,
        # unless low_memory computes them again after phase 3's backward).
        with self._autocast(), record_function('advisor/1_pre_calculation'):
            with record_linear_outputs(model) if update_advisor and \
                    self._needs_tangent() and not self._recomputes() \
                    else nullcontext() as primals:
                feats = head.pre_logits(model.extract_feat(inputs))
            pre_loss, pre_logits = head.pre_loss(feats, labels)
        beta = head.sample_beta(pre_logits, self.draws.get(inputs.device))
        batch = TrainBatch(inputs, feats, labels, pre_loss, beta, pre_logits,
                           samples, primals)
        log_vars = dict(loss_pre=pre_loss.mean().item())
        if update_advisor:
            # Phase 2: virtual train.
            with record_function('advisor/2_virtual_train'):
                virtual = self.virtual_train(model, batch)
            # Phase 3: meta train.
            if virtual is not None:
                with record_function('advisor/3_meta_train'):
                    log_vars['loss_meta'], batch = self.meta_train(
                        model, *virtual, batch)
            elif self._recomputes():  # float16 overflow: phase 4 needs it
                batch = self.recompute_phase1(model, batch)
        # Phase 4: actual train.
        with record_function('advisor/4_actual_train'):
            log_vars.update(self.actual_train(model, batch))
        rank_sync.sync_buffers(model)
        self.num_steps += 1
        return log_vars

    def virtual_train(self, model: nn.Module, batch: TrainBatch
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
        names, params = virtual_parameters(model, self.optimizer,
                                           self.virtual_params)
        double = self.meta_gradient == 'double_backward'
        grads = torch.autograd.grad(
            self.loss_scaling.scale(loss), params, create_graph=double,
            retain_graph=not self._recomputes(), allow_unused=True)
        grads = [
            torch.zeros_like(p) if g is None else g
            for p, g in zip(params, self.loss_scaling.unscale(list(grads)))
        ]
        if self.loss_scaling.overflowed(grads):
            return None
        if self.sync_virtual_step:
            grads = rank_sync.all_reduce_mean_differentiable(grads) \
                if double else rank_sync.all_reduce_mean(grads)
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
                   hparams: dict, batch: TrainBatch
                   ) -> Tuple[float, TrainBatch]:
        """Phase 3: update the advisor on a meta batch.

        Returns:
            tuple: The meta loss, and the training batch for phase 4 (with
            ``low_memory``, phase 1's forward computed again).
        """
        inputs, labels = self.meta_stream.next(model)
        double = self.meta_gradient == 'double_backward'
        if not double:
            virtual = {
                n: w.detach().requires_grad_()
                for n, w in virtual.items()
            }
        # The parameters the virtual step holds at w enter detached (no
        # graph where no meta-gradient flows), the buffers as copies (the
        # virtual model's batch-norm statistics must not leak into the
        # real model).
        held = {
            n: p.detach()
            for n, p in model.named_parameters() if n not in virtual
        }
        buffers = {n: b.clone() for n, b in model.named_buffers()}
        with self._autocast():
            logits = functional_call(
                model, {
                    **held,
                    **virtual,
                    **buffers
                }, (inputs, ), dict(mode='tensor'),
                strict=False)
        loss = self.meta_loss(logits.float(), labels)
        self._check_finite(loss, 'meta loss')
        advisor_params = [
            p for group in self.meta_optimizer.param_groups
            for p in group['params']
        ]
        if double:
            grads = double_backward_meta_gradient(loss, advisor_params,
                                                  self.loss_scaling)
        else:
            slopes = {
                n: virtual_step_slope(hp, self.mirror_optimizer)
                for n, hp in hparams.items()
            }
            tangents = meta_tangents(
                loss, virtual, slopes, self.loss_scaling,
                rank_sync.all_reduce_mean if self.sync_virtual_step else list)
            if self._recomputes():
                batch = self.recompute_phase1(model, batch)
            grads = [None] * len(advisor_params) if tangents is None else \
                forward_meta_gradient(model, tangents, batch, advisor_params,
                                      self._autocast)
        grads = rank_sync.all_reduce_mean([
            torch.zeros_like(p) if g is None else g
            for p, g in zip(advisor_params, grads)
        ])
        if not self.loss_scaling.overflowed(grads):
            for param, grad in zip(advisor_params, grads):
                param.grad = grad
            self.meta_optimizer.step()
        self.meta_optimizer.zero_grad(set_to_none=True)
        return loss.item(), batch

    def recompute_phase1(self, model: nn.Module,
                         batch: TrainBatch) -> TrainBatch:
        """``low_memory``: phase 1's features again (the same values), with
        the graph phase 4 backpropagates through and the layer outputs the
        meta-gradient's tangent reuses; phase 1's losses, draws and logits
        are kept."""
        with record_function('advisor/1_recompute'):
            feats, primals = recompute_features(model, batch.inputs,
                                                self._autocast)
        return batch._replace(feats=feats, primals=primals)

    def actual_train(self, model: nn.Module,
                     batch: TrainBatch) -> Dict[str, float]:
        """Phase 4: the real step of the classifier with the new advice."""
        with self._autocast():
            with torch.no_grad():
                advice = model.head.advise(batch.feats, batch.pre_loss)
            loss = model.head.advised_loss(batch.feats, batch.labels, advice,
                                           batch.beta)
        self._check_finite(loss, 'training loss')
        self.loss_scaling.backward(loss)
        rank_sync.sync_grads(self.optimizer)
        self.step()
        self.zero_grad()
        if self.record_advice:
            self.latest_advice = batch.advice_record(advice)
        log_vars = dict(loss=loss.item())
        for key, value in advice.items():
            if value is not None:
                log_vars[f'advice_{key}'] = value.float().mean().item()
        return log_vars

    # ------------------------------------------------------------------
    # State (saved in the checkpoint under 'optimizer', restored on resume)
    # ------------------------------------------------------------------
    @property
    def meta_dataloader(self) -> DataLoader:
        """The meta-set dataloader."""
        return self.meta_stream.loader

    def state_dict(self) -> dict:
        state = dict(
            optimizer=self.optimizer.state_dict(),
            meta_optimizer=self.meta_optimizer.state_dict(),
            meta_consumed=self.meta_stream.consumed,
            num_steps=self.num_steps)
        if self.loss_scaling.enabled:
            state['loss_scaler'] = self.loss_scaling.state_dict()
        if self.draws.state() is not None:
            state['beta_rng'] = self.draws.state()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        if 'meta_optimizer' not in state_dict:
            raise KeyError(
                'this optimizer state has no meta_optimizer: it was not saved '
                'by MetaOptimWrapper. To start an advisor run from a plain '
                'checkpoint use load_from=CKPT (weights only), not resume.')
        self.optimizer.load_state_dict(state_dict['optimizer'])
        self.meta_optimizer.load_state_dict(state_dict['meta_optimizer'])
        self.meta_stream.restart(state_dict['meta_consumed'])
        self.num_steps = int(state_dict['num_steps'])
        self.loss_scaling.load_state_dict(state_dict.get('loss_scaler', {}))
        self.draws.restore(state_dict.get('beta_rng'))

    def get_lr(self) -> Dict[str, List[float]]:
        lr = super().get_lr()
        lr['meta_lr'] = [g['lr'] for g in self.meta_optimizer.param_groups]
        return lr

    def step(self, **kwargs) -> None:
        """The classifier's optimizer step of phase 4, after the gradients
        are in place: unscale float16 gradients, clip (``clip_grad``), step.

        MMEngine's override point (as ``AmpOptimWrapper.step``): the
        parameter schedulers count the optim wrapper's ``step`` calls, so
        the real step goes through here.
        """
        self.loss_scaling.step(
            self.optimizer,
            before_step=self._clip_grad if self.clip_grad_kwargs else
            lambda: None)

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
        """Checks run once, before the first step: the meta set covers
        every class of the head."""
        if not self._meta_set_checked:
            self.meta_stream.check_classes(model.head.num_classes)
            self._meta_set_checked = True

    def _check_finite(self, loss: torch.Tensor, what: str) -> None:
        if not self.loss_scaling.enabled and not torch.isfinite(loss):
            it = MessageHub.get_current_instance().get_info(
                'iter', self.num_steps)
            raise FloatingPointError(
                f'non-finite {what} ({loss.item()}) at iteration {it + 1}: '
                'lower the learning rate, check the data for NaN/Inf, or '
                'add clip_grad to the optim_wrapper.')

    def _needs_tangent(self) -> bool:
        """The forward-mode meta-gradient of a virtual step that reaches
        the backbone needs the tangent of the training features."""
        return self.meta_gradient == 'forward' and not (
            self.virtual_params is not None
            and all(p.startswith('head.') for p in self.virtual_params))

    def _recomputes(self) -> bool:
        """``low_memory`` recomputes phase 1 when the virtual step reaches
        the backbone (a head-only step keeps no backbone graph to save)."""
        return self.low_memory and self._needs_tangent()

    def _autocast(self):
        return autocast(self._device_type, self.amp_dtype)
