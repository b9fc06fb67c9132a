"""A filterable table that loads its rows through a lister and says honestly how far it got.

Each picker of the new-job wizard is one: a filter field (typed text narrows the rows on screen), the table,
and a status line — loading, ``partial: …`` when pages failed, or the API error's Code, Message and
RequestId when the listing failed (the rows of the last good load stay, and ``r`` loads again). Enter on a
row posts ``Picker.Picked``; the wizard decides what the choice means. Rows marked chosen show ``✓``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from paitui.api.errors import PaiError
from paitui.live.lister import Lister
from paitui.ui.behaviours.actions import error_lines


@dataclass(frozen=True)
class PickColumn:
    label: str
    value: Callable[[Any], object]
    width: int | None = None


def _cell(value: object) -> Text:
    return value if isinstance(value, Text) else Text("" if value is None else str(value))


class Picker(Vertical):
    """``lister()`` makes the lister of one load (a changed filter makes a new one); ``key`` names a row."""

    DEFAULT_CSS = """
    Picker { height: 1fr; }
    Picker > .picker-filter { height: 3; }
    Picker > DataTable { height: 1fr; }
    Picker > .picker-status { height: auto; max-height: 6; color: $text-muted; }
    Picker > .picker-status.-error { color: $error; }
    """
    BINDINGS = [Binding("r", "reload", "Reload", id="picker-reload")]

    class Picked(Message):
        def __init__(self, picker: Picker, key: str, row: Any) -> None:
            super().__init__()
            self.picker = picker
            self.key = key
            self.row = row

        @property
        def control(self) -> Picker:  # lets ``@on(Picker.Picked, "#pick-image")`` match by the picker's id
            return self.picker

    def __init__(self, lister: Callable[[], Lister[Any]], columns: Sequence[PickColumn],
                 key: Callable[[Any], str], *, noun: str, id: str) -> None:
        super().__init__(id=id)
        self.make_lister = lister
        self.columns = list(columns)
        self.key_of = key
        self.noun = noun
        self.rows: list[Any] = []
        self.chosen: set[str] = set()
        self.loaded = False  # a load finished (with rows or an error)
        self.error: PaiError | None = None
        self.started = False
        self.busy = False  # a load is in flight
        self.lister: Lister[Any] | None = None  # kept between loads: a partial listing re-reads only what is missing

    def compose(self) -> ComposeResult:
        yield Input(placeholder=f"filter {self.noun}s (text)", classes="picker-filter")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(Text(f"loading {self.noun}s …"), classes="picker-status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(Text(" "), width=1, key="chosen")
        for index, column in enumerate(self.columns):
            table.add_column(Text(column.label), width=column.width, key=f"c{index}")

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    def start(self) -> None:
        """Load once, the first time the picker is shown."""
        if not self.started:
            self.started = True
            self.load()

    def action_reload(self) -> None:
        self.started = True
        self.load()

    def reset(self) -> None:
        """The query changed (a label filter, the workspace): the next load reads a new listing."""
        self.lister = None
        self.started = False

    @work(exclusive=True, group="picker", exit_on_error=False)
    async def load(self) -> None:
        status = self.query_one(".picker-status", Static)
        status.remove_class("-error")
        status.update(Text(f"loading {self.noun}s …"))
        self.busy = True
        try:
            if self.lister is None:
                self.lister = self.make_lister()
            listed = await self.lister.fetch()
        except PaiError as error:
            self.busy = False
            self.error, self.loaded = error, True
            status.add_class("-error")
            kept = f"\nshowing the {len(self.rows)} from the last load · " if self.rows else "\n"
            status.update(Text(f"could not load {self.noun}s:\n{error_lines(error)}{kept}r: try again"))
            return
        self.error, self.loaded, self.busy = None, True, False
        self.rows = list(listed)
        partial = getattr(listed, "partial", None)
        self.render_rows()
        if partial is not None:
            status.add_class("-error")
            status.update(Text(f"{partial.describe()} · r: load again"))
        else:
            status.update(Text(self.summary()))

    def summary(self) -> str:
        shown = len(self.shown_rows())
        if not self.rows:
            return f"no {self.noun}s here · r: reload"
        of = f" of {len(self.rows)}" if shown != len(self.rows) else ""
        return f"{shown}{of} {self.noun}s · enter: choose · r: reload"

    def shown_rows(self) -> list[Any]:
        text = self.query_one(".picker-filter", Input).value.strip().lower()
        if not text:
            return self.rows
        return [row for row in self.rows
                if text in " ".join(str(c.value(row) or "") for c in self.columns).lower()]

    def render_rows(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear()
        for row in self.shown_rows():
            key = self.key_of(row)
            table.add_row(Text("✓" if key in self.chosen else ""), *(_cell(c.value(row)) for c in self.columns),
                          key=key)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def mark(self, keys: set[str]) -> None:
        self.chosen = set(keys)
        if self.loaded:
            self.render_rows()

    def row(self, key: str) -> Any | None:
        return next((r for r in self.rows if self.key_of(r) == key), None)

    @on(Input.Changed, ".picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        if self.loaded and self.error is None:
            self.render_rows()
            self.query_one(".picker-status", Static).update(Text(self.summary()))

    @on(Input.Submitted, ".picker-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        row = self.row(key) if key is not None else None
        if key is not None and row is not None:
            self.post_message(self.Picked(self, key, row))
