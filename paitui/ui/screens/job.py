"""Job detail: spec, lifecycle timeline, pods (with previous attempts), events, metrics, sanity checks, raw JSON.

One poll is one consistent snapshot, fetched by the job kind (``live.job_snapshot``: GetJob, its events,
four metric series, sanity checks, the selected pod's events — the side calls each on their own slower clock,
all at once on ``r`` — and which panels are unavailable or stale).
This screen renders it: a panel the service refused says so, a panel whose call failed just now is marked
stale and keeps its data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from paitui.api.errors import PaiError
from paitui.api.models.dlc import JobItem, PodItem, SanityCheckResultItem
from paitui.kinds import DetailContext
from paitui.live.actions.outcome import describe_error
from paitui.live.job_metrics import METRIC_TYPES, WINDOWS
from paitui.live.job_snapshot import JobSnapshot, PodRef, first_pod, pod_events
from paitui.live.lifecycle import humanize, job_times_text, short_reason
from paitui.live.pod_metrics import readings as metric_readings
from paitui.live.status import Phase, is_terminal_job, job_phase, pod_phase
from paitui.live.why.culprit import culprit_of
from paitui.ui.behaviours.actions import DetailActions
from paitui.ui.behaviours.creating import CreateFlows
from paitui.ui.screens.detail import DetailScreen
from paitui.ui.widgets.sparklines import MetricPanel
from paitui.ui.widgets.timeline import PhaseTimeline


class JobDetailScreen(CreateFlows, DetailActions, DetailScreen):
    RESOURCE = "job"
    AUTO_FOCUS = "#pods"  # arrows pick a pod (metrics, events follow), enter opens its logs
    BINDINGS = [
        Binding("x", "actions", "Actions", id="job-actions"),
        Binding("w", "cycle_window", "Window", id="job-window"),
        Binding("enter", "open_logs", "Logs", id="job-logs", show=True),
        Binding("W", "why", "Why", key_display="W", id="job-why"),
        Binding("D", "diff", "Diff", key_display="D", id="job-diff"),
        Binding("T", "save_as_template", "Template", key_display="T", id="job-save-template"),
        Binding("B", "new_tensorboard", "TensorBoard", key_display="B", id="job-tensorboard"),
    ]
    DEFAULT_CSS = """
    JobDetailScreen #job-header { height: 2; padding: 0 1; background: $surface; }
    JobDetailScreen #job-body { height: 1fr; }
    JobDetailScreen .pane { border: round $panel-lighten-2; border-title-color: $text; padding: 0 1; }
    JobDetailScreen .pane:focus-within { border: round $primary; }
    JobDetailScreen #job-left { width: 3fr; }
    JobDetailScreen #job-right { width: 2fr; }
    JobDetailScreen #spec-pane { height: 1fr; }
    JobDetailScreen #timeline-pane { height: auto; max-height: 16; }
    JobDetailScreen #pods { height: 1fr; padding: 0; }
    JobDetailScreen #metrics-pane { height: auto; }
    JobDetailScreen #sanity-pane { height: auto; max-height: 10; display: none; }
    JobDetailScreen #sanity-pane.-shown { display: block; }
    JobDetailScreen #events-pane, JobDetailScreen #pod-events-pane { height: 1fr; }
    """

    def __init__(self, job_id: str, name: str | None = None) -> None:
        super().__init__()
        self.job_id = job_id
        self.job_name = name
        self.window_index = 1  # 1h
        self.selected: PodRef | None = None
        self._pod_keys: list[str] = []
        self._pod_refs: dict[str, PodRef] = {}
        # what each panel last rendered from: a running job's GetJob changes every poll (its durations), and
        # re-rendering unchanged panels recomposes the screen each time (the idle detail's main cost)
        self._rendered: dict[str, Any] = {}

    def crumbs(self) -> list[str]:
        return ["jobs", self.job_name or self.job_id]

    # --- layout ---

    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"{self.job_name or self.job_id}  loading…"), id="job-header")
        with Horizontal(id="job-body"):
            with Vertical(id="job-left"):
                with VerticalScroll(id="spec-pane", classes="pane") as spec:
                    spec.border_title = "Spec"
                    yield Static(id="spec")
                with Vertical(id="timeline-pane", classes="pane") as timeline:
                    timeline.border_title = "Lifecycle"
                    yield PhaseTimeline(self.colour, id="timeline")
                pods: DataTable[Text] = DataTable(id="pods", classes="pane", cursor_type="row", zebra_stripes=False)
                pods.border_title = "Pods (enter: logs)"
                yield pods
            with Vertical(id="job-right"):
                with Vertical(id="metrics-pane", classes="pane"):
                    yield MetricPanel(id="metrics")
                with VerticalScroll(id="sanity-pane", classes="pane") as sanity:
                    sanity.border_title = "Sanity checks"
                    yield Static(id="sanity")
                with VerticalScroll(id="events-pane", classes="pane") as events:
                    events.border_title = "Job events"
                    yield Static(Text("loading…", style="dim"), id="events")
                with VerticalScroll(id="pod-events-pane", classes="pane") as pod_events:
                    pod_events.border_title = "Pod events"
                    yield Static(Text("select a pod", style="dim"), id="pod-events")

    @property
    def pods_table(self) -> DataTable[Text]:
        return self.query_one("#pods", DataTable)

    # --- fetching ---

    @property
    def subject_id(self) -> str:
        return self.job_id

    def detail_context(self) -> DetailContext:
        previous = self.snapshot if isinstance(self.snapshot, JobSnapshot) else None
        return DetailContext(self.pai.client, self.job_id, self.now(), previous=previous,
                             window=WINDOWS[self.window_index], selected=self.selected,
                             everything=self.fetch_everything)

    def action_save_as_template(self) -> None:
        self.start_save_as_template(self.job_id)

    def action_new_tensorboard(self) -> None:
        self.start_tensorboard_for_job(self.job_id)

    def subject_model(self, snapshot: JobSnapshot) -> JobItem:
        return snapshot.job

    def with_update(self, snapshot: JobSnapshot, update: dict[str, Any]) -> JobSnapshot:
        return replace(snapshot, job=snapshot.job.model_copy(update=update))

    # --- rendering ---

    def show_snapshot(self, snapshot: JobSnapshot, first: bool) -> None:
        job = snapshot.job
        now = self.now()
        if job.display_name and job.display_name != self.job_name:
            self.job_name = job.display_name
            self.refresh_crumbs()
        if self._fresh("#spec", (job.model_copy(update={"duration": None, "pods": None}), self._theme())):
            self.query_one("#spec", Static).update(render_spec(job, self.colour))
        self.query_one(PhaseTimeline).set_history(job.status_history, job.status, now)
        if first and self.selected is None:
            self.selected = first_pod(job)  # a failed job's culprit, else its first pod
        self._show_pods(job, now)
        self._show_metrics()
        self._show_events("#events", "#events-pane", snapshot.events, "events" in snapshot.unavailable)
        pod_label = self.selected[0] if self.selected else "—"
        self.query_one("#pod-events-pane").border_title = Text(f"Pod events · {pod_label}")
        if snapshot.pod_events is not None and snapshot.pod_events[0] == self.selected:
            self._show_events("#pod-events", "#pod-events-pane", snapshot.pod_events[1], False)
        pane = self.query_one("#sanity-pane")
        pane.set_class(bool(snapshot.sanity), "-shown")
        if snapshot.sanity and self._fresh("#sanity", (snapshot.sanity, self._theme())):
            self.query_one("#sanity", Static).update(render_sanity(snapshot.sanity, self.colour))
        for pane_id, names in (("#events-pane", ("events",)), ("#pod-events-pane", ("pod-events",)),
                               ("#sanity-pane", ("sanity",)), ("#metrics-pane", METRIC_TYPES)):
            code = snapshot.stale_code(*names)
            self.query_one(pane_id).border_subtitle = Text(f"stale: {code}", style="bold red") if code else ""
        self._show_header(now)

    def _fresh(self, panel: str, source: Any) -> bool:
        """Whether ``panel`` was last rendered from something else (and remember ``source``)."""
        if self._rendered.get(panel) == source:
            return False
        self._rendered[panel] = source
        return True

    def _theme(self) -> str | None:
        theme = self.app.current_theme
        return theme.name if theme is not None else None

    def show_state(self) -> None:
        if self.snapshot is not None:
            self._show_header(self.now())
        elif self.detail_watch is not None and self.detail_watch.error is not None:
            text = Text(f"{self.job_name or self.job_id}  ")
            text.append("could not load: ", style="bold red")
            text.append(str(self.detail_watch.error))
            self.query_one("#job-header", Static).update(text)

    def tick(self, now: datetime) -> None:
        if self.detail_watch is not None and not self.detail_watch.done:
            self.query_one(PhaseTimeline).tick(now)
            self._show_header(now)

    def _show_header(self, now: datetime) -> None:
        job: JobItem = self.snapshot.job
        phase = job_phase(job.status)
        line = Text()
        line.append(job.display_name or self.job_id, style="bold")
        line.append("  ")
        line.append_text(self.status_text(job.status, phase))
        reason = short_reason(job.reason_code, job.reason_message, 70)
        if reason and phase != "succeeded":
            line.append(f"  {reason}", style=self.colour(phase))
        line.append(f"   {job_times_text(job, now)}", style="bold")
        line.append("   ")
        line.append_text(self.state_text())
        meta = Text(style="dim")
        meta.append(f"{self.job_id} · {job.job_type or '?'} · owner {job.username or job.user_id or '?'}")
        meta.append(f" · ws {job.workspace_name or job.workspace_id or '?'} · priority {job.priority or '-'}")
        if job.restart_times:
            meta.append(f" · restarts {job.restart_times}")
        meta.append(f" · metrics {WINDOWS[self.window_index].label} (w)")
        # two lines in a header of fixed height: no layout pass (each second's tick would recompose the screen)
        self.query_one("#job-header", Static).update(Text("\n").join([line, meta]), layout=False)

    def _show_pods(self, job: JobItem, now: datetime) -> None:
        table = self.pods_table
        if not table.columns:
            # NODE sizes to its content: cut to a fixed width, "10.0.168.216" read as another valid address
            for title, width in (("POD", 27), ("TYPE", 6), ("STATUS", 9), ("STARTED", 8), ("FINISHED", 8),
                                 ("DURATION", 8), ("NODE", None)):
                table.add_column(title, key=title.lower(), width=width)
        blamed = culprit_of(job)
        rows = pod_rows(job, now, self.colour, blamed)
        keys = [row.key for row in rows]
        self._pod_refs = {row.key: row.ref for row in rows}
        if not rows:
            # pods appear at EnvPreparing; until then say why the table is empty
            table.border_subtitle = f"no pods yet · {job.status}" if job.status else "no pods yet"
        else:
            count = sum(1 for r in rows if not r.history)
            first = f" · ⚑ {blamed.removeprefix(f'{job.job_id}-')} failed first" if blamed else ""
            table.border_subtitle = f"{count} pod{'s' if count != 1 else ''}{first}"
        if keys == self._pod_keys:  # same pods: update changed cells in place (no cursor jump)
            for row in rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    if table.get_cell(row.key, column) != cell:
                        table.update_cell(row.key, column, cell)
            return
        cursor_key = self._pod_keys[table.cursor_row] if 0 <= table.cursor_row < len(self._pod_keys) else None
        table.clear()
        for row in rows:
            table.add_row(*row.cells, key=row.key)
        self._pod_keys = keys
        if cursor_key is None and self.selected is not None:  # first rows: the cursor on the chosen pod
            cursor_key = next((row.key for row in rows if row.ref == self.selected), None)
        if cursor_key in keys:
            table.move_cursor(row=keys.index(cursor_key), animate=False)

    def _show_metrics(self) -> None:
        snapshot: JobSnapshot | None = self.snapshot
        if snapshot is None:
            return
        pane = self.query_one("#metrics-pane")
        pod = self.selected[0] if self.selected else None
        live = not is_terminal_job(snapshot.job.status)  # a finished job's window ends at its finish
        span = WINDOWS[self.window_index].label
        pane.border_title = Text(f"Metrics · {pod or 'no pod'} · " + (f"last {span}" if live else f"{span} to the end"))
        # which samples are this incarnation's, and whether the latest is "now": live.pod_metrics decides
        if not self._fresh("metrics", (snapshot.metrics, self.selected, self.window_index, snapshot.job.status,
                                       self._theme())):
            return
        found = metric_readings(snapshot.job, self.selected, snapshot.metrics, list(METRIC_TYPES),
                                job_over=not live)
        self.query_one(MetricPanel).show(found)

    def _show_events(self, target: str, pane_id: str, events: tuple[str, ...], refused: bool) -> None:
        if not self._fresh(target, (events, refused, self._theme())):
            return
        static = self.query_one(target, Static)
        if refused:
            static.update(Text("not available (the service refused the request)", style="dim"))
            return
        static.update(event_lines(events, warning=self.colour("failed")))
        self.query_one(pane_id, VerticalScroll).scroll_end(animate=False)

    # --- pods: selection and logs ---

    @on(DataTable.RowHighlighted, "#pods")
    def _pod_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # a cleared or emptied table highlights "no row": RowHighlighted(cursor_row=-1, row_key=None)
        key = event.row_key.value if event.row_key is not None else None
        ref = self._pod_refs.get(str(key)) if key is not None else None
        if ref is None or ref == self.selected or not self.is_attached:
            return
        self.selected = ref
        self._show_metrics()
        self.query_one("#pod-events-pane").border_title = Text(f"Pod events · {ref[0]}")
        self._load_pod_events(ref)

    @work(exclusive=True, group="pod-events", exit_on_error=False)
    async def _load_pod_events(self, ref: PodRef) -> None:
        try:
            events = await pod_events(self.pai.client, self.job_id, ref)
        except PaiError as error:
            if self.is_attached and ref == self.selected:  # the answer may come after the screen or pod changed
                self._rendered.pop("#pod-events", None)
                self.query_one("#pod-events", Static).update(Text(f"could not load: {error}", style="dim"))
            return
        if ref == self.selected and self.is_attached:
            self._show_events("#pod-events", "#pod-events-pane", events, False)

    @on(DataTable.RowSelected, "#pods")
    def _pod_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_logs()

    def action_open_logs(self) -> None:
        if self.selected is None:
            self.notify("no pod selected", markup=False, timeout=2)
            return
        from paitui.ui.screens.logs import LogScreen  # lazily: the log screen is heavy and optional here

        pod_id, uid = self.selected
        self.pai.push_detail(LogScreen.for_pod(self.job_id, pod_id, job_name=self.job_name, pod_uid=uid))

    def action_why(self) -> None:
        """Why it waits or failed (``live.why.explain``; the same as ``paitui job why``)."""
        from paitui.live.why.explain import describe, explain

        client, job_id = self.pai.client, self.job_id

        async def load() -> str:
            try:
                return "\n".join(describe(await explain(client, job_id)))
            except PaiError as error:
                return f"Could not explain {job_id}: {describe_error(error)}"

        self._push_text(f"Why · {self.job_name or job_id}", load)

    def action_diff(self) -> None:
        """This job's spec against its last good run (``live.why.compare``; ``paitui job diff``)."""
        from paitui.live.why.compare import compare_jobs, format_table

        client, job_id = self.pai.client, self.job_id

        async def load() -> str:
            try:
                found = await compare_jobs(client, job_id)
            except PaiError as error:
                return f"Could not compare {job_id}: {describe_error(error)}"
            if found.theirs is None:
                return found.missing + " (headless: paitui job diff JOB_ID --against OTHER_ID)"
            return "\n".join(format_table(found.ours, found.theirs, found.chosen, found.rows))

        self._push_text(f"Diff · {self.job_name or job_id} against its last good run", load, wrap=False)

    def _push_text(self, title: str, load: Callable[[], Awaitable[str]], *, wrap: bool = True) -> None:
        from paitui.ui.widgets.text_modal import TextModal

        self.app.push_screen(TextModal(title, loader=load, lexer="text", line_numbers=False, wrap=wrap))

    def action_cycle_window(self) -> None:
        self.window_index = (self.window_index + 1) % len(WINDOWS)
        self._show_metrics()
        self.action_refresh_now()

    # --- raw JSON ---

    def raw_request(self) -> Callable[[], Awaitable[dict[str, Any]]]:
        from paitui.api.operations import operation

        client = self.pai.client
        return lambda: client.invoke_json(operation("dlc", "GetJob"), {"JobId": self.job_id, "NeedDetail": True})

    def raw_title(self) -> str:
        return f"GetJob {self.job_id} — {self.job_name or ''}"

    def raw_fallback(self, snapshot: JobSnapshot) -> Any:
        return snapshot.job.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- rendering helpers (pure: a job in, Rich renderables out; backend strings always inside Text) ---------

