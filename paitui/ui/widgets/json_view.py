"""A modal showing a response body (or a manifest) pretty-printed and scrollable; ``esc``/``q``/``y`` close it.

It is a ``TextModal`` (same frame, scrolling and keys) given the text at once, JSON by default, without line
numbers; ``y`` also closes it so the key that opened the raw view toggles it. The text goes through
``rich.syntax.Syntax``, never through markup, so server strings such as ``[/oops]`` show literally.
"""

from __future__ import annotations

import json
from typing import Any

from textual.binding import Binding

from paitui.ui.widgets.text_modal import TextModal


def pretty_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)


class JsonModal(TextModal):
    BINDINGS = [Binding("y", "close", "Close", show=False)]

    def __init__(self, title: str, body: Any, *, lexer: str = "json") -> None:
        self.text = body if isinstance(body, str) else pretty_json(body)
        super().__init__(title, self.text, lexer=lexer, line_numbers=False)
