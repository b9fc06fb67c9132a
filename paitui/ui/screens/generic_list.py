"""The list screen of a kind that has no screen module of its own: a class made from its declaration."""

from __future__ import annotations

from functools import cache

from paitui.kinds import ResourceKind
from paitui.kinds import kind as resource_kind
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.screens.windowed_list import WindowedListScreen


def list_screen_for(declared: ResourceKind) -> type[ResourceListScreen]:
    """The generic list screen of a kind that has no screen of its own: everything from its declaration
    (one class per kind, made once, as an imported screen module's would be)."""
    return _generic_screen(declared.key)


@cache
def _generic_screen(key: str) -> type[ResourceListScreen]:
    declared = resource_kind(key)
    base = WindowedListScreen if declared.windowed else ResourceListScreen
    name = "".join(part.capitalize() for part in (declared.view or declared.key).split("-")) + "Screen"
    return type(name, (base,), {
        "RESOURCE": declared.key,
        "TICKING": any(spec.style == "age" for spec in declared.columns),
    })

