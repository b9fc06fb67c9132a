"""A Line-API log view for huge, growing logs (the toolong shape): only visible rows are rendered.

Lines arrive in one batch per poll (``append``); the view keeps at most ``max_lines`` in memory (the screen
spools the full history to disk). Per line on ingest there is almost no work — a list extend, plus a
pattern test only while a filter is on — so a million-line stream costs what the screen shows, not what
passes through. Rendering (level colour, find highlights, wrap) happens for the rows on screen, cached
per line.

Indices are absolute (line 1 is the first line ever appended), so dropping old lines moves a base offset
instead of renumbering; line numbers shown are the same as in a saved file.

This module holds the widget, its lines and their layout (ingest, trim, wrapped-row bookkeeping, follow);
the rest of ``LogView`` comes from ``log_filters`` (filter, find, levels), ``log_render`` (the rows drawn)
and ``log_navigation`` (cursor, paging, selection).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paitui.live.logsearch import Pattern, strip_ts
from paitui.ui.widgets.log_filters import LogFilters
from paitui.ui.widgets.log_navigation import LogNavigation
from paitui.ui.widgets.log_render import LogRendering

DEFAULT_MAX_LINES = 50_000


@dataclass(frozen=True, slots=True)
class ViewStats:
    total: int  # lines ever appended
    kept: int  # lines in memory
    shown: int  # lines passing the filters
    new: int  # lines appended while paused
    matches: int  # lines in memory matching find


class LogView(LogFilters, LogRendering, LogNavigation, ScrollView, can_focus=True):
    """Follow mode sticks to the bottom; any upward move pauses it and counts new lines until resumed."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "follow", "Follow", show=False),
        Binding("left,h", "pan(-8)", "Left", show=False),
        Binding("right,l", "pan(8)", "Right", show=False),
        Binding("space", "mark", "Select", show=False),
        Binding("escape", "unmark", "Clear selection", show=False),
        Binding("enter", "open_line", "Open line", show=False),
    ]
    COMPONENT_CLASSES = {
        "log-view--error", "log-view--warning", "log-view--timestamp", "log-view--prefix",
        "log-view--match", "log-view--cursor", "log-view--selection", "log-view--gutter",
    }
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        scrollbar-gutter: stable;
        overflow: auto auto;
        & > .log-view--error { color: $text-error; }
        & > .log-view--warning { color: $text-warning; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--prefix { color: $text-accent; text-style: bold; }
        & > .log-view--match { background: $warning 60%; color: $text; text-style: bold; }
        & > .log-view--cursor { background: $primary 35%; }
        & > .log-view--selection { background: $accent 30%; }
        & > .log-view--gutter { color: $text-muted; }
    }
    """

    follow: reactive[bool] = reactive(True, init=False)
    wrap: reactive[bool] = reactive(False, init=False)
    show_timestamps: reactive[bool] = reactive(True, init=False)
    show_line_numbers: reactive[bool] = reactive(False, init=False)

    class Changed(Message):
        """Follow state, counts or cursor changed (the screen redraws its status line)."""

    class Open(Message):
        """Enter on a line: show it whole (pretty JSON when it carries JSON)."""

        def __init__(self, index: int, line: str) -> None:
            super().__init__()
            self.index = index
            self.line = line

    def __init__(self, *, max_lines: int = DEFAULT_MAX_LINES, merged: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_lines = max(1, max_lines)
        self.merged = merged
        self._lines: list[str] = []
        self._base = 0  # absolute index of _lines[0]
        self._shown: list[int] | None = None  # absolute indices passing the filters (None: every line)
        self._cum: list[int] | None = None  # wrap mode: rows before each shown line (absolute running sum)
        self._cum_end = 0
        self._wrap_width = 0
        self._width = 0
        self.filter: Pattern | None = None
        self.levels_only = False  # show only warnings and errors
        self.find: Pattern | None = None
        self._matches = 0
        self.new_lines = 0
        self.cursor: int | None = None  # absolute index; None while following (the last line is current)
        # selection start (space), the cursor is the other end. It shadows Widget.anchor(), which only an app
        # calls (Textual itself never does for a ScrollView), and this one never does
        self.anchor: int | None = None  # type: ignore[assignment]
        self._cache: LRUCache[tuple[int, int], list[Strip]] = LRUCache(2048)
        self._styles: dict[str, Style] = {}
        self._level_cache: LRUCache[int, int] = LRUCache(8192)

    # --- ingest -------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._base + len(self._lines)

    @property
    def kept(self) -> int:
        return len(self._lines)

    def line(self, index: int) -> str | None:
        i = index - self._base
        return self._lines[i] if 0 <= i < len(self._lines) else None

    def first_error(self) -> int | None:
        """The index of the first line a reader of a failure should start at (``live.why.signatures``: a
        traceback's first line or a known error signature) among the lines kept and shown; None if none."""
        from paitui.live.why.signatures import first_error_line

        shown = [self._shown_at(pos) for pos in range(self.shown_count)]
        found = first_error_line([self._lines[i - self._base] for i in shown])
        return shown[found] if found is not None else None

    def append(self, lines: list[str]) -> None:
        """Add one poll's lines (one call per batch: per-line calls would redo the bookkeeping each time)."""
        if not lines:
            return
        start = self.total
        self._lines.extend(lines)
        self._width = max(self._width, max(map(len, lines)))
        if self._shown is not None:
            keep, before = self._keep, len(self._shown)
            self._shown.extend(start + i for i, line in enumerate(lines) if keep(start + i, line))
            added = len(self._shown) - before
        else:
            added = len(lines)
        if self._cum is not None:
            self._extend_rows(start)
        if self.find is not None:
            search = self.find.compiled.search
            self._matches += sum(1 for line in lines if search(line))
        self._trim()
        if not self.follow:
            self.new_lines += added
        self._sync_size()
        if self.follow:
            self._stick()
        self.refresh()
        self.post_message(self.Changed())

    def clear(self) -> None:
        self._lines.clear()
        self._base = 0
        self._shown = [] if self._shown is not None else None
        self._cum = [] if self._cum is not None else None
        self._cum_end = 0
        self._width = 0
        self._matches = 0
        self.new_lines = 0
        self.cursor = self.anchor = None
        self._cache.clear()
        self._level_cache.clear()
        self.follow = True
        self._sync_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Changed())

    def _trim(self) -> None:
        extra = len(self._lines) - self.max_lines
        if extra <= 0:
            return
        dropped = self._lines[:extra]
        del self._lines[:extra]
        self._base += extra
        rows_before = self._row_total()
        if self._shown is not None:
            cut = bisect_right(self._shown, self._base - 1)
            del self._shown[:cut]
            if self._cum is not None:
                del self._cum[:cut]
        elif self._cum is not None:
            del self._cum[:extra]
        if self.find is not None:
            search = self.find.compiled.search
            self._matches -= sum(1 for line in dropped if search(line))
        if self.cursor is not None and self.cursor < self._base:
            self.cursor = self._base
        if self.anchor is not None and self.anchor < self._base:
            self.anchor = self._base
        if not self.follow:  # keep the lines being read in place while older ones go
            removed = rows_before - self._row_total()
            self.scroll_to(y=max(0, self.scroll_offset.y - removed), animate=False, immediate=True)

    # --- layout -------------------------------------------------------------------------------------

    @property
    def shown_count(self) -> int:
        return len(self._lines) if self._shown is None else len(self._shown)

    def _shown_at(self, pos: int) -> int:
        return self._base + pos if self._shown is None else self._shown[pos]

    def _pos_of(self, index: int) -> int:
        """Position among shown lines of the shown line at or before ``index``."""
        if self._shown is None:
            return min(max(index - self._base, 0), len(self._lines) - 1)
        return max(bisect_right(self._shown, index) - 1, 0)

    def _content_width(self) -> int:
        return max(10, self.scrollable_content_region.width - self._gutter_width())

    def _gutter_width(self) -> int:
        return len(str(self.total)) + 1 if self.show_line_numbers else 0

    def _display(self, line: str) -> str:
        return line if self.show_timestamps else strip_ts(line)

    def _rows_of(self, line: str, width: int) -> int:
        text = self._display(line)
        n = len(text) if text.isascii() else cell_len(text)
        return max(1, -(-n // width))

    def _extend_rows(self, start_index: int) -> None:
        assert self._cum is not None
        width = self._wrap_width
        idxs = range(start_index, self.total) if self._shown is None else \
            self._shown[bisect_right(self._shown, start_index - 1):]
        cum, total = self._cum, self._cum_end
        for index in idxs:
            cum.append(total)
            total += self._rows_of(self._lines[index - self._base], width)
        self._cum_end = total

    def _row_total(self) -> int:
        if self._cum is None:
            return self.shown_count
        return self._cum_end - (self._cum[0] if self._cum else self._cum_end)

    def _relayout(self) -> None:
        """Recompute rows after a wrap/width/filter/timestamp change, keeping the cursor line in view."""
        anchor_line = self.cursor if self.cursor is not None else self._top_line()
        if self.wrap:
            self._wrap_width = self._content_width()
            self._cum, self._cum_end = [], 0
            self._extend_rows(self._base)
        else:
            self._cum = None
        self._cache.clear()
        self._sync_size()
        if self.follow:
            self._stick()
        elif anchor_line is not None:
            self.scroll_to(y=self._row_of(anchor_line), animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Changed())

    def _sync_size(self) -> None:
        width = 0 if self.wrap else self._width + self._gutter_width() + 1
        self.virtual_size = Size(width, self._row_total())

    def _row_of(self, index: int) -> int:
        pos = self._pos_of(index)
        if self._cum is None:
            return pos
        return self._cum[pos] - self._cum[0] if self._cum else 0

    def _locate(self, row: int) -> tuple[int, int] | None:
        """(shown position, row within the wrapped line) of view row ``row``."""
        if self._cum is None:
            return (row, 0) if 0 <= row < self.shown_count else None
        if not self._cum or row < 0:
            return None
        target = self._cum[0] + row
        if target >= self._cum_end:
            return None
        pos = bisect_right(self._cum, target) - 1
        return pos, target - self._cum[pos]

    def _top_line(self) -> int | None:
        hit = self._locate(self.scroll_offset.y)
        return self._shown_at(hit[0]) if hit else None

    def on_resize(self, event: events.Resize) -> None:
        if self.wrap and self._content_width() != self._wrap_width:
            self._relayout()
        elif self.follow:
            self._stick()

    def _stick(self) -> None:
        """Follow mode: show the last row now, and again once layout has settled (a first batch can arrive
        before the view knows its height)."""
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.call_after_refresh(self._stick_later)

    def _stick_later(self) -> None:
        if self.follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def watch_wrap(self) -> None:
        self._relayout()

    def watch_show_timestamps(self) -> None:
        self._relayout()

    def watch_show_line_numbers(self) -> None:
        self._relayout()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.new_lines = 0
            self.cursor = self.anchor = None
            self._stick()
            self._cache.clear()
            self.refresh()
        self.post_message(self.Changed())

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._pause()
        self._cache_refresh()

    def on_click(self, event: events.Click) -> None:
        hit = self._locate(self.scroll_offset.y + event.y)
        if hit is not None:
            self._pause()
            self.cursor = self._shown_at(hit[0])
            self._cache_refresh()

    def stats(self) -> ViewStats:
        return ViewStats(self.total, self.kept, self.shown_count, self.new_lines, self._matches)
