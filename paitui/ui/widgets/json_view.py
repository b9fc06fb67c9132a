"""A modal showing a response body (or a manifest) pretty-printed and scrollable; ``esc``/``q``/``y`` close it.

The text goes through ``rich.syntax.Syntax``, never through markup, so server strings such as ``[/oops]``
show literally.
"""

from __future__ import annotations

import json
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def pretty_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)


class JsonModal(ModalScreen[None]):
    DEFAULT_CSS = """
    JsonModal { align: center middle; }
    JsonModal > #json-frame {
        width: 90%; height: 90%; border: round $primary; background: $surface; padding: 0 1;
    }
    JsonModal #json-body { height: 1fr; }
    JsonModal #json-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="json-close"),
        Binding("q,y", "dismiss", "Close", show=False),
        Binding("g", "top", "Top", show=False),
        Binding("G", "bottom", "Bottom", show=False),
    ]

    def __init__(self, title: str, body: Any, *, lexer: str = "json") -> None:
        super().__init__()
        self._title = title
        self.text = body if isinstance(body, str) else pretty_json(body)
        self._lexer = lexer

    def compose(self) -> ComposeResult:
        with Vertical(id="json-frame") as frame:
            frame.border_title = Text(self._title)  # Text: a job name is never markup
            with VerticalScroll(id="json-body"):
                yield Static(Syntax(self.text, self._lexer, word_wrap=False, theme="ansi_dark",
                                    background_color="default"), id="json-text")
            yield Static("esc close · ↑↓ pgup pgdn scroll · g/G top/bottom", id="json-hint")

    def on_mount(self) -> None:
        self.query_one("#json-body", VerticalScroll).focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_top(self) -> None:
        self.query_one("#json-body", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#json-body", VerticalScroll).scroll_end(animate=False)
