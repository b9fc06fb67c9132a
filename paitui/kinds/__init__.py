"""The resource kinds: one declaration per kind (``kinds.base.ResourceKind``), found by ``kinds.registry``.

No Textual import: read by ``live``, the headless commands and ``ui``.
"""

from paitui.kinds.action import Action, Target
from paitui.kinds.base import ColumnSpec, DetailContext, ListContext, ResourceKind, attr
from paitui.kinds.registry import all_kinds, by_view, kind, viewed, with_actions

__all__ = ["Action", "ColumnSpec", "DetailContext", "ListContext", "ResourceKind", "Target", "all_kinds", "attr",
           "by_view", "kind", "viewed", "with_actions"]
