"""The old name of :mod:`mmadvisor_config_scope`, for editable installs made
before the rename.

Their ``mmadvisor-config-scope.pth`` runs
``import _mmadvisor_config_scope; _mmadvisor_config_scope.install()`` at
every Python start, and their finder maps this name to this file of the
checkout. This file keeps that line working after the checkout moved on: it
loads ``mmadvisor_config_scope.py`` beside it (the old finder does not know
the new name) as ``mmadvisor_config_scope`` and gives its ``install``.
``pip install -e .`` again replaces the old ``.pth``; then this file is not
imported any more. It is not installed (``setup.py``'s ``py_modules``).
"""
import importlib.util
import os.path as osp
import sys

_NAME = 'mmadvisor_config_scope'
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        _NAME, osp.join(osp.dirname(osp.abspath(__file__)), _NAME + '.py'))
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)
install = sys.modules[_NAME].install
