"""Scrollable detail modals that can load their content: ``DetailModal`` (the frame) and ``TextModal``.

A modal opens at once, says "Loading…", and fills itself from an async ``loader`` run in its own worker, so
enter on a row never blocks the list behind it; a failed load shows the error inside the modal (no crash, no
markup). ``TextModal`` shows a document — a pipeline manifest, template versions — through
``rich.syntax.Syntax`` with a lexer (YAML by default; ``json_view.JsonModal`` is the JSON flavour): syntax
highlighting never parses markup, so a server string such as ``x [/oops]`` shows literally. ``esc``/``q``
close, ``g``/``G`` jump to top/bottom.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

T = TypeVar("T")
Loader = Callable[[], Awaitable[T]]
HINT = "esc close · ↑↓ pgup pgdn scroll · g/G top/bottom"


class DetailModal(ModalScreen[None], Generic[T]):
    """A titled, scrollable frame whose body is ``render_body(data)``; data given or loaded."""

    DEFAULT_CSS = """
    DetailModal { align: center middle; }
    DetailModal > #detail-frame {
        width: 90%; height: 90%; border: round $primary; background: $surface; padding: 0 1;
    }
    DetailModal #detail-scroll { height: 1fr; overflow: auto auto; }
    DetailModal #detail-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="detail-close"),
        Binding("q", "close", "Close", show=False),
        Binding("g", "top", "Top", show=False),
        Binding("G", "bottom", "Bottom", show=False),
    ]

    def __init__(self, title: str, data: T | None = None, *, loader: Loader[T] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.data = data
        self._loader = loader
        self.loaded = loader is None  # tests wait on this

    def render_body(self, data: T) -> RenderableType:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-frame") as frame:
            frame.border_title = Text(self.title_text)  # Text: a resource name is never markup
            with ScrollableContainer(id="detail-scroll"):
                body = Text("Loading…", style="italic") if self.data is None else self.render_body(self.data)
                yield Static(body, id="detail-body")
            yield Static(HINT, id="detail-hint")

    def on_mount(self) -> None:
        self.query_one("#detail-scroll", ScrollableContainer).focus()
        if self._loader is not None:
            self._load()

    @work(exclusive=True, group="detail-modal", exit_on_error=False)
    async def _load(self) -> None:
        assert self._loader is not None
        body = self.query_one("#detail-body", Static)
        try:
            self.data = await self._loader()
        except Exception as error:  # why: any failure belongs in the modal, not in a crashed worker
            body.update(Text(f"Could not load: {error}", style="bold red"))
        else:
            body.update(self.render_body(self.data))
        self.loaded = True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_top(self) -> None:
        self.query_one("#detail-scroll", ScrollableContainer).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#detail-scroll", ScrollableContainer).scroll_end(animate=False)


class TextModal(DetailModal[str]):
    """A document (YAML by default) with syntax highlighting; the text is never parsed as markup."""

    DEFAULT_CSS = """
    TextModal #detail-body { width: auto; }  /* long lines scroll sideways instead of being cut */
    """

    def __init__(self, title: str, text: str | None = None, *, loader: Loader[str] | None = None,
                 lexer: str = "yaml", line_numbers: bool = True, wrap: bool = False) -> None:
        super().__init__(title, text, loader=loader)
        self.lexer = lexer
        self.line_numbers = line_numbers
        self.wrap = wrap  # prose (an explanation) wraps; a document scrolls sideways

    def on_mount(self) -> None:
        if self.wrap:
            self.query_one("#detail-body").styles.width = "100%"
        super().on_mount()

    def render_body(self, data: str) -> RenderableType:
        if not data.strip():
            return Text("(empty)", style="italic")
        return Syntax(data, self.lexer, theme="ansi_dark", background_color="default", word_wrap=self.wrap,
                      line_numbers=self.line_numbers)


def plain(value: Any) -> Text:
    """A backend value as literal text (``None`` as an em dash)."""
    return Text("—" if value is None or value == "" else str(value))
