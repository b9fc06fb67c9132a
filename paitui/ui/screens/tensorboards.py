"""DLC TensorBoards of the current workspace: status by phase, the job they read, duration, URL.

``t`` cycles the creation window 1d → 7d → 30d → all: ListTensorboards, like ListJobs, only returns the last
7 days unless StartTime/EndTime are sent, so every window sends both (``live.windows``). Enter shows every
field of the TensorBoard in a key/value modal (the full URL among them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.style import Style
from textual.binding import Binding

from paitui.api.models.dlc import Tensorboard
from paitui.live.lifecycle import ago
from paitui.live.listers import TensorboardLister
from paitui.live.status import tensorboard_phase
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.behaviours.creating import CreateFlows
from paitui.ui.screens.windowed_list import WindowedListScreen
from paitui.ui.widgets.kv_modal import KeyValueModal, model_pairs
from paitui.ui.widgets.resource_table import Column

URL_WIDTH = 44


def middle(text: str, width: int) -> str:
    """Cut the middle out of a long string: a URL keeps its host and its distinguishing end."""
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


class TensorboardsScreen(CreateFlows, ListActions, WindowedListScreen):
    RESOURCE = "tensorboard"
    BINDINGS = [Binding("x", "actions", "Actions", id="actions"),
                Binding("n", "new_tensorboard", "New", id="tensorboard-new"),
                Binding("e", "update_tensorboard", "Update", id="tensorboard-update")]
    TICKING = True

    def action_new_tensorboard(self) -> None:
        self.start_tensorboard_for_dataset()

    def action_update_tensorboard(self) -> None:
        row = self.table.cursor_row
        if row is None or not row.tensorboard_id:
            self.notify("no TensorBoard selected", markup=False, timeout=2)
            return
        self.start_tensorboard_update(row.tensorboard_id)

    def duration(self, tb: Tensorboard) -> timedelta | None:
        """``Duration`` (seconds of running); a running one ticks on from when the list was read."""
        phase = tensorboard_phase(tb.status)
        if tb.duration is None or tb.duration < 0 or (phase == "pending" and not tb.duration):
            return None  # not started yet: no duration rather than "0s"
        seconds = timedelta(seconds=tb.duration)
        fetched = self.lister.fetched_at if isinstance(self.lister, TensorboardLister) else None
        if phase == "running" and fetched is not None:
            seconds += max(timedelta(0), self.now() - fetched)
        return seconds

    def columns(self) -> list[Column]:
        return [
            Column("name", "DISPLAY NAME", lambda t: t.display_name or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda t: t.tensorboard_id or "", width=16, drop=3),
            Column("status", "STATUS", lambda t: self.status_text(t.status, tensorboard_phase(t.status)), width=10),
            Column("job", "JOB", lambda t: t.job_id or "", width=17, drop=2),
            Column("duration", "DURATION", lambda t: self.duration_text(self.duration(t)), width=10, align="right",
                   sort_key=lambda t: (self.duration(t) or timedelta(0)).total_seconds(), ticks=True),
            Column("created", "CREATED", lambda t: ago(t.gmt_create_time, self.now()) if t.gmt_create_time else "—",
                   width=10, align="right",
                   sort_key=lambda t: t.gmt_create_time.timestamp() if t.gmt_create_time else 0),
            Column("url", "URL", lambda t: middle(t.tensorboard_url or "", URL_WIDTH), width=URL_WIDTH, drop=1),
        ]

    def row_style(self, row: Any) -> Style | None:
        return Style(dim=True) if row.status == "Stopped" else None

    def open_row(self, row: Any) -> None:
        self.app.push_screen(KeyValueModal(f"TensorBoard {self.row_name(row)}", model_pairs(row), now=self.now()))
