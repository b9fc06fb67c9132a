"""Every resource kind, found by looking at this package: a module that declares ``KIND`` adds one.

Adding a kind is adding a module here (and its models, lister, simulator handlers and tests); no table
elsewhere is edited by hand. What other layers keep per kind is derived from here: the views and their ``:``
commands (``ui``), the notifier's kinds (``live.notify``), the action words and wire mappings
(``live.actions``) and the headless commands (``paitui.headless``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from paitui.kinds.base import ResourceKind

_NOT_KINDS = frozenset({"base", "action", "registry"})


@cache
def all_kinds() -> tuple[ResourceKind, ...]:
    """Every declared kind, in view order (then by key)."""
    import paitui.kinds as package

    found: list[ResourceKind] = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.name in _NOT_KINDS or module.name.startswith("_"):
            continue
        declared = getattr(importlib.import_module(f"{package.__name__}.{module.name}"), "KIND", None)
        if isinstance(declared, ResourceKind):
            found.append(declared)
    keys = [k.key for k in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RuntimeError(f"resource kinds declared twice: {', '.join(sorted(duplicates))}")
    return tuple(sorted(found, key=lambda k: (k.order, k.key)))


@cache
def _by_key() -> dict[str, ResourceKind]:
    return {k.key: k for k in all_kinds()}


def kind(key: str) -> ResourceKind:
    """The kind called ``key`` ("job", "run" …); ``KeyError`` naming the known ones otherwise."""
    try:
        return _by_key()[key]
    except KeyError:
        raise KeyError(f"unknown resource kind {key!r}; known: {', '.join(_by_key())}") from None


def viewed() -> tuple[ResourceKind, ...]:
    """The kinds with a list view (``:jobs`` …), in command order."""
    return tuple(k for k in all_kinds() if k.view)


def by_view(view: str) -> ResourceKind:
    for k in viewed():
        if k.view == view:
            return k
    raise KeyError(f"no view {view!r}")


def with_actions() -> tuple[ResourceKind, ...]:
    return tuple(k for k in all_kinds() if k.actions)
