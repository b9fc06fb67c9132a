"""The start benchmark's peer: a bare Textual app with one DataTable (a handful of rows, as the demo's first
screen has). The benchmark reads its CPU when a row reaches the terminal, then kills it, as it does
``paitui --demo``; with ``PAITUI_EXIT_AFTER_FIRST_FRAME=1`` it leaves by itself after its first frame, as the
dashboard does (``paitui.ui.first_frame``: no Textual at import time, a few lines)."""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from paitui.ui.first_frame import ENV, exit_after_first_frame

ROWS = [(f"2649{n:02d}", f"workspace_{n}", f"Workspace {n}", "ENABLED", "2026-01-0{n} 10:00") for n in range(1, 7)]


class BareTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "NAME", "DISPLAY NAME", "STATUS", "CREATED")
        table.add_rows(ROWS)


if __name__ == "__main__":
    BareTable().run(auto_pilot=exit_after_first_frame if os.environ.get(ENV) else None)
