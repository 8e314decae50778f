"""An image classifier trained with an advisor."""
from typing import Dict, Union

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS

from ...structures import hard_labels


@MODELS.register_module()
class AdvisorClassifier(ImageClassifier):
    """:class:`ImageClassifier` whose training step is the advisor's.

    Identical to ``ImageClassifier`` in inference, evaluation and state-dict
    layout (the checkpoint of the classifier loads into a stock
    ``ImageClassifier`` once the advisor is stripped). Only
    :meth:`train_step` differs: it hands the batch to
    :meth:`MetaOptimWrapper.meta_step`, which runs the four phases of
    section 3.4.4. MMEngine's default ``BaseModel.train_step`` cannot:
    it gives the optim wrapper a scalar loss, not the batch the virtual and
    meta steps need.

    Args:
        head (dict): Must be an :class:`AdvisorHead` (or another head with
            ``pre_loss``/``advise``/``advised_loss``).
        **kwargs: The arguments of :class:`ImageClassifier`.
    """

    ADVISOR_API = ('pre_loss', 'advise', 'sample_beta', 'advised_loss')

    def __init__(self, head: dict, **kwargs) -> None:
        super().__init__(head=head, **kwargs)
        missing = [m for m in self.ADVISOR_API if not hasattr(self.head, m)]
        if missing:
            raise TypeError(
                f'AdvisorClassifier needs a head with an advisor, but '
                f'{type(self.head).__name__} lacks {missing}: use '
                "head=dict(type='AdvisorHead', num_classes=..., "
                'in_channels=...).')

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper) -> Dict[str, torch.Tensor]:
        """One iteration of the bilevel training (section 3.4.4): the batch
        through the data preprocessor (with its training-time batch
        augmentations, as ``BaseModel.train_step``), then the optim
        wrapper's four phases."""
        if not hasattr(optim_wrapper, 'meta_step'):
            raise TypeError(
                'AdvisorClassifier trains with the bilevel step of '
                f'MetaOptimWrapper, got {type(optim_wrapper).__name__}: set '
                "optim_wrapper=dict(type='MetaOptimWrapper', constructor="
                "'MetaOptimWrapperConstructor', ...). (Use --amp only through "
                "tools/train.py, which sets optim_wrapper.amp; it never "
                'replaces the meta optim wrapper.)')
        optim_wrapper.prepare(self)
        data = self.data_preprocessor(data, True)
        return optim_wrapper.meta_step(self, data['inputs'],
                                       hard_labels(data),
                                       data['data_samples'])
