"""Builds the two optimizers of an advisor run."""
import inspect
import logging

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from mmpretrain.registry import (OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS,
                                 OPTIMIZERS)

#: What the advisor trains with when the config names no meta_optimizer
#: (sections 2.5.2 and 3.5.2); a warning says so.
DEFAULT_META_OPTIMIZER = dict(type='Adam', lr=1e-4)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MetaOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Split the model's parameters between classifier and advisor.

    ``optimizer`` (with ``paramwise_cfg``, as in MMPretrain) is built over
    every parameter except the advisor's; ``meta_optimizer`` over the
    advisor's only (Adam with lr 1e-4 by default, sections 2.5.2 and
    3.5.2, with a warning that names it). The learning-rate schedulers of
    the config act on ``optimizer``; the advisor's learning rate stays
    fixed.

    Example::

        optim_wrapper = dict(
            type='MetaOptimWrapper',
            constructor='MetaOptimWrapperConstructor',
            optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                           weight_decay=5e-4),
            meta_optimizer=dict(type='Adam', lr=1e-4),
            meta_dataloader=dict(...))
    """

    def __call__(self, model: nn.Module):
        if hasattr(model, 'module'):
            model = model.module
        advisor = getattr(getattr(model, 'head', None), 'advisor', None)
        if not isinstance(advisor, nn.Module):
            raise TypeError(
                'MetaOptimWrapperConstructor found no advisor at '
                "model.head.advisor: use head=dict(type='AdvisorHead', ...).")
        advisor_ids = {id(p) for p in advisor.parameters()}

        wrapper_cfg = self.optim_wrapper_cfg.copy()
        wrapper_cfg.setdefault('type', 'MetaOptimWrapper')
        wrapper_type = wrapper_cfg['type']
        wrapper_cls = OPTIM_WRAPPERS.get(wrapper_type) if isinstance(
            wrapper_type, str) else wrapper_type
        if not (isinstance(wrapper_cls, type)
                and hasattr(wrapper_cls, 'meta_step')):
            raise TypeError(
                f"optim_wrapper.type='{wrapper_type}' cannot train an advisor "
                '(it has no bilevel meta_step): use '
                "type='MetaOptimWrapper'. Mixed precision is its option amp="
                'True, which tools/train.py --amp sets; MMPretrain\'s own '
                "tools/train.py --amp replaces the type with "
                "'AmpOptimWrapper' instead, so train advisor configs with "
                'mmadvisor\'s tools/train.py --amp.')
        meta_cfg = wrapper_cfg.pop('meta_optimizer', None)
        if not meta_cfg:
            meta_cfg = dict(DEFAULT_META_OPTIMIZER)
            print_log(
                'MetaOptimWrapperConstructor: optim_wrapper has no '
                f'meta_optimizer; the advisor trains with {meta_cfg} (the '
                "thesis' setting, tuned for ~40k meta steps; a short run "
                'may need more, e.g. the quickstart uses lr=3e-3). Set '
                "optim_wrapper.meta_optimizer=dict(type='Adam', lr=...) to "
                'choose it and silence this warning.',
                logger='current',
                level=logging.WARNING)
        meta_cfg = dict(meta_cfg)

        optimizer_cfg = self.optimizer_cfg.copy()
        optimizer_cls = optimizer_cfg['type']
        if isinstance(optimizer_cls, str):
            with OPTIMIZERS.switch_scope_and_registry(None) as registry:
                optimizer_cls = registry.get(optimizer_cls)
        first_arg = next(iter(inspect.signature(optimizer_cls).parameters))
        if self.paramwise_cfg:
            groups: list = []
            self.add_params(groups, model)
            params = [
                g for g in groups
                if not any(id(p) in advisor_ids for p in g['params'])
            ]
        else:
            params = [p for p in model.parameters() if id(p) not in advisor_ids]
        optimizer_cfg[first_arg] = params
        optimizer = OPTIMIZERS.build(optimizer_cfg)
        meta_cfg['params'] = list(advisor.parameters())
        meta_optimizer = OPTIMIZERS.build(meta_cfg)
        return OPTIM_WRAPPERS.build(
            wrapper_cfg,
            default_args=dict(
                optimizer=optimizer, meta_optimizer=meta_optimizer))