Colour = Callable[[Phase], str]


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone():%m-%d %H:%M:%S}" if moment is not None else "—"


def _resources(spec: Any) -> str:
    if spec.ecs_spec:
        return spec.ecs_spec
    rc = spec.resource_config
    if rc is None:
        return "—"
    parts = [f"CPU {rc.cpu}" if rc.cpu else "", f"GPU {rc.gpu}" + (f" ({rc.gpu_type})" if rc.gpu_type else "")
             if rc.gpu and rc.gpu != "0" else "", f"Mem {rc.memory}" if rc.memory else "",
             f"shm {rc.shared_memory}" if rc.shared_memory else ""]
    return " · ".join(p for p in parts if p) or "—"


def render_spec(job: JobItem, colour: Colour) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def row(key: str, value: str | Text | None) -> None:
        if value is None or value == "":
            return
        grid.add_row(key, value if isinstance(value, Text) else Text(str(value)))

    row("Status", Text(job.status or "—", style=colour(job_phase(job.status))))
    row("Job type", job.job_type)
    images = list(dict.fromkeys(s.image for s in job.job_specs or () if s.image))
    row("Image", "\n".join(images))
    row("Command", job.user_command)
    for spec in job.job_specs or ():
        flags = " spot" if spec.use_spot_instance else ""
        restart = f" · restart {spec.restart_policy}" if spec.restart_policy else ""
        row(f"Task {spec.type or '?'}", f"×{spec.pod_count if spec.pod_count is not None else 1}  "
                                        f"{_resources(spec)}{flags}{restart}")
    resource = " · ".join(x for x in (job.resource_type, job.resource_quota_name or job.resource_id) if x)
    row("Resources", resource or "public")
    if job.request_gpu is not None or job.request_cpu is not None:
        row("Requested", f"GPU {job.request_gpu or 0:g} · CPU {job.request_cpu or 0} · Mem {job.request_memory or '?'}")
    row("Priority", str(job.priority) if job.priority is not None else None)
    row("Owner", job.username or job.user_id)
    row("Workspace", f"{job.workspace_name or ''} ({job.workspace_id})" if job.workspace_id else None)
    row("Created", _when(job.gmt_create_time))
    row("Running at", _when(job.gmt_running_time) if job.gmt_running_time else None)
    row("Finished", _when(job.gmt_finish_time) if job.gmt_finish_time else None)
    if job.job_max_running_time_minutes:
        row("Max running", f"{job.job_max_running_time_minutes} min")
    for ds in job.data_sources or ():
        row("Data", f"{ds.mount_path or '?'} ← {ds.uri or ds.data_source_id or '?'}")
    code = job.code_source
    if code is not None and (code.code_source_id or code.mount_path):
        ref = "@".join(x for x in (code.branch, code.commit) if x)
        row("Code", f"{code.mount_path or '?'} ← {code.code_source_id or '?'} {ref}".rstrip())
    settings = job.settings
    if settings is not None:
        opts = [name for name, on_ in (("sanity check", settings.enable_sanity_check), ("RDMA", settings.enable_rdma),
                                        ("AIMaster monitoring", settings.enable_error_monitoring_in_ai_master),
                                        ("OSS append", settings.enable_oss_append)) if on_]
        if settings.job_reserved_minutes:
            opts.append(f"reserve {settings.job_reserved_minutes} min ({settings.job_reserved_policy})")
        row("Settings", ", ".join(opts) or "defaults")
        if settings.tags:
            row("Tags", ", ".join(f"{k}={v}" for k, v in settings.tags.items()))
    if job.envs:
        row("Envs", " ".join(f"{k}={v}" for k, v in job.envs.items()))
    if job.user_vpc is not None and job.user_vpc.vpc_id:
        row("VPC", f"{job.user_vpc.vpc_id} / {job.user_vpc.switch_id or '?'}")
    row("Description", job.description)
    return grid


