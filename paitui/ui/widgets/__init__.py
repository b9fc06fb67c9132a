"""Reusable widgets shared by the screens.

Names resolve lazily so importing one widget module (e.g. `widgets.command_bar`) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paitui.ui.widgets.resource_table import ResourceTable
    from paitui.ui.widgets.table_columns import Column

__all__ = ["Column", "ResourceTable"]

_HOMES = {
    "Column": "paitui.ui.widgets.table_columns",
    "ResourceTable": "paitui.ui.widgets.resource_table",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
