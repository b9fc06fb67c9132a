"""A Line-API log view for huge, growing logs (the toolong shape): only visible rows are rendered.

Lines arrive in one batch per poll (``append``); the view keeps at most ``max_lines`` in memory (the screen
spools the full history to disk). Per line on ingest there is almost no work — a list extend, plus a
pattern test only while a filter is on — so a million-line stream costs what the screen shows, not what
passes through. Rendering (level colour, find highlights, wrap) happens for the rows on screen, cached
per line.

Indices are absolute (line 1 is the first line ever appended), so dropping old lines moves a base offset
instead of renumbering; line numbers shown are the same as in a saved file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paitui.live.logsearch import ERROR, PLAIN, WARNING, Pattern, classify, is_continuation, strip_ts, ts_end

DEFAULT_MAX_LINES = 50_000
_LOOKBACK = 64  # how far an indented line looks back for the line it continues (tracebacks)


@dataclass(frozen=True, slots=True)
class ViewStats:
    total: int  # lines ever appended
    kept: int  # lines in memory
    shown: int  # lines passing the filters
    new: int  # lines appended while paused
    matches: int  # lines in memory matching find


class LogView(ScrollView, can_focus=True):
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
        self.anchor: int | None = None  # selection start (space), the cursor is the other end
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

    # --- filters ------------------------------------------------------------------------------------

    def _keep(self, index: int, line: str) -> bool:
        if self.filter is not None and not self.filter.matches(line):
            return False
        return not self.levels_only or self.level(index) != PLAIN

    def set_filter(self, pattern: Pattern | None, *, levels_only: bool | None = None) -> None:
        self.filter = pattern
        if levels_only is not None:
            self.levels_only = levels_only
        if self.filter is None and not self.levels_only:
            self._shown = None
        else:
            base, keep = self._base, self._keep
            self._shown = [base + i for i, line in enumerate(self._lines) if keep(base + i, line)]
        if self.cursor is not None and self._shown is not None:  # onto the nearest line still shown
            pos = bisect_right(self._shown, self.cursor) - 1
            self.cursor = self._shown[max(pos, 0)] if self._shown else None
        self._relayout()

    def set_find(self, pattern: Pattern | None) -> None:
        self.find = pattern
        self._matches = 0 if pattern is None else sum(1 for line in self._lines if pattern.compiled.search(line))
        self._cache.clear()
        self.refresh()
        self.post_message(self.Changed())

    def level(self, index: int) -> int:
        """0 plain, 1 warning, 2 error; an indented line takes the level of the line it continues."""
        cached = self._level_cache.get(index)
        if cached is not None:
            return cached
        line = self.line(index)
        if line is None:
            return PLAIN
        text = strip_ts(line)
        level = classify(text)
        if level == PLAIN and is_continuation(text):
            for back in range(index - 1, max(self._base, index - _LOOKBACK) - 1, -1):
                above = strip_ts(self._lines[back - self._base])
                if not is_continuation(above):
                    level = classify(above)
                    break
        self._level_cache[index] = level
        return level

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

    # --- rendering ----------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"log-view--{name}", partial=True)
        return style

    def _text(self, index: int, line: str) -> Text:
        cut = ts_end(line) if line[:1].isdigit() else 0
        body = line[cut:]
        text = Text(no_wrap=not self.wrap, end="")
        if self.show_timestamps and cut:
            text.append(line[:cut], self._style("timestamp"))
        offset = len(text)
        level = self.level(index)
        text.append(body, self._style("error") if level == ERROR else self._style("warning")
                    if level == WARNING else None)
        if self.merged and body.startswith("["):
            close = body.find("]")
            if close > 0:
                text.stylize(self._style("prefix"), offset, offset + close + 1)
        if self.find is not None:
            plain = text.plain
            match = self._style("match")
            for a, b in self.find.spans(plain):
                text.stylize(match, a, b)
        return text

    def _strips(self, index: int) -> list[Strip]:
        width = self._wrap_width if self.wrap else 0
        key = (index, width)
        strips = self._cache.get(key)
        if strips is None:
            line = self._lines[index - self._base].expandtabs()
            text = self._text(index, line)
            text.stylize_before(self.rich_style)
            console = self.app.console
            if self.wrap:
                strips = [Strip(part.render(console), part.cell_len) for part in text.wrap(console, width)] or \
                    [Strip([])]
            else:
                strips = [Strip(text.render(console), text.cell_len)]
            self._cache[key] = strips
        return strips

    def _selected(self, index: int) -> bool:
        if self.anchor is None or self.cursor is None:
            return False
        lo, hi = sorted((self.anchor, self.cursor))
        return lo <= index <= hi

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base_style = self.rich_style
        hit = self._locate(scroll_y + y)
        if hit is None:
            return Strip.blank(width, base_style)
        pos, sub = hit
        index = self._shown_at(pos)
        strips = self._strips(index)
        strip = strips[sub] if sub < len(strips) else Strip([])
        gutter = self._gutter_width()
        body_width = width - gutter
        strip = strip.crop_extend(0 if self.wrap else scroll_x, (0 if self.wrap else scroll_x) + body_width,
                                  base_style)
        if gutter:
            number = f"{index + 1}".rjust(gutter - 1) + " " if sub == 0 else " " * gutter
            strip = Strip.join([Strip([Segment(number, base_style + self._style("gutter"))], gutter), strip])
        if self.cursor == index:
            strip = strip.apply_style(self._style("cursor"))
        elif self._selected(index):
            strip = strip.apply_style(self._style("selection"))
        return strip

    # --- navigation ---------------------------------------------------------------------------------

    def _pause(self) -> None:
        if self.follow:
            self.follow = False
            if self.cursor is None and self.shown_count:
                bottom = self._locate(min(self.scroll_offset.y + self.scrollable_content_region.height - 1,
                                          self._row_total() - 1))
                self.cursor = self._shown_at(bottom[0]) if bottom else self._shown_at(self.shown_count - 1)

    def current(self) -> int | None:
        """The line enter/copy act on: the cursor, or the last shown line while following."""
        if self.cursor is not None:
            return self.cursor
        return self._shown_at(self.shown_count - 1) if self.shown_count else None

    def move_to(self, index: int) -> None:
        """Put the cursor on ``index`` and scroll it into view (pauses follow)."""
        self._pause()
        self.cursor = index
        row = self._row_of(index)
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        self._cache_refresh()

    def _cache_refresh(self) -> None:
        self.refresh()
        self.post_message(self.Changed())

    def action_cursor(self, delta: int) -> None:
        if not self.shown_count:
            return
        if delta > 0 and self.follow:
            return  # already at the end
        self._pause()
        pos = self._pos_of(self.cursor if self.cursor is not None else self.total - 1)
        pos = min(max(pos + delta, 0), self.shown_count - 1)
        self.move_to(self._shown_at(pos))

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        if direction > 0 and self.follow:
            return
        self._pause()
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, immediate=True)
        hit = self._locate(self.scroll_offset.y if direction < 0 else
                           min(self.scroll_offset.y + height, self._row_total() - 1))
        if hit:
            self.cursor = self._shown_at(hit[0])
        self._cache_refresh()

    def action_top(self) -> None:
        if self.shown_count:
            self.move_to(self._shown_at(0))
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_follow(self) -> None:
        if self.follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.follow = True

    def action_pan(self, delta: int) -> None:
        if not self.wrap:
            self.scroll_to(x=self.scroll_offset.x + delta, animate=False, immediate=True)

    def action_mark(self) -> None:
        self._pause()
        current = self.current()
        self.anchor = None if self.anchor is not None else current
        self.cursor = current
        self._cache_refresh()

    def action_unmark(self) -> None:
        if self.anchor is None:
            raise SkipAction()  # nothing selected: let esc go back
        self.anchor = None
        self._cache_refresh()

    def selection(self) -> list[str]:
        """The selected lines (space … move), else the current line."""
        current = self.current()
        if current is None:
            return []
        lo, hi = (current, current) if self.anchor is None else sorted((self.anchor, current))
        shown = [self._shown_at(p) for p in range(self._pos_of(lo), self._pos_of(hi) + 1)]
        return [line for i in shown if lo <= i <= hi and (line := self.line(i)) is not None]

    def find_next(self, direction: int) -> int | None:
        """Move to the next (1) or previous (−1) shown line matching find, wrapping around."""
        if self.find is None or not self.shown_count:
            return None
        search = self.find.compiled.search
        n = self.shown_count
        current = self.current()
        start = self._pos_of(current) if current is not None else (n - 1 if direction > 0 else 0)
        for step in range(1, n + 1):
            pos = (start + direction * step) % n
            index = self._shown_at(pos)
            if search(self._lines[index - self._base]):
                self.move_to(index)
                return index
        return None

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._pause()
        self._cache_refresh()

    def on_click(self, event: events.Click) -> None:
        hit = self._locate(self.scroll_offset.y + event.y)
        if hit is not None:
            self._pause()
            self.cursor = self._shown_at(hit[0])
            self._cache_refresh()

    def action_open_line(self) -> None:
        current = self.current()
        line = self.line(current) if current is not None else None
        if current is not None and line is not None:
            self.post_message(self.Open(current, line))

    def stats(self) -> ViewStats:
        return ViewStats(self.total, self.kept, self.shown_count, self.new_lines, self._matches)