@dataclass(frozen=True)
class PodRow:
    key: str
    ref: PodRef
    cells: tuple[Text, ...]
    history: bool


def _pod_duration(pod: PodItem, now: datetime) -> str:
    if pod.gmt_start_time is None:
        return "—"
    return humanize((pod.gmt_finish_time or now) - pod.gmt_start_time)


def _pod_row(pod: PodItem, now: datetime, colour: Colour, attempt: int | None, blamed: bool = False) -> PodRow:
    pod_id = pod.pod_id or "?"
    history = attempt is not None
    dim = "dim" if history else ""
    name = Text(f"  ↳ attempt {attempt} · {(pod.pod_uid or '')[:8]}" if history else pod_id, style=dim)
    phase = pod_phase(pod.status)
    started = f"{pod.gmt_start_time.astimezone():%H:%M:%S}" if pod.gmt_start_time else "—"
    finished = f"{pod.gmt_finish_time.astimezone():%H:%M:%S}" if pod.gmt_finish_time else "—"
    status = f"{pod.status or '—'} ⚑" if blamed else pod.status or "—"  # the pod that failed first
    style = f"{colour(phase)} {dim}".strip() + (" bold" if blamed else "")
    cells = (name, Text(pod.type or "", style=dim), Text(status, style=style), Text(started, style=dim),
             Text(finished, style=dim), Text(_pod_duration(pod, now), style=dim),
             Text(pod.node_name or "", style=dim))
    return PodRow(f"{pod_id}@{pod.pod_uid or ''}", (pod_id, pod.pod_uid), cells, history)


