"""Column specs, width layout and row-to-Text rendering for `ResourceTable`.

Kept apart from the widget so the pure parts (measuring, laying out, rendering one row) are small
and testable. Widths come from the spec, the title and a *sample* of rows — never a pass over every
row, which is where Textual's DataTable spends ~90 % of a large load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len
from rich.text import Text

__all__ = ["MARK_WIDTH", "Column", "TableLayout", "layout_columns", "measure_columns", "render_cells", "to_text"]

MARK_WIDTH = 1
"""The leading gutter cell that shows a row's mark."""
CELL_PAD = 1
"""Blank cells on each side of every column."""
SORT_ARROW_WIDTH = 2
"""Room reserved after a title for " ▲" so sorting never changes the layout."""

# Why: a newline or tab inside a backend string would break the one-line-per-row contract.
_CONTROL = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x1b": " "})


@dataclass(frozen=True)
class Column:
    """How one column of a `ResourceTable` looks.

    `width` fixes the width (use it for volatile columns such as status or age); otherwise the width
    is measured from the title and a sample of rows, clamped to `min_width`..`max_width`. One column
    may be `flex`: it takes whatever width is left. `render` returns a `Text` or a plain string —
    plain strings are never parsed as markup. `sort_key` defaults to the rendered text, casefolded.
    `drop` > 0 lets a terminal too narrow for every column hide this one, lowest `drop` first, rather than
    push the columns after it out of sight (0: always shown). `ticks`: the text moves with the clock (ages,
    durations), so a list's 1 s tick re-reads these cells alone; the others change only with the data.
    """

    key: str
    title: str
    render: Callable[[Any], Text | str]
    width: int | None = None
    min_width: int = 1
    max_width: int = 48
    flex: bool = False
    align: Literal["left", "right"] = "left"
    sort_key: Callable[[Any], Any] | None = None
    drop: int = 0
    ticks: bool = False


def to_text(value: object) -> Text:
    """Turn a cell value into a fresh, single-line `Text` (safe to truncate in place)."""
    if isinstance(value, Text):
        text = value.copy()
        if "\n" in text.plain or "\t" in text.plain or "\r" in text.plain:
            text.plain = text.plain.translate(_CONTROL)  # same length: spans are kept
        return text
    if value is None:
        return Text("")
    string = value if isinstance(value, str) else str(value)
    return Text(string.translate(_CONTROL), end="", no_wrap=True)


def render_cell(column: Column, row: Any) -> Text:
    try:
        return to_text(column.render(row))
    except Exception:  # why: one odd row must not take the whole dashboard down mid-render
        return Text("⚠", style="bold red")


def sort_value(column: Column, row: Any) -> Any:
    """A sortable value; `None` sorts after everything (before, when reversed)."""
    try:
        value = column.sort_key(row) if column.sort_key else render_cell(column, row).plain.casefold()
    except Exception:
        value = None
    return (1, "") if value is None else (0, value)


def measure_columns(columns: Sequence[Column], sample: Sequence[Any], previous: Sequence[int] = ()) -> list[int]:
    """Natural widths from spec, title and `sample`; never narrower than `previous` (no jitter)."""
    widths: list[int] = []
    for index, column in enumerate(columns):
        if column.width is not None:
            widths.append(column.width)
            continue
        width = max(column.min_width, cell_len(column.title) + SORT_ARROW_WIDTH)
        for row in sample:
            width = max(width, render_cell(column, row).cell_len)
        width = min(width, max(column.max_width, column.min_width))
        if index < len(previous):
            width = max(width, previous[index])
        widths.append(width)
    return widths


@dataclass(frozen=True)
class TableLayout:
    """Column widths and offsets for one widget width; a hidden column has width and offset -1."""

    widths: tuple[int, ...]
    offsets: tuple[int, ...]  # x of each column's left pad
    min_width: int  # width needed without flex growth: the virtual width
    width: int  # rendered line width (>= the widget width)

    def shown(self, index: int) -> bool:
        return self.widths[index] >= 0

    def column_at(self, x: int) -> int | None:
        """Index of the column under virtual x, or None for the mark gutter / past the end."""
        for index, (offset, width) in enumerate(zip(self.offsets, self.widths, strict=True)):
            if width >= 0 and offset <= x < offset + width + 2 * CELL_PAD:
                return index
        return None


