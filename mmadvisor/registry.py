"""The registries of scope ``mmadvisor``: empty children of MMPretrain's.

mmadvisor's components register in MMPretrain's registries, so configs with
``default_scope = 'mmpretrain'`` (MMPretrain's runtime, and this
repository's) build them. A config that inherits one of mmadvisor's configs
through ``_base_ = 'mmadvisor::path'`` gets ``_scope_='mmadvisor'`` on every
dict it inherits (MMEngine's rule for package bases, as with
``mmpretrain::``), and MMEngine builds such a dict from the registries of
that scope, which it finds by importing ``mmadvisor.registry``. Each
registry here looks a type up in itself (empty), then in MMPretrain's, then
in MMEngine's: the same classes as under ``mmpretrain``.

Importing this module also tells MMEngine where the ``mmadvisor::`` configs
are: it adds ``'mmadvisor'`` to ``mmengine.config.utils.MODULE2PACKAGE``
(configs/README.md, "Inherit mmadvisor's configs"). The start-up hook
``mmadvisor_config_scope`` (installed beside the package) adds the same
entry for tools that parse a config before importing mmadvisor.
"""
import mmengine.config.utils
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry

#: The registry scope, and the prefix of ``_base_ = 'mmadvisor::path'``.
SCOPE = 'mmadvisor'
#: What MMEngine is told to look up for the scope: a module of this
#: package, not the distribution name. MMEngine reads a scope's configs from
#: ``<dir>/.mim/configs/<path>``, ``<dir>`` being
#: ``mmengine.utils.get_installed_path(MODULE2PACKAGE[scope])``; for the
#: distribution ``'mmadvisor'`` that is the distribution's location joined
#: with the module name, which for an editable install (``pip install -e
#: .``, PEP 660) is ``site-packages/mmadvisor``: no such folder. For a name
#: that is not a distribution it is the folder of
#: ``importlib.util.find_spec(name).origin``: this package's folder in both
#: kinds of install. (``mmadvisor_config_scope.PACKAGE`` is the same.)
CONFIG_PACKAGE = 'mmadvisor.registry'
mmengine.config.utils.MODULE2PACKAGE[SCOPE] = CONFIG_PACKAGE


def _child(parent: Registry) -> Registry:
    return Registry(
        parent.name, parent=parent, scope=SCOPE, locations=['mmadvisor'])


RUNNERS = _child(mmpretrain_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpretrain_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpretrain_registry.LOOPS)
HOOKS = _child(mmpretrain_registry.HOOKS)
LOG_PROCESSORS = _child(mmpretrain_registry.LOG_PROCESSORS)
OPTIMIZERS = _child(mmpretrain_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpretrain_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    mmpretrain_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpretrain_registry.PARAM_SCHEDULERS)
DATASETS = _child(mmpretrain_registry.DATASETS)
DATA_SAMPLERS = _child(mmpretrain_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmpretrain_registry.TRANSFORMS)
MODELS = _child(mmpretrain_registry.MODELS)
MODEL_WRAPPERS = _child(mmpretrain_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpretrain_registry.WEIGHT_INITIALIZERS)
BATCH_AUGMENTS = _child(mmpretrain_registry.BATCH_AUGMENTS)
TASK_UTILS = _child(mmpretrain_registry.TASK_UTILS)
METRICS = _child(mmpretrain_registry.METRICS)
EVALUATORS = _child(mmpretrain_registry.EVALUATORS)
VISUALIZERS = _child(mmpretrain_registry.VISUALIZERS)
VISBACKENDS = _child(mmpretrain_registry.VISBACKENDS)
# MMPretrain has no registry of its own for collate functions.
FUNCTIONS = _child(MMENGINE_FUNCTIONS)