def pod_rows(job: JobItem, now: datetime, colour: Colour, blamed: str | None = None) -> list[PodRow]:
    """Each pod, then its earlier incarnations (``HistoryPods``) indented and dimmed beneath it; the pod
    ``blamed`` (a failed job's culprit) is marked ⚑."""
    rows: list[PodRow] = []
    for pod in job.pods or ():
        rows.append(_pod_row(pod, now, colour, None, blamed is not None and pod.pod_id == blamed))
        # HistoryPods come newest first; number the attempts from the first one
        history = list(pod.history_pods or ())
        rows.extend(_pod_row(old, now, colour, len(history) - i) for i, old in enumerate(history))
    return rows


def _event_line(line: str, warning: str) -> Text:
    """``<ISO time> <Type> <Reason> <object>: <message>`` with the time shortened to local time."""
    stamp, _, rest = line.partition(" ")
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return Text(line, style=warning if " Warning " in line else "")
    text = Text(f"{moment.astimezone():%m-%d %H:%M:%S} ", style="dim")
    text.append(rest, style=warning if rest.startswith("Warning ") else "")
    return text


def event_lines(events: tuple[str, ...], *, warning: str) -> Text:
    if not events:
        return Text("no events", style="dim")
    return Text("\n").join(_event_line(line, warning) for line in events)


def render_sanity(checks: tuple[tuple[SanityCheckResultItem, ...], ...], colour: Colour) -> RenderableType:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=3, no_wrap=True)  # check number
    grid.add_column(width=19, no_wrap=True)  # phase (SingleNodeCommCheck is the longest)
    grid.add_column(width=9, no_wrap=True)  # status
    grid.add_column(width=7, justify="right", no_wrap=True)  # took
    grid.add_column(ratio=1, overflow="fold")  # message: wraps, the pane scrolls
    for check in checks:
        for item in check:
            status = item.status or "—"
            phases: dict[str, Phase] = {"succeeded": "succeeded", "failed": "failed", "running": "running"}
            phase = phases.get(status.lower(), "unknown")
            took = humanize(item.finished_at - item.started_at) if item.finished_at and item.started_at else ""
            grid.add_row(Text(f"#{item.check_number}", style="dim"), Text(item.phase or "?"),
                         Text(status, style=colour(phase)), Text(took), Text(item.message or "", style="dim"))
    return grid
