"""The log view's helpers: the find/filter bar, the find-all results over the whole spooled history, and the
one-line detail (pretty JSON when the line carries JSON)."""

from __future__ import annotations

import json
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from paitui.live.logsearch import Pattern, PatternError, json_payload, strip_ts
from paitui.live.spool import LogSpool
from paitui.ui.focus import focus_now
from paitui.ui.widgets.log_view import LogView

Mode = Literal["find", "filter"]
FIND_ALL_LIMIT = 10_000


class FindBar(Horizontal):
    """``/`` find or ``&`` filter (leading ``!`` inverts); ctrl+r regex, ctrl+t case; esc closes.

    An invalid regex shows a message in the bar and changes nothing in the view.
    """

    DEFAULT_CSS = """
    /* not docked: it follows the log's status bar, above the docked Footer (docked, the Footer covered it) */
    FindBar { height: 1; display: none; background: $boost; }
    FindBar.-open { display: block; }
    FindBar > #find-mode { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
    FindBar > Input, FindBar > Input:focus { width: 1fr; border: none; height: 1; padding: 0; background: $boost; }
    FindBar > #find-flags { width: auto; padding: 0 1; color: $text-muted; }
    FindBar.-error { background: $error 30%; }
    FindBar.-error > Input { background: $error 30%; }
    """
    BINDINGS = [
        Binding("escape", "close", "Cancel", show=False),
        Binding("ctrl+r", "toggle_regex", "Regex", show=False),
        Binding("ctrl+t", "toggle_case", "Case", show=False),
    ]

    class Applied(Message):
        def __init__(self, mode: Mode, pattern: Pattern | None) -> None:
            super().__init__()
            self.mode = mode
            self.pattern = pattern

    def __init__(self) -> None:
        super().__init__(id="find-bar")
        self.mode: Mode = "find"
        self.regex = False
        self.case = False

    def compose(self) -> ComposeResult:
        yield Label("/", id="find-mode")
        yield Input(id="find-input", placeholder="pattern (enter: apply, empty: clear)")
        yield Label("", id="find-flags")

    def open(self, mode: Mode, text: str = "") -> None:
        self.mode = mode
        self.remove_class("-error")
        self.query_one("#find-mode", Label).update("/" if mode == "find" else "& (!: invert)")
        entry = self.query_one("#find-input", Input)
        entry.value = text
        self._show_flags()
        self.add_class("-open")
        focus_now(entry)

    def action_close(self) -> None:
        self.remove_class("-open", "-error")
        self.screen.query_one(LogView).focus()

    def action_toggle_regex(self) -> None:
        self.regex = not self.regex
        self._show_flags()

    def action_toggle_case(self) -> None:
        self.case = not self.case
        self._show_flags()

    def _show_flags(self) -> None:
        flags = Text()
        flags.append("regex" if self.regex else "text", style="bold" if self.regex else "")
        flags.append(" · ")
        flags.append("Aa" if self.case else "aA", style="bold" if self.case else "")
        flags.append("  ^r ^t", style="dim")
        self.query_one("#find-flags", Label).update(flags)

    def compile(self, text: str) -> Pattern | None:
        if not text:
            return None
        if self.mode == "filter":
            return Pattern.parse_filter(text, regex=self.regex, case=self.case)
        return Pattern.compile(text, regex=self.regex, case=self.case)

    @on(Input.Submitted, "#find-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            pattern = self.compile(event.value)
        except PatternError as error:
            self.add_class("-error")
            self.app.notify(str(error), severity="error", markup=False)
            return
        self.post_message(self.Applied(self.mode, pattern))
        self.action_close()


class LineScreen(ModalScreen[None]):
    """One line in full: its JSON pretty-printed when it carries JSON, else wrapped."""

    DEFAULT_CSS = """
    LineScreen { align: center middle; }
    LineScreen > Vertical { width: 90%; height: 80%; border: round $accent; background: $surface; }
    LineScreen #line-title { height: 1; padding: 0 1; color: $text-muted; }
    LineScreen VerticalScroll { padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, number: int, line: str) -> None:
        super().__init__()
        self.number = number
        self.line = line

    def compose(self) -> ComposeResult:
        payload = json_payload(strip_ts(self.line))
        with Vertical():
            kind = "JSON" if payload is not None else "line"
            yield Static(Text(f"{kind} at line {self.number} — esc to close"), id="line-title")
            with VerticalScroll():
                if payload is not None:
                    from rich.syntax import Syntax

                    yield Static(Syntax(json.dumps(payload, indent=2, ensure_ascii=False), "json",
                                        word_wrap=True, background_color="default"), id="line-body")
                else:
                    yield Static(Text(self.line), id="line-body")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class FindAllScreen(ModalScreen[None]):
    """Every fetched line (the spool, not only what the view keeps; bounded, see ``LogSpool``) matching a
    pattern."""

    DEFAULT_CSS = """
    FindAllScreen { align: center middle; }
    FindAllScreen > Vertical { width: 95%; height: 90%; border: round $accent; background: $surface; }
    FindAllScreen #find-all-title { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, spool: LogSpool, pattern: Pattern) -> None:
        super().__init__()
        self.spool = spool
        self.pattern = pattern
        self.found = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"searching the whole log for {self.pattern.describe()} …"), id="find-all-title")
            yield LogView(max_lines=FIND_ALL_LIMIT, id="find-all-results")

    def on_mount(self) -> None:
        view = self.query_one(LogView)
        view.show_timestamps = True
        view.set_find(self.pattern)
        view.focus()
        self._search()

    @work(thread=True, exclusive=True, group="find-all", exit_on_error=False)
    def _search(self) -> None:
        batch: list[str] = []
        for number, line in self.spool.search(self.pattern, limit=FIND_ALL_LIMIT):
            batch.append(f"{number:>8}: {line}")
            if len(batch) >= 2000:
                self.app.call_from_thread(self._add, batch)
                batch = []
        self.app.call_from_thread(self._add, batch, True)

    def _add(self, lines: list[str], last: bool = False) -> None:
        if not self.is_attached:  # closed while the search ran: nowhere to show the matches
            return
        self.found += len(lines)
        view = self.query_one(LogView)
        view.append(lines)
        if last:
            view.action_top()
            more = " (first 10,000)" if self.found >= FIND_ALL_LIMIT else ""
            dropped = (f" (the oldest {self.spool.dropped:,} fetched lines were dropped from the spool)"
                       if self.spool.dropped else "")
            title = (f"{self.found:,} lines of {self.spool.count:,} match {self.pattern.describe()}{more}{dropped}"
                     " — line numbers count the fetched lines; esc to close")
            self.query_one("#find-all-title", Static).update(Text(title))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
