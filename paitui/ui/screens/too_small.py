"""Shown instead of a broken layout when the terminal is smaller than 80×24.

The notice itself must fit the terminal it is shown in: the longest wording that fits (wrapped to the width,
no more lines than the height) is chosen, down to a bare ``40×10 < 80×24``."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


def wordings(width: int, height: int) -> list[str]:
    """From the fullest to the shortest; paragraphs are separated by newlines."""
    need, have = f"{MIN_WIDTH}×{MIN_HEIGHT}", f"{width}×{height}"
    return [
        f"paitui needs at least {need}; this terminal is {have}.\nMake the window larger (or press ctrl+q to quit).",
        f"paitui needs {need}; this is {have}.\nEnlarge it, or ctrl+q to quit.",
        f"paitui needs {need}, this is {have}.\nctrl+q quits",
        f"needs {need}, is {have}",
        f"{have} < {need}",
        have,
    ]


def fit(text: str, width: int) -> list[str]:
    """The lines ``text`` takes at ``width`` columns, each paragraph wrapped on its own (words kept whole
    when they fit, cut only when one word is wider than the terminal)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, max(width, 1), break_on_hyphens=False) or [""]
    return lines


def notice(width: int, height: int) -> str:
    """The longest wording whose wrapped lines fit ``width``×``height`` (the last one, cut, if none does)."""
    for text in wordings(width, height):
        lines = fit(text, width)
        if len(lines) <= height and all(len(line) <= width for line in lines):
            return "\n".join(lines)
    return wordings(width, height)[-1][: max(width, 1)]


class TooSmallScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: auto; height: auto; max-width: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="message")

    def on_mount(self) -> None:
        self.update_size(self.app.size.width, self.app.size.height)

    def update_size(self, width: int, height: int) -> None:
        # the app resizes this screen as soon as it is pushed, before its Static exists: then on_mount draws it
        for message in self.query("#message").results(Static):
            message.update(Text(notice(width, height), justify="center", no_wrap=True))
