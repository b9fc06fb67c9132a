"""`ResourceTable`: the one virtual table every list screen uses.

A Line-API `ScrollView`: a `RowStore` (table_model.py) keeps rows keyed by resource id and a *view*
(the keys that pass the filter, in sort order); the widget renders only the lines on screen, from an
LRU cache of strips keyed by (row key, row version, layout, cursor/mark/flash state). Updating 100 of
10,000 rows therefore costs 100 dict writes plus re-rendering the few visible lines that changed;
filtering and sorting rebuild the view in O(n) Python without touching the widget tree. The cursor
follows a row *key*, so refreshes, filters and sorts never make it jump to row 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from paitui.live.diff import RowDiff
from paitui.ui.widgets.table_columns import (
    Column,
    TableLayout,
    layout_columns,
    measure_columns,
    render_cells,
    render_titles,
)
from paitui.ui.widgets.table_model import SAMPLE_HEAD, SAMPLE_SPREAD, RowStore, sample

__all__ = ["Column", "ResourceTable"]

Row = Any
RowStyle = Callable[[Row], "Style | str | None"]
HEADER_HEIGHT = 1
MARKER = "●"
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"  # the gutter of a row an action is working on (one cell per frame)
SPIN_SECONDS = 0.1


class ResourceTable(ScrollView, can_focus=True):
    """A virtual, keyboard-driven table of resources keyed by id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False),
        Binding("home,g", "cursor_first", "First", show=False),
        Binding("end,G", "cursor_last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
        Binding("space", "toggle_mark", "Mark", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--marked",
        "resource-table--flash",
        "resource-table--even-row",
        "resource-table--empty",
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        &:focus {
            background-tint: $foreground 5%;
            & > .resource-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .resource-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .resource-table--marked {
            background: $accent 25%;
            color: $foreground;
            text-style: bold;
        }
        & > .resource-table--flash {
            background: $warning 35%;
            color: $foreground;
        }
        & > .resource-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .resource-table--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    empty_message: reactive[str] = reactive("No rows", layout=False)
    """Shown centred when no row is visible, e.g. "Loading…" or "No jobs match status:Failed"."""
    zebra: reactive[bool] = reactive(False)
    """Alternate row backgrounds."""

    # ---------------------------------------------------------------- messages

    class _RowMessage(Message):
        def __init__(self, table: ResourceTable, key: str, row: Row) -> None:
            super().__init__()
            self.table, self.key, self.row = table, key, row

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row."""

    class RowSelected(_RowMessage):
        """`enter` (or a click on the cursor row) chose a row."""

    class MarksChanged(Message):
        """The set of marked rows changed (`space`, `clear_marks`, or marked rows disappeared)."""

        def __init__(self, table: ResourceTable, marked_keys: tuple[str, ...]) -> None:
            super().__init__()
            self.table, self.marked_keys = table, marked_keys

        @property
        def control(self) -> ResourceTable:
            return self.table

    class SortChanged(Message):
        """The sort column or direction changed (`column_key` None: natural order)."""

        def __init__(self, table: ResourceTable, column_key: str | None, reverse: bool) -> None:
            super().__init__()
            self.table, self.column_key, self.reverse = table, column_key, reverse

        @property
        def control(self) -> ResourceTable:
            return self.table

    # ---------------------------------------------------------------- construction

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Row], str],
        row_style: RowStyle | None = None,
        empty_message: str = "No rows",
        zebra: bool = False,
        flash_seconds: float = 1.5,
        cache_size: int = 1024,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.row_style = row_style
        """Extra style per row under the cell styles, e.g. `lambda job: "dim red" if failed else None`."""
        self.flash_seconds = flash_seconds
        self._store = RowStore(key)
        self._columns: list[Column] = []
        self._cursor = -1  # index in the view; the cursor *follows* _cursor_key across rebuilds
        self._cursor_key: str | None = None
        self._marks: dict[str, None] = {}  # insertion-ordered set
        self._flash: dict[str, float] = {}  # key -> monotonic deadline
        self._flash_timer: Timer | None = None
        self._busy: set[str] = set()  # rows an action is working on: a spinner in the gutter
        self._spin_frame = 0
        self._spin_timer: Timer | None = None
        self._natural: list[int] = []  # measured widths, grow-only so refreshes never jitter
        self._columns_at: TableLayout | None = None
        self._columns_at_key: tuple[int, tuple[int, ...]] | None = None
        self._columns_epoch = 0
        self._strips: LRUCache[tuple[Any, ...], Strip] = LRUCache(cache_size)
        self.set_reactive(ResourceTable.empty_message, empty_message)
        self.set_reactive(ResourceTable.zebra, zebra)
        self.set_columns(columns)

    # ---------------------------------------------------------------- public properties

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(self._columns)

    @property
    def row_count(self) -> int:
        """All rows held, visible or not."""
        return len(self._store.rows)

    @property
    def visible_count(self) -> int:
        """Rows passing the filter."""
        return len(self._store.view)

    @property
    def visible_keys(self) -> Sequence[str]:
        """Keys of the visible rows in display order (do not mutate)."""
        return self._store.view

    @property
    def cursor_key(self) -> str | None:
        return self._cursor_key

    @property
    def cursor_row(self) -> Row | None:
        return None if self._cursor_key is None else self._store.rows.get(self._cursor_key)

    @property
    def cursor_index(self) -> int:
        """Index of the cursor in the visible rows, -1 when empty."""
        return self._cursor

    @property
    def marked_keys(self) -> tuple[str, ...]:
        """Marked keys in the order they were marked."""
        return tuple(self._marks)

    @property
    def sort_column(self) -> str | None:
        return None if self._store.sort is None else self._store.sort[0].key

    @property
    def sort_reverse(self) -> bool:
        return False if self._store.sort is None else self._store.sort[1]

    @property
    def column_layout(self) -> TableLayout:
        """Column widths and x offsets at the current width (e.g. to place a header click)."""
        return self._get_column_layout()

    def get_row(self, key: str) -> Row | None:
        return self._store.rows.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._store.rows

    # ---------------------------------------------------------------- data

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the column specs (re-measured from a sample of the current rows)."""
        self._columns = list(columns)
        if self._store.sort is not None:  # re-bind the sort to the new spec of that column
            by_key = {column.key: column for column in self._columns}
            self._store.set_sort(by_key.get(self._store.sort[0].key), self._store.sort[1])
        self._natural = []
        self._remeasure(sample(list(self._store.rows.values())))
        self._rebuild_view()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace all rows, keeping the cursor on the same key and the scroll offset.

        Rows equal to the ones they replace keep their cached lines, filter results and sort values.
        """
        first_load = not self._store.rows
        fresh, removed = self._store.replace(rows)
        rows_by_key = self._store.rows
        if first_load:
            self._remeasure(sample(list(rows_by_key.values())))
        else:
            self._remeasure([rows_by_key[key] for key in fresh[: SAMPLE_HEAD + SAMPLE_SPREAD]])
        self._forget(removed)
        self._rebuild_view()

    def apply_diff(
        self,
        added: Iterable[Row] = (),
        changed: Iterable[Row] = (),
        removed: Iterable[str] = (),
        order: Iterable[str] | None = None,
    ) -> None:
        """Update rows in place by key; only affected visible lines are re-rendered.

        Added rows take their place in ``order`` (every key in the new natural order, e.g. newest first)
        or, without one, go to the end of the natural order; an "added" key that exists is a change and
        a "changed" key that does not is an addition.
        """
        changed = list(changed)
        shown = self._appearances([self._store.key(row) for row in changed])
        touched, gone, reorder = self._store.apply(added, changed, removed, order)
        if touched:
            rows = self._store.rows
            self._remeasure([rows[key] for key in touched[: SAMPLE_HEAD + SAMPLE_SPREAD]])
        self._forget(gone)
        if reorder:
            self._rebuild_view()
            return
        with self._batch():
            for key in touched:  # same view: repaint only the changed lines that are on screen
                if key in shown and self._appearance(self._store.rows[key]) == shown[key][1]:
                    # a change nothing on screen shows (a running job's wire Duration): its line stays
                    self._store.versions[key] = shown[key][0]
                    continue
                self._refresh_key(key)

    def _appearances(self, keys: Iterable[str]) -> dict[str, tuple[int, tuple[Text, Any]]]:
        """How the on-screen rows among ``keys`` read now (with their versions): a poll's diff of an idle list
        mostly changes what no cell shows, and repainting those lines is most of its cost (issue 13)."""
        body = self._body_height()
        top = round(self.scroll_y)
        found = {}
        for key in keys:
            index = self._store.positions.get(key)
            if index is not None and top <= index < top + body and (row := self._store.rows.get(key)) is not None:
                found[key] = (self._store.versions[key], self._appearance(row))
        return found

    def _appearance(self, row: Row) -> tuple[Text, Any]:
        return (render_cells(self._columns, self._get_column_layout(), row),
                self.row_style(row) if self.row_style is not None else None)

    def apply_row_diff(self, diff: RowDiff[Any], rows: Mapping[str, Row]) -> None:
        """Apply a diff of keyed rows (``live.diff``) with ``rows`` as they are now: new rows take their place
        in the order of ``rows`` (the service's, newest first), not the bottom; a row whose status changed
        flashes."""
        order = rows.keys() if diff.added or diff.order_changed else None
        self.apply_diff([rows[k] for k in diff.added], [rows[k] for k in diff.changed], diff.removed, order)
        if diff.status_changes:
            self.flash(diff.status_changes)

    def set_filter(self, predicate: Callable[[Row], bool] | None) -> None:
        """Show only rows for which `predicate(row)` is true (None: all rows)."""
        self._store.set_predicate(predicate)
        self._rebuild_view()

    def sort_by(self, column_key: str | None, reverse: bool | None = None) -> None:
        """Stable-sort by a column; choosing the sorted column again flips the direction.

        `column_key=None` restores the natural (arrival) order.
        """
        if column_key is None:
            self._store.set_sort(None)
        else:
            if reverse is None:
                reverse = self.sort_column == column_key and not self.sort_reverse
            self._store.set_sort(self._column(column_key), reverse)
        self._rebuild_view()
        self.post_message(self.SortChanged(self, self.sort_column, self.sort_reverse))

    def sort_next(self) -> bool:
        """Sort ascending by the next column; after the last, back to the natural order (then ``False``)."""
        keys = [column.key for column in self._columns]
        current = self.sort_column
        if current == keys[-1]:
            self.sort_by(None)
            return False
        self.sort_by(keys[keys.index(current) + 1] if current in keys else keys[0], reverse=False)
        return True

    def sort_reversed(self) -> None:
        """Flip the sort direction (of the first column, when unsorted)."""
        self.sort_by(self.sort_column or self._columns[0].key, reverse=not self.sort_reverse)

    def flash(self, keys: Iterable[str]) -> None:
        """Highlight rows (e.g. whose status just changed) for `flash_seconds`, then revert."""
        deadline = time.monotonic() + self.flash_seconds
        for key in keys:
            if key in self._store.rows:
                self._flash[key] = deadline
                self._refresh_key(key)
        self._arm_flash_timer()

    # ---------------------------------------------------------------- cursor & marks

    def move_cursor_to_key(self, key: str) -> bool:
        """Put the cursor on `key` if it is visible; returns whether it is."""
        index = self._store.positions.get(key)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    def toggle_mark(self, key: str | None = None) -> None:
        """Mark or unmark a row (default: the cursor row)."""
        key = self._cursor_key if key is None else key
        if key is None or key not in self._store.rows:
            return
        if key in self._marks:
            del self._marks[key]
        else:
            self._marks[key] = None
        self._refresh_key(key)
        self.post_message(self.MarksChanged(self, self.marked_keys))

    def clear_marks(self) -> None:
        if not self._marks:
            return
        keys = list(self._marks)
        self._marks.clear()
        for key in keys:
            self._refresh_key(key)
        self.post_message(self.MarksChanged(self, ()))

    # ---------------------------------------------------------------- busy rows

    @property
    def busy_keys(self) -> frozenset[str]:
        return frozenset(self._busy)

    def set_busy(self, keys: Iterable[str], busy: bool = True) -> None:
        """Show (or stop showing) a spinner in the gutter of rows an action is working on."""
        for key in keys:
            if busy:
                self._busy.add(key)
            else:
                self._busy.discard(key)
            self._refresh_key(key)
        if self._busy and self._spin_timer is None and self.is_attached:
            self._spin_timer = self.set_interval(SPIN_SECONDS, self._spin, name="resource-table-spin")
        elif not self._busy and self._spin_timer is not None:
            self._spin_timer.stop()
            self._spin_timer = None

    def _spin(self) -> None:
        self._spin_frame = (self._spin_frame + 1) % len(SPINNER)
        for key in self._busy:
            self._refresh_key(key)

    # ---------------------------------------------------------------- actions

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self._cursor - self._body_height())

    def action_page_down(self) -> None:
        self._move_cursor(self._cursor + self._body_height())

    def action_half_page_up(self) -> None:
        self._move_cursor(self._cursor - max(1, self._body_height() // 2))

    def action_half_page_down(self) -> None:
        self._move_cursor(self._cursor + max(1, self._body_height() // 2))

    def action_cursor_first(self) -> None:
        self._move_cursor(0)

    def action_cursor_last(self) -> None:
        self._move_cursor(len(self._store.view) - 1)

    def action_select(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key, self._store.rows[self._cursor_key]))

    def action_toggle_mark(self) -> None:
        self.toggle_mark()
        self.action_cursor_down()  # k9s-style: space, space, space marks a run of rows

    # ---------------------------------------------------------------- events

    async def _on_click(self, event: events.Click) -> None:  # Widget's is async; the dispatcher awaits either
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y < HEADER_HEIGHT:
            index = self._get_column_layout().column_at(offset.x + round(self.scroll_x))
            if index is not None:
                self.sort_by(self._columns[index].key)
            return
        row_index = round(self.scroll_y) + offset.y - HEADER_HEIGHT
        if not 0 <= row_index < len(self._store.view):
            return
        if row_index == self._cursor or event.chain > 1:
            self._move_cursor(row_index)
            self.action_select()
        else:
            self._move_cursor(row_index)

    def _on_focus(self, event: events.Focus) -> None:
        self._restyle()

    def _on_blur(self, event: events.Blur) -> None:
        self._restyle()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def watch_empty_message(self) -> None:
        if not self._store.view:
            self.refresh()

    def watch_zebra(self) -> None:
        self._restyle()

    # ---------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # not size: the scrollbar takes columns
        layout = self._get_column_layout()
        scroll_x, scroll_y = self.scroll_offset
        if y < HEADER_HEIGHT:
            strip = self._header_strip(layout)
            base = self.get_component_rich_style("resource-table--header")
            return strip.crop_extend(scroll_x, scroll_x + width, base)
        base = self.rich_style
        if not self._store.view:
            return self._empty_line(y, width, base)
        index = scroll_y + y - HEADER_HEIGHT
        if index >= len(self._store.view):
            return Strip.blank(width, base)
        strip = self._row_strip(index, layout)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _row_strip(self, index: int, layout: TableLayout) -> Strip:
        key = self._store.view[index]
        is_cursor = index == self._cursor
        is_marked = key in self._marks
        is_flash = key in self._flash
        spin = SPINNER[self._spin_frame] if key in self._busy else None
        parity = index % 2 if self.zebra else 1
        cache_key = (key, self._store.versions[key], self._columns_epoch, is_cursor, is_marked, is_flash, parity,
                     spin)
        strip = self._strips.get(cache_key)
        if strip is None:
            row = self._store.rows[key]
            style = self.rich_style
            if not parity:
                style += self.get_component_rich_style("resource-table--even-row")
            if self.row_style is not None and (extra := self.row_style(row)):
                style += Style.parse(extra) if isinstance(extra, str) else extra
            if is_marked:
                style += self.get_component_rich_style("resource-table--marked")
            if is_flash:
                style += self.get_component_rich_style("resource-table--flash")
            if is_cursor:
                style += self.get_component_rich_style("resource-table--cursor")
            text = render_cells(self._columns, layout, row, spin or (MARKER if is_marked else " "))
            strip = self._strip(text, layout.width, style)
            self._strips[cache_key] = strip
        return strip

    def _header_strip(self, layout: TableLayout) -> Strip:
        sort = (self.sort_column, self.sort_reverse) if self.sort_column else None
        cache_key = ("\0header", self._columns_epoch, sort)
        strip = self._strips.get(cache_key)
        if strip is None:
            text = render_titles(self._columns, layout, sort)
            strip = self._strip(text, layout.width, self.get_component_rich_style("resource-table--header"))
            self._strips[cache_key] = strip
        return strip

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        body = max(1, self._body_height())
        if y - HEADER_HEIGHT != (body - 1) // 2 or not self.empty_message:
            return Strip.blank(width, base)
        text = Text(self.empty_message, end="", no_wrap=True)  # never markup
        text.truncate(width, overflow="ellipsis")
        text.align("center", width)
        return self._strip(text, width, base + self.get_component_rich_style("resource-table--empty"))

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        # `style` goes *under* the cells' own spans, so e.g. status colours survive on the cursor row.
        return Strip(Segment.apply_style(text.render(self.app.console), style), width)

    def _get_column_layout(self) -> TableLayout:
        width = self.scrollable_content_region.width
        layout_key = (width, tuple(self._natural))
        if self._columns_at is None or layout_key != self._columns_at_key:
            self._columns_at = layout_columns(self._columns, self._natural, width)
            self._columns_at_key = layout_key
            self._columns_epoch += 1
            self._strips.clear()
        return self._columns_at

    # ---------------------------------------------------------------- internals

    def _column(self, column_key: str) -> Column:
        for column in self._columns:
            if column.key == column_key:
                return column
        raise KeyError(f"no column {column_key!r}")

    def _remeasure(self, rows: Sequence[Row]) -> None:
        natural = measure_columns(self._columns, rows, self._natural)
        if natural != self._natural:
            self._natural = natural
            self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        # at the current width (less the vertical scrollbar the rows will need): columns a narrow terminal
        # hides must not leave a sideways scroll behind
        width = 0
        if self.is_mounted:
            rows_overflow = len(self._store.view) + HEADER_HEIGHT > self.size.height
            width = self.size.width - self.styles.gutter.width
            width -= self.styles.scrollbar_size_vertical if rows_overflow else 0
        min_width = layout_columns(self._columns, self._natural, max(width, 0)).min_width
        self.virtual_size = Size(min_width, len(self._store.view) + HEADER_HEIGHT)

    def _forget(self, keys: Iterable[str]) -> None:
        """Drop marks and flashes of rows that no longer exist."""
        marks_changed = False
        for key in keys:
            self._flash.pop(key, None)
            if key in self._marks:
                del self._marks[key]
                marks_changed = True
        if marks_changed:
            self.post_message(self.MarksChanged(self, self.marked_keys))

    def _rebuild_view(self) -> None:
        """Rebuild the filtered, sorted view and re-seat the cursor on its key (or a neighbour)."""
        store = self._store
        old_view, old_index, old_key = store.view, self._cursor, self._cursor_key
        store.rebuild()
        self._update_virtual_size()
        with self._batch():
            self._cursor = store.nearest(old_view, old_index, old_key)
            self._cursor_key = store.view[self._cursor] if self._cursor >= 0 else None
            self.refresh()
            self._scroll_to_cursor()
        if self._cursor_key != old_key and self._cursor_key is not None:
            self._post_highlighted()

    def _move_cursor(self, index: int) -> None:
        if not self._store.view:
            return
        index = max(0, min(index, len(self._store.view) - 1))
        if index == self._cursor:
            self._scroll_to_cursor()
            return
        old = self._cursor
        self._cursor = index
        self._cursor_key = self._store.view[index]
        self._refresh_index(old)
        self._refresh_index(index)
        self._scroll_to_cursor()
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowHighlighted(self, self._cursor_key, self._store.rows[self._cursor_key]))

    def _body_height(self) -> int:
        return max(0, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _scroll_to_cursor(self) -> None:
        body = self._body_height()
        if body <= 0 or self._cursor < 0:
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False)
        elif top > self.max_scroll_y:  # the view shrank under us
            self.scroll_to(y=self.max_scroll_y, animate=False)

    def _refresh_key(self, key: str) -> None:
        index = self._store.positions.get(key)
        if index is not None:
            self._refresh_index(index)

    def _refresh_index(self, index: int) -> None:
        """Repaint the line of view `index` if it is on screen (its strip cache key changed already)."""
        y = index - round(self.scroll_y) + HEADER_HEIGHT
        if HEADER_HEIGHT <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))  # widget coordinates

    def repaint(self, keys: Iterable[str] | None = None) -> None:
        """Re-render the visible rows from scratch: for cells that show time passing (durations, ages).
        With ``keys``, only those rows: the others read as before, and an idle screen recomposes less."""
        if keys is None:
            self._restyle()
            return
        wanted = set(keys)
        cached = self._strips.keys()  # an LRUCache: no iteration of its own
        for cache_key in [k for k in cached if k[0] in wanted]:
            self._strips.discard(cache_key)
        for key in wanted:
            self._refresh_key(key)

    def _restyle(self) -> None:
        self._strips.clear()
        self.refresh()

    def _arm_flash_timer(self) -> None:
        if self._flash_timer is None and self._flash and self.is_attached:
            delay = max(0.0, min(self._flash.values()) - time.monotonic())
            self._flash_timer = self.set_timer(delay, self._expire_flashes, name="resource-table-flash")

    def _expire_flashes(self) -> None:
        self._flash_timer = None
        now = time.monotonic() + 0.01  # timers may fire a hair early
        expired = [key for key, deadline in self._flash.items() if deadline <= now]
        for key in expired:
            del self._flash[key]
            self._refresh_key(key)
        self._arm_flash_timer()

    def _batch(self) -> AbstractContextManager[None]:
        """`app.batch_update()` when mounted, so a rebuild's refreshes land in one frame."""
        return self.app.batch_update() if self.is_attached else nullcontext()

    def on_mount(self) -> None:
        self._arm_flash_timer()  # flashes requested before mounting

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()  # which columns fit depends on the width
        self.call_after_refresh(self._scroll_to_cursor)  # rows fed before layout, or a shrunk body
