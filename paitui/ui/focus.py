"""Keys that open a text field, and focus that takes effect at once.

Keys typed fast after ``:`` or ``/`` (or pasted) are queued to the widget focused at the time, before the key
that opens the field is even handled. The keys that open one are therefore priority bindings, which the app
runs as it reads each key, and ``focus_now`` moves the focus before it reads the next; ``text_entry_active``
keeps those bindings from firing while a text field has the keys (a ``:`` or ``/`` typed there is a character).
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` now. ``Widget.focus()`` defers the change until the pending messages are handled, so
    the keys typed right after the one that opened an input (``:jobs``, ``/llama`` typed fast, or pasted)
    went to the widget focused before and moved the cursor, sorted or paused the list instead."""
    widget.screen.set_focus(widget)


def text_entry_active(screen_or_app: App[Any] | Screen[Any]) -> bool:
    """Whether keys go into a text field now (then a key that opens one must stay a character)."""
    focused = screen_or_app.focused
    if isinstance(focused, Input):
        return True
    # TextArea (a form's command field) brings tree-sitter and Textual's documents: not loaded for the first
    # frame. Until some screen imported it, no focused widget can be one
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(focused, text_area.TextArea)