def layout_columns(columns: Sequence[Column], natural: Sequence[int], available: int) -> TableLayout:
    """Place columns; the first flex column absorbs any spare width, and when the screen is too narrow
    the widest measured columns give width back down to their ``min_width`` (fixed-width columns never
    shrink), then droppable columns are hidden, so the table fits instead of scrolling sideways.
    With ``available`` 0 nothing is hidden: the result is the narrowest layout with every column."""
    shown = [True] * len(columns)
    droppable = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop > 0)
    while True:
        widths = [w if on else -1 for w, on in zip(natural, shown, strict=True)]
        min_width = _span(widths)
        spare = available - min_width
        if spare < 0:
            _shrink(columns, widths, -spare)
            min_width = _span(widths)
            spare = available - min_width
        if spare >= 0 or available <= 0 or not droppable:
            break
        shown[droppable.pop(0)[1]] = False  # still too wide: hide the next droppable column, start over
    if spare > 0:
        for index, column in enumerate(columns):
            if column.flex and shown[index]:
                widths[index] += spare
                break
    offsets: list[int] = []
    x = MARK_WIDTH
    for width in widths:
        offsets.append(x if width >= 0 else -1)
        if width >= 0:
            x += width + 2 * CELL_PAD
    return TableLayout(tuple(widths), tuple(offsets), min_width, max(x, available))


def _span(widths: Sequence[int]) -> int:
    return MARK_WIDTH + sum(w + 2 * CELL_PAD for w in widths if w >= 0)


def _shrink(columns: Sequence[Column], widths: list[int], deficit: int) -> None:
    """Take ``deficit`` cells from shrinkable columns, always from the currently widest one, so the
    squeeze is shared; the flex column (the name, what a row is read by) counts half its width, so it keeps
    about twice what the reason or spec columns next to it keep."""
    floors = [max(1, c.min_width) for c in columns]
    shrinkable = [i for i, c in enumerate(columns) if c.width is None and widths[i] >= 0]
    weight = [2 if c.flex else 1 for c in columns]
    while deficit > 0:
        candidates = [i for i in shrinkable if widths[i] > floors[i]]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i] / weight[i])
        widths[widest] -= 1
        deficit -= 1


def _place(line: Text, cell: Text, width: int, align: str) -> None:
    cell.truncate(width, overflow="ellipsis")
    pad = " " * (width - cell.cell_len)
    line.append(" " * CELL_PAD)
    if align == "right":
        line.append(pad)
        line.append_text(cell)
    else:
        line.append_text(cell)
        line.append(pad)
    line.append(" " * CELL_PAD)


def render_cells(columns: Sequence[Column], layout: TableLayout, row: Any, marker: str = " ") -> Text:
    """One row as a `Text` of exactly `layout.width` cells (before the row style is applied)."""
    line = Text(marker, end="", no_wrap=True)
    for column, width in zip(columns, layout.widths, strict=True):
        if width >= 0:
            _place(line, render_cell(column, row), width, column.align)
    if layout.width > line.cell_len:
        line.append(" " * (layout.width - line.cell_len))
    return line


def render_titles(columns: Sequence[Column], layout: TableLayout, sort: tuple[str, bool] | None) -> Text:
    """The header line; the sorted column carries ▲ (ascending) or ▼ (descending)."""
    line = Text(" " * MARK_WIDTH, end="", no_wrap=True)
    for column, width in zip(columns, layout.widths, strict=True):
        if width < 0:
            continue
        title = Text(column.title)
        if sort is not None and sort[0] == column.key:
            # Why truncate first: the arrow must survive in a narrow fixed-width column.
            title.truncate(max(width - SORT_ARROW_WIDTH, 0), overflow="ellipsis")
            arrow = "▼" if sort[1] else "▲"
            # a right-aligned title keeps its right edge over the numbers: the arrow goes before it
            title = Text(f"{arrow} ").append_text(title) if column.align == "right" else title.append(f" {arrow}")
        _place(line, title, width, column.align)
    if layout.width > line.cell_len:
        line.append(" " * (layout.width - line.cell_len))
    return line
