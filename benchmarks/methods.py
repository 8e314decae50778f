"""The methods, read from their config fragments (``configs/_base_/methods/``).

A method is one fragment. It holds the parts a method config places on a
recipe (an advisor's ``advisor_model``, ``meta_optimizer`` and
``advisor_model_wrapper``; a baseline's ``loss``, plus what the loss is
computed from, e.g. ``cb_beta``) and its identity::

    __method__ = dict(name='MFRW-MES', zoo='mfrw_mes', token='mfrw-mes')

``name`` is the method's name in tables, ``zoo`` the folder of its model-zoo
configs (``configs/<zoo>/``, or ``None``), ``token`` its part of their file
names (``{model}-{token}_{rest}.py`` for the recipe ``{model}_{rest}``); the
method's key is the fragment's file name. MMEngine drops the names of a
config that start with ``__``, so the identity never reaches a training
config; this module reads it from the fragment's source. A fragment without
``__method__`` is a preset on top of a method (``mfrw-mes-fast.py``,
:func:`preset`).

Everything else derives from here: the tables' labels
(:mod:`benchmarks.fashion_mnist_benchmark`), the configs of a thesis table
and the options a setting needs (:mod:`benchmarks.thesis`), the model of
the step benchmark (:mod:`benchmarks.step_cost`) and the model zoo's
``metafile.yml`` (:mod:`benchmarks.metafiles`).
"""
import ast
import copy
import dataclasses
import functools
import glob
import os.path as osp
from typing import Dict, Optional

from . import ROOT

#: The folder of the fragments, relative to the repository root.
FRAGMENTS = osp.join('configs', '_base_', 'methods')
#: The fields of ``__method__``.
IDENTITY = ('name', 'zoo', 'token')


@dataclasses.dataclass(frozen=True)
class Method:
    """One method: its fragment's identity and parts.

    Attributes:
        key (str): The fragment's file name without ``.py``.
        name (str): Its name in tables.
        zoo (str, optional): ``configs/<zoo>/`` holds its model-zoo configs.
        token (str): Its part of its configs' names.
        path (str): The fragment, relative to the repository root.
    """
    key: str
    name: str
    zoo: Optional[str]
    token: str
    path: str
    root: str = dataclasses.field(default=ROOT, repr=False, compare=False)

    @property
    def parts(self) -> dict:
        """The fragment resolved by MMEngine (a copy): the variables a
        config places (``advisor_model``, ``loss``, ...)."""
        return copy.deepcopy(_resolve(osp.join(self.root, self.path)))

    @property
    def is_advisor(self) -> bool:
        """Whether it trains with an advisor (the four-phase meta step)."""
        return 'advisor_model' in self.parts

    def model(self, base: dict) -> dict:
        """``base`` (a cross-entropy ``ImageClassifier`` config with a
        ``LinearClsHead``) with the method placed on it, as a method config
        places its fragment: the advisor model, or the baseline's loss."""
        from mmengine.config import Config
        parts = self.parts
        cfg = Config(dict(model=copy.deepcopy(base)))
        if 'advisor_model' in parts:
            cfg.merge_from_dict(dict(model=parts['advisor_model']))
        if 'loss' in parts:
            cfg.merge_from_dict(dict(model=dict(head=dict(
                loss=parts['loss']))))
        return cfg.model.to_dict()

    def config_name(self, recipe: str) -> str:
        """The name of its config for the recipe ``{model}_{rest}``:
        ``{model}-{token}_{rest}``."""
        model, rest = recipe.split('_', 1)
        return f'{model}-{self.token}_{rest}'


def _identity(path: str) -> Optional[dict]:
    """``__method__`` of a fragment's source (``None`` without one)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == '__method__'
                for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and isinstance(
                    value.func, ast.Name) and value.func.id == 'dict' \
                    and not value.args:
                found = {kw.arg: ast.literal_eval(kw.value)
                         for kw in value.keywords}
            else:
                found = ast.literal_eval(value)
            if sorted(found) != sorted(IDENTITY):
                raise ValueError(
                    f'{path}: __method__ has the fields {sorted(found)}; '
                    f'give exactly {list(IDENTITY)}, e.g. __method__ = '
                    "dict(name='MFRW-MES', zoo='mfrw_mes', "
                    "token='mfrw-mes').")
            return found
    return None


@functools.lru_cache(maxsize=None)
def _resolve(path: str) -> dict:
    from mmengine.config import Config
    return Config.fromfile(path).to_dict()


@functools.lru_cache(maxsize=None)
def load(root: str = ROOT) -> Dict[str, Method]:
    """Every method of ``root``'s fragments, by key (file name order)."""
    out = {}
    for path in sorted(glob.glob(osp.join(root, FRAGMENTS, '*.py'))):
        identity = _identity(path)
        if identity is not None:
            key = osp.splitext(osp.basename(path))[0]
            out[key] = Method(key, path=osp.relpath(path, root), root=root,
                              **identity)
    return out


def get(key: str, root: str = ROOT) -> Method:
    """The method ``key``, with an error that lists the known ones."""
    methods = load(root)
    if key not in methods:
        raise KeyError(f'unknown method {key!r}: no {FRAGMENTS}/{key}.py '
                       f'with __method__; the methods are {list(methods)}.')
    return methods[key]


def preset(key: str, root: str = ROOT) -> dict:
    """A preset fragment's variables (``mfrw-mes-fast``: its
    ``fast_meta_step``, the ``MetaOptimWrapper`` options)."""
    path = osp.join(root, FRAGMENTS, f'{key}.py')
    if not osp.exists(path) or _identity(path) is not None:
        raise KeyError(f'{key!r} is not a preset of {FRAGMENTS}/')
    return copy.deepcopy(_resolve(path))
