"""mmadvisor: advisor networks (MFRW, MES) for MMPretrain.

Importing this package registers every component in MMPretrain's
registries, so configs load it with::

    custom_imports = dict(imports=['mmadvisor'], allow_failed_imports=False)

It also adds the registry scope ``mmadvisor`` (``mmadvisor.registry``) and
lets configs inherit mmadvisor's with ``_base_ = 'mmadvisor::path'``.
"""
from . import registry  # noqa: F401
from .utils.checkpoint import register_safe_globals
from .version import __version__

register_safe_globals()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
