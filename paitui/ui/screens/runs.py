"""PAIFlow pipeline runs of the current workspace: status by phase, pipeline, ticking durations, source.

Keys beyond the list basics: ``a``/``R``/``F`` status views (all, running, failed), ``t`` cycles the creation
window 1d → 7d → 30d → all, enter opens the run (graph, nodes, logs) in ``RunDetailScreen``.

ListPipelineRuns has **no time parameters** (docs/WIRE.md §6.2), unlike DLC ListJobs: every poll reads the
workspace's runs and the window is applied client-side, on ``GmtCreateTime``, by the kind's lister
(``live.listers.WindowedRunLister``, which also learns the pipelines' names). 7d is the default so that
runs and jobs show the same span; the summary bar names the window either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from paitui.api.models.flow import PipelineRun
from paitui.live.lifecycle import run_duration, run_waiting
from paitui.live.listers import WindowedRunLister
from paitui.live.status import in_view, run_phase
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.behaviours.pipeline_create import PipelineCreation
from paitui.ui.screens.windowed_list import WindowedListScreen
from paitui.ui.widgets.resource_table import Column

VIEWS: dict[str, tuple[str, Callable[[PipelineRun], bool] | None]] = {
    "all": ("all", None),
    **{view: (view, lambda run, view=view: in_view(run_phase(run.status), view)) for view in ("running", "failed")},  # type: ignore[misc]  # mypy cannot infer a lambda with a default
}
_ZERO = timedelta(0)


class RunsScreen(PipelineCreation, ListActions, WindowedListScreen):
    """The workspace's runs (the ``:runs`` view), or one pipeline's (``pipeline_id``: from ``:pipelines``,
    over all time, since a pipeline has far fewer runs than a workspace)."""

    RESOURCE = "run"
    TICKING = True
    STATUS_VIEWS = VIEWS
    BINDINGS = [
        Binding("x", "actions", "Actions", id="actions"),
        Binding("N", "run_again", "Run again…", key_display="N", id="run-again"),
        Binding("a", "view('all')", "All", id="view-all"),
        Binding("R", "view('running')", "Running", key_display="R", id="view-running"),
        Binding("F", "view('failed')", "Failed", key_display="F", id="view-failed"),
    ]

    def __init__(self, pipeline_id: str | None = None, pipeline_name: str | None = None) -> None:
        super().__init__()
        self.pipeline_id = pipeline_id
        self.pipeline_label = pipeline_name or pipeline_id
        if pipeline_id:
            self.window = "all"

    def make_lister(self) -> WindowedRunLister:
        return WindowedRunLister(self.pai.client, self.pai.workspace_id, window=self.window, now=self.now,
                                 pipeline_id=self.pipeline_id)

    def crumbs(self) -> list[str]:
        if self.pipeline_id:
            return [self.pai.workspace_label or "workspace", "pipelines", self.pipeline_label or "", "runs"]
        return [self.pai.workspace_label or "workspace", "pipeline runs"]

    def action_run_again(self) -> None:
        """``N``: a new run of the selected run's pipeline, its form prefilled with that run's arguments."""
        row = self.table.cursor_row
        if row is None:
            self.notify("no run selected", markup=False, timeout=2)
            return
        self.run_again(row.pipeline_run_id)

    def pipeline_name(self, run: PipelineRun) -> str:
        lister = self.lister if isinstance(self.lister, WindowedRunLister) else None
        known = lister.pipelines.get(run.pipeline_id or "") if lister is not None else None
        return known or run.pipeline_id or ""

    def pipeline_cell(self, run: PipelineRun) -> Text:
        # a run created from PipelineManifest (the SDK's way) has no PipelineId
        name = self.pipeline_name(run)
        return Text(name) if name else Text("inline manifest", style="dim")

    def columns(self) -> list[Column]:
        # DURATION is running time and WAITED the time before it (the rule: ``live.lifecycle``).
        # `drop`: what a narrow terminal hides first (source, waited, id, finished, pipeline)
        return [
            Column("name", "NAME", lambda r: r.name or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda r: r.pipeline_run_id or "", width=23, drop=2),
            Column("status", "STATUS", lambda r: self.status_text(r.status, run_phase(r.status)), width=13),
            Column("pipeline", "PIPELINE", self.pipeline_cell, min_width=10, max_width=24, drop=4),
            Column("duration", "DURATION", lambda r: self.duration_text(run_duration(r, self.now())), width=10,
                   align="right", sort_key=lambda r: (run_duration(r, self.now()) or _ZERO).total_seconds(),
                   ticks=True),
            Column("waited", "WAITED", lambda r: self.duration_text(run_waiting(r, self.now())), width=9,
                   align="right", sort_key=lambda r: (run_waiting(r, self.now()) or _ZERO).total_seconds(),
                   drop=1, ticks=True),
            self.age_column("started", "STARTED", lambda r: r.started_at, width=10),
            replace(self.age_column("finished", "FINISHED", lambda r: r.finished_at, width=10), drop=3),
            Column("source", "SOURCE", lambda r: r.source_type or "", width=10, drop=1),
        ]

    def row_style(self, row: Any) -> Style | None:
        return Style(dim=True) if run_phase(row.status) == "stopped" else None

    def filter_fields(self) -> Mapping[str, Callable[[Any], Any]]:
        # the kind's fields; ``pipeline`` also matches the identifier shown in the PIPELINE column, which this
        # screen's lister learns
        fields = dict(super().filter_fields())
        fields["pipeline"] = lambda r: [r.pipeline_id or "", self.pipeline_name(r)]
        return fields

    def open_row(self, row: Any) -> None:
        from paitui.ui.screens.run import RunDetailScreen

        self.pai.notifier.watch("run", row.pipeline_run_id, self.row_name(row), row.status)
        self.pai.push_detail(RunDetailScreen(row.pipeline_run_id, self.row_name(row), self.pipeline_name(row)))
