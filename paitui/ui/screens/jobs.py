"""DLC jobs of the current workspace: status by phase, reason, resources, ticking durations.

Keys beyond the list basics: ``a``/``R``/``F``/``Q`` status views (all, running, failed, queuing), ``N``
(or ctrl+n) the new-job wizard,
``t`` cycles the creation window 1d → 7d → 30d → all (7d is the API's own default).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rich.style import Style
from textual.binding import Binding

from paitui.api.models.job_row import JobRow
from paitui.live.lifecycle import job_duration, job_waiting, short_reason
from paitui.live.status import VIEW_PHASES, in_view, job_phase
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.behaviours.creating import CreateFlows
from paitui.ui.screens.windowed_list import WindowedListScreen
from paitui.ui.widgets.resource_table import Column

# the views read the one status table (``live.status``): a view is a phase, as the colours are
VIEWS: dict[str, tuple[str, Callable[[JobRow], bool] | None]] = {
    "all": ("all", None),
    **{view: (view, lambda job, view=view: in_view(job_phase(job.status), view)) for view in VIEW_PHASES},  # type: ignore[misc]  # mypy cannot infer a lambda with a default
}
_ZERO = timedelta(0)


def resources(job: JobRow) -> str:
    """``4×gn7i-c8g1.2xlarge`` for public specs, ``2×8c/64G`` for quota resources, summed over task specs."""
    parts = []
    for spec in job.job_specs or ():
        count = spec.pod_count or 1
        if spec.ecs_spec:
            parts.append(f"{count}×{spec.ecs_spec.removeprefix('ecs.')}")
        elif spec.resource_config is not None:
            rc = spec.resource_config
            parts.append(f"{count}×{rc.cpu or '?'}c/{rc.memory or '?'}")
    return " + ".join(parts) or "—"


def gpus(job: JobRow) -> str:
    count = job.gpu_count
    if not count:
        return ""
    return f"{count:g}"


class JobsScreen(CreateFlows, ListActions, WindowedListScreen):
    RESOURCE = "job"
    TICKING = True
    STATUS_VIEWS = VIEWS
    BINDINGS = [
        Binding("x", "actions", "Actions", id="actions"),
        Binding("a", "view('all')", "All", id="view-all"),
        Binding("R", "view('running')", "Running", key_display="R", id="view-running"),
        Binding("F", "view('failed')", "Failed", key_display="F", id="view-failed"),
        Binding("Q", "view('queuing')", "Queuing", key_display="Q", id="view-queuing"),
        Binding("N,ctrl+n", "new_job", "New job", key_display="N", id="new-job"),
        Binding("T", "save_as_template", "Template", key_display="T", id="save-template"),
    ]

    def action_save_as_template(self) -> None:
        row = self.table.cursor_row
        if row is None or not row.job_id:
            self.notify("no job selected", markup=False, timeout=2)
            return
        self.start_save_as_template(row.job_id)

    def columns(self) -> list[Column]:
        # DURATION is running time and WAITED the time before it (the rule: ``live.lifecycle``).
        # `drop`: what a narrow terminal hides first (type, waited, id, spec, owner, reason, GPUs), so that name,
        # status, duration and age stay in sight at 80 columns
        return [
            Column("name", "NAME", lambda j: j.display_name or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda j: j.job_id or "", width=18, drop=2),
            Column("type", "TYPE", lambda j: j.job_type or "", width=14, drop=1),
            Column("status", "STATUS", lambda j: self.status_text(j.status, job_phase(j.status)), width=16),
            Column("reason", "REASON", lambda j: short_reason(j.reason_code, j.reason_message, 40), min_width=6,
                   max_width=28, drop=5),
            Column("nodes", "NODES×SPEC", resources, min_width=10, max_width=28, drop=3),
            Column("gpus", "GPU", gpus, width=5, align="right", sort_key=lambda j: j.gpu_count or 0, drop=6),
            Column("duration", "DURATION", lambda j: self.duration_text(job_duration(j, self.now())), width=10,
                   align="right", sort_key=lambda j: (job_duration(j, self.now()) or _ZERO).total_seconds(),
                   ticks=True),
            Column("waited", "WAITED", lambda j: self.duration_text(job_waiting(j, self.now())), width=9,
                   align="right", sort_key=lambda j: (job_waiting(j, self.now()) or _ZERO).total_seconds(),
                   drop=1, ticks=True),
            self.age_column("created", "CREATED", lambda j: j.gmt_create_time),
            Column("owner", "OWNER", lambda j: j.username or j.user_id or "", min_width=5, max_width=16, drop=4),
        ]

    def row_style(self, row: Any) -> Style | None:
        return Style(dim=True) if row.status == "Stopped" else None

    def action_new_job(self) -> None:
        """The new-job wizard, in this workspace (``ui.screens.new_job``)."""
        from paitui.ui.screens.new_job import NewJobScreen

        self.pai.push_detail(NewJobScreen(self.pai.workspace_id, self.pai.workspace_label))

    def open_row(self, row: Any) -> None:
        from paitui.ui.screens.job import JobDetailScreen

        self.pai.notifier.watch("job", row.job_id, self.row_name(row), row.status)
        self.pai.push_detail(JobDetailScreen(row.job_id, self.row_name(row)))
