"""The start benchmark's peer: a bare Textual app with one DataTable (a handful of rows, as the demo's first
screen has), leaving after its first frame exactly as ``paitui --demo`` does under the benchmark
(``paitui.ui.first_frame``, the only paitui module it imports: no Textual at import time, a few lines)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from paitui.ui.first_frame import exit_after_first_frame

ROWS = [(f"2649{n:02d}", f"workspace_{n}", f"Workspace {n}", "ENABLED", "2026-01-0{n} 10:00") for n in range(1, 7)]


class BareTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "NAME", "DISPLAY NAME", "STATUS", "CREATED")
        table.add_rows(ROWS)


if __name__ == "__main__":
    BareTable().run(auto_pilot=exit_after_first_frame)
