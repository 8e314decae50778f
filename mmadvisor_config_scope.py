"""Let MMEngine configs inherit mmadvisor's: ``_base_ = 'mmadvisor::...'``.

MMEngine resolves a ``package::path`` base only for the names in its table
``mmengine.config.utils.MODULE2PACKAGE``, and it parses a config (and its
bases) before the config's ``custom_imports`` run. ``import mmadvisor``
adds the entry (``mmadvisor/registry.py``), which is enough under
mmadvisor's own tools: they import the package first. A tool
that parses first, such as MMPretrain's own ``tools/train.py``, needs the
entry before any config is read, so installing mmadvisor also installs
``mmadvisor-config-scope.pth`` into site-packages, whose one line is::

    import mmadvisor_config_scope; mmadvisor_config_scope.install()

Python runs it at start-up (``site``). :func:`install` imports nothing and
puts one finder at the front of ``sys.meta_path``; the finder answers no
import but ``mmengine.config.utils``, and when that module is first
imported it adds ``'mmadvisor'`` to ``MODULE2PACKAGE`` right after the
module ran, then removes itself. Nothing else is changed, and nothing of
mmadvisor is imported until a config names ``mmadvisor::`` (MMEngine then
looks the package up). Cost, and why this way: configs/README.md,
"Inherit mmadvisor's configs". Without the ``.pth`` (deleted, or mmadvisor
on ``PYTHONPATH`` without installing it), ``mmadvisor::`` works after
``import mmadvisor`` only.

The module's name sorts after ``mmadvisor``: ``top_level.txt`` lists the
distribution's modules sorted, and ``mim`` takes its first line for the
package's folder. (It was ``_mmadvisor_config_scope``; that file stays in
a checkout for editable installs made before, whose ``.pth`` imports it.)
"""
import sys

#: The prefix of ``_base_ = 'mmadvisor::path'``.
SCOPE = 'mmadvisor'
#: What MMEngine is told to look up for that scope:
#: ``mmadvisor.registry.CONFIG_PACKAGE`` (why a module and not the
#: distribution: its comment). Not imported from there: importing mmadvisor
#: at start-up would cost seconds.
PACKAGE = 'mmadvisor.registry'
#: The module that holds ``MODULE2PACKAGE``.
TABLE_MODULE = 'mmengine.config.utils'


def register(module2package: dict) -> None:
    """Map ``'mmadvisor'`` to :data:`PACKAGE` in MMEngine's table."""
    module2package[SCOPE] = PACKAGE


class _RegisteringLoader:
    """The loader of ``mmengine.config.utils``, plus :func:`register` after
    the module ran; everything else is the original loader's."""

    def __init__(self, loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        register(module.MODULE2PACKAGE)


class _ConfigScopeFinder:
    """A ``sys.meta_path`` finder that answers only for
    ``mmengine.config.utils``, once: it asks the other finders for the
    module and wraps its loader in :class:`_RegisteringLoader`."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != TABLE_MODULE:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, 'find_spec', None)
            spec = find_spec(fullname, path, target) if find_spec else None
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, 'exec_module'):
            spec.loader = _RegisteringLoader(spec.loader)
        return spec


def install() -> None:
    """Register now if MMEngine's table is loaded, else when it is."""
    table = sys.modules.get(TABLE_MODULE)
    if table is not None:
        register(table.MODULE2PACKAGE)
    elif not any(isinstance(f, _ConfigScopeFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ConfigScopeFinder())
