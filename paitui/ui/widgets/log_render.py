"""Rendering the log view's rows (the Line API): only rows on screen are rendered, each line once per wrap
width (cached): timestamp dimmed, level colour, the ``[worker-3]`` prefix of a merged log, find matches
highlighted, then the gutter (line numbers), cursor and selection on top."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip

from paitui.live.logsearch import ERROR, WARNING, Pattern, ts_end

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    _View = ScrollView
else:
    _View = object  # a plain mixin at runtime: the widget is ``LogView``, which owns the state used here


class LogRendering(_View):
    """Part of ``LogView``: line → styled ``Text`` → cached ``Strip`` rows → the row at ``y``."""

    _lines: list[str]
    _base: int
    _wrap_width: int
    _cache: LRUCache[tuple[int, int], list[Strip]]
    _styles: dict[str, Style]
    merged: bool
    find: Pattern | None
    cursor: int | None
    anchor: int | None  # type: ignore[assignment]  # the selection start; shadows Widget.anchor(), see LogView

    if TYPE_CHECKING:
        wrap: bool
        show_timestamps: bool
        def level(self, index: int) -> int: ...
        def _locate(self, row: int) -> tuple[int, int] | None: ...
        def _shown_at(self, pos: int) -> int: ...
        def _gutter_width(self) -> int: ...

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
