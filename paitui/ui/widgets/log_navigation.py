"""Moving around the log view: the cursor (absolute line index; None while following), paging, top and
follow, horizontal pan, the selection (``space`` marks an anchor, the cursor is the other end) and the line
``enter`` opens. Any move up pauses follow; the view counts new lines until it is resumed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.message import Message
    from textual.scroll_view import ScrollView

    _View = ScrollView
else:
    _View = object  # a plain mixin at runtime: the widget is ``LogView``, which owns the state used here


class LogNavigation(_View):
    """Part of ``LogView``: cursor, paging, selection."""

    cursor: int | None
    anchor: int | None  # type: ignore[assignment]  # the selection start; shadows Widget.anchor(), see LogView

    if TYPE_CHECKING:
        Changed: type[Message]
        Open: Callable[[int, str], Message]
        follow: bool
        wrap: bool
        @property
        def shown_count(self) -> int: ...
        @property
        def total(self) -> int: ...
        def line(self, index: int) -> str | None: ...
        def _locate(self, row: int) -> tuple[int, int] | None: ...
        def _shown_at(self, pos: int) -> int: ...
        def _pos_of(self, index: int) -> int: ...
        def _row_of(self, index: int) -> int: ...
        def _row_total(self) -> int: ...

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

    def action_open_line(self) -> None:
        current = self.current()
        line = self.line(current) if current is not None else None
        if current is not None and line is not None:
            self.post_message(self.Open(current, line))
