"""The log view's search and filter state: the filter (``&``, may be inverted), warnings/errors only (``e``),
find (``/``, highlighted in rendering, ``n``/``N`` to move), and the level of a line (an indented line takes
the level of the line it continues, as in a traceback). Filtering keeps the absolute indices of the lines
that pass (``_shown``; None while nothing is filtered), so a filter costs one pattern test per line on
ingest and nothing per frame."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from textual.cache import LRUCache
from textual.strip import Strip

from paitui.live.logsearch import PLAIN, Pattern, classify, is_continuation, strip_ts

if TYPE_CHECKING:
    from textual.message import Message
    from textual.scroll_view import ScrollView

    _View = ScrollView
else:
    _View = object  # a plain mixin at runtime: the widget is ``LogView``, which owns the state used here

_LOOKBACK = 64  # how far an indented line looks back for the line it continues (tracebacks)


class LogFilters(_View):
    """Part of ``LogView``: which lines are shown, which match find, and each line's level."""

    _lines: list[str]
    _base: int
    _shown: list[int] | None
    _matches: int
    filter: Pattern | None
    levels_only: bool
    find: Pattern | None
    cursor: int | None
    _cache: LRUCache[tuple[int, int], list[Strip]]
    _level_cache: LRUCache[int, int]

    if TYPE_CHECKING:
        Changed: type[Message]
        @property
        def shown_count(self) -> int: ...
        def line(self, index: int) -> str | None: ...
        def current(self) -> int | None: ...
        def move_to(self, index: int) -> None: ...
        def _shown_at(self, pos: int) -> int: ...
        def _pos_of(self, index: int) -> int: ...
        def _relayout(self) -> None: ...

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
