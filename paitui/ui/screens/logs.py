"""The log screen: live tail of a DLC pod (one pod, a previous attempt, a sidecar, or all pods merged) or a
PAIFlow node, with follow/pause, find, filter, save, copy and pager.

The screen owns the tailer (``paitui.live.tail``) and the spool (the fetched history on disk, bounded);
``LogView`` shows the newest ``max_lines``. One async worker polls: at once while a backlog remains, every
second while the source runs, backing off on errors, and stops after the final fetch.

This module holds the screen, its polling worker and its find/filter actions; ``log_source`` holds what is
read and the switching between sources, ``log_status`` the info/empty/status lines, ``log_output`` save,
copy and pager.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from paitui.api.errors import PaiError, describe
from paitui.live.job_snapshot import first_pod
from paitui.live.logsearch import Pattern, PatternError
from paitui.live.spool import LogSpool
from paitui.live.tail import PodRef, Since, TailBatch, pod_label, pods_of, since
from paitui.ui.behaviours import log_status
from paitui.ui.behaviours.log_output import LogOutputActions
from paitui.ui.behaviours.log_source import SINCE_BY_KEY, LogSource, LogSourceActions, Tailer, make_tailer
from paitui.ui.focus import text_entry_active
from paitui.ui.screens.base import PaiScreen
from paitui.ui.widgets.log_find import FindAllScreen, FindBar, LineScreen
from paitui.ui.widgets.log_view import DEFAULT_MAX_LINES, LogView

if TYPE_CHECKING:
    from paitui.live.tail import State

__all__ = ["SINCE_BY_KEY", "LogScreen", "LogSource", "Tailer"]


POD_ONLY_ACTIONS = frozenset({"pod", "merge", "attempt", "container"})


class LogScreen(LogSourceActions, LogOutputActions, PaiScreen):
    TITLE_TEXT = "logs"
    BINDINGS = [
        Binding("f", "follow", "Follow", id="logs.follow"),
        Binding("slash", "find", "Find", key_display="/", priority=True, id="logs.find"),  # see ui.focus
        Binding("n", "find_next(1)", "Next", show=False, id="logs.next"),
        Binding("N", "find_next(-1)", "Prev", show=False, id="logs.prev"),
        Binding("ampersand", "filter", "Filter", key_display="&", priority=True, id="logs.filter"),
        Binding("e", "levels", "Warn/Err", id="logs.levels"),
        Binding("E", "first_error", "First error", show=False, id="logs.first_error"),
        Binding("w", "toggle('wrap')", "Wrap", id="logs.wrap"),
        Binding("t", "toggle('show_timestamps')", "Time", show=False, id="logs.timestamps"),
        Binding("number_sign", "toggle('show_line_numbers')", "Line #", key_display="#", show=False,
                id="logs.numbers"),
        Binding("left_square_bracket", "pod(-1)", "Prev pod", key_display="[", id="logs.pod_prev"),
        Binding("right_square_bracket", "pod(1)", "Next pod", key_display="]", id="logs.pod_next"),
        Binding("m", "merge", "All pods", id="logs.merge"),
        Binding("p", "attempt", "Prev attempt", show=False, id="logs.attempt"),
        Binding("C", "container", "Container", show=False, id="logs.container"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
        Binding("c", "copy", "Copy", id="logs.copy"),
        Binding("v", "pager", "Pager", show=False, id="logs.pager"),
        Binding("ctrl+f", "find_all", "Find all", show=False, id="logs.find_all"),
        Binding("ctrl+r", "flag('regex')", "Regex", show=False, id="logs.regex"),
        Binding("ctrl+t", "flag('case')", "Case", show=False, id="logs.case"),
        Binding("r", "refresh", "Refresh", show=False, id="logs.refresh"),
        *[Binding(k, f"since('{v}')", f"since {v}", show=False, id=f"logs.since_{v}") for k, v in SINCE_BY_KEY.items()],
    ]
    DEFAULT_CSS = """
    LogScreen #log-info { height: 1; padding: 0 1; background: $panel-lighten-1; }
    LogScreen #log-empty { height: auto; padding: 1 2; color: $text-muted; display: none; }
    LogScreen #log-empty.-show { display: block; }
    LogScreen #log-empty.-gone { color: $text-error; }
    LogScreen LogView { height: 1fr; }
    LogScreen #log-status { height: 1; padding: 0 1; background: $panel; }
    LogScreen #log-status.-paused { background: $warning 30%; }
    LogScreen #log-status.-error { background: $error 30%; }
    """

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Pod keys ([ ] m p C) mean nothing for a pipeline node: hide them from the footer and help there.
        / and & are characters while the find bar has the keys."""
        if action in ("find", "filter") and text_entry_active(self):
            return False
        return not (action in POD_ONLY_ACTIONS and self.source.kind != "pod")

    def __init__(self, source: LogSource, *, since_key: str = "tail", tail_lines: int = 2000,
                 max_lines: int = DEFAULT_MAX_LINES, page_lines: int = 5000, batch_lines: int = 10_000,
                 interval: float = 1.0) -> None:
        super().__init__()
        self.source = source
        self.since: Since = since(since_key, tail_lines=tail_lines)
        self.tail_lines = tail_lines
        self.max_lines = max_lines
        self.page_lines = page_lines
        self.batch_lines = batch_lines
        self.interval = interval
        self.spool = LogSpool()
        self.tailer: Tailer | None = None
        self.state: State = "starting"
        self.error: PaiError | None = None
        self.pods: list[PodRef] = []
        self.containers: tuple[str, list[str]] | None = None
        self.detail: Any = None
        self.polls = 0
        self._failing_since: datetime | None = None  # first failed poll of the current run of failures
        self._wake = asyncio.Event()
        self._active = asyncio.Event()
        self._active.set()
        self._saved: Path | None = None

    # --- the public constructors ---

    @classmethod
    def for_pod(cls, job_id: str, pod_id: str | None = None, *, job_name: str | None = None,
                pod_uid: str | None = None, **options: Any) -> LogScreen:
        return cls(LogSource("pod", job_id=job_id, pod_id=pod_id, pod_uid=pod_uid, job_name=job_name), **options)

    @classmethod
    def for_node(cls, run_id: str, node_id: str, *, run_name: str | None = None, node_name: str | None = None,
                 **options: Any) -> LogScreen:
        return cls(LogSource("node", run_id=run_id, node_id=node_id, run_name=run_name, node_name=node_name),
                   **options)

    # --- layout ---

    def crumbs(self) -> list[str]:
        s = self.source
        if s.kind == "node":
            return ["runs", s.run_name or s.run_id, s.node_name or s.node_id, "logs"]
        pod = "all pods" if s.merged else pod_label(s.job_id, s.pod_id or "…")
        return ["jobs", s.job_name or s.job_id, pod, "logs"]

    def compose_body(self) -> ComposeResult:
        yield Static(id="log-info")
        yield Static(id="log-empty")
        yield LogView(max_lines=self.max_lines, merged=self.source.merged)
        yield Static(id="log-status")
        yield FindBar()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.focus()
        self._restart()

    def on_unmount(self) -> None:
        self.spool.close()

    def on_screen_suspend(self) -> None:
        self._active.clear()  # another screen on top: stop polling until we are back

    def on_screen_resume(self) -> None:
        self._active.set()
        self._wake.set()

    # --- tailing ---

    def _make_tailer(self) -> Tailer:
        return make_tailer(self.source, self.pai.client, since_=self.since, interval=self.interval,
                           page_lines=self.page_lines, batch_lines=self.batch_lines, now=self.pai.backend.now,
                           pace=self._pace)

    async def _pace(self) -> None:
        """Between pages of a backlog: let queued input and frames run before the next fetch, which may hold
        the event loop (the in-process simulated cloud computes its answer on it)."""
        for _ in range(100):
            await asyncio.sleep(0)
            focused = self.app.focused
            if not (self.app.message_queue_size or self.message_queue_size
                    or (focused is not None and focused.message_queue_size)):
                return

    def _restart(self) -> None:
        """(Re)start reading from scratch: new source, since window or container."""
        self.view.merged = self.source.merged
        self.view.clear()
        self.spool.reset()
        self._saved = None
        self.state, self.error = "starting", None
        self.tailer = None
        self.refresh_crumbs()
        self._render_status()
        self._tail()

    def poll_now(self) -> None:
        """Poll at once (tests on a manual clock; ``r``)."""
        self._wake.set()

    @work(exclusive=True, group="log-tail", exit_on_error=False)
    async def _tail(self) -> None:
        first_pod = self.source.kind == "pod" and self.source.pod_id is None and not self.source.merged
        if first_pod and not await self._pick_first_pod():
            return
        tailer = self.tailer = self._make_tailer()
        while not tailer.done:
            await self._active.wait()
            self._wake.clear()
            batch = await tailer.poll()
            if tailer is not self.tailer:
                return  # superseded by a restart
            self._apply(batch)
            if batch.done:
                return
            if batch.more:
                await self._pace()  # a backlog: fetch on, but let keys and frames through first
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=tailer.next_delay())

    async def _pick_first_pod(self) -> bool:
        try:
            job = await self.pai.client.dlc.get_job(self.source.job_id)
        except PaiError as error:
            self.error = error
            self.polls += 1
            self.state = "gone" if error.kind == "not_found" else "waiting"
            self.pai.show_error(error)
            self._render_status()
            if self.state != "gone":
                self.set_timer(max(self.interval * 4, error.retry_after or 0), self._tail)
            return False
        self.pods = pods_of(job)
        self.detail = job
        if not self.pods:  # queuing: no pod yet; look again in a moment
            self.polls += 1
            self.state = "waiting"
            self._render_status()
            self.set_timer(self.interval, self._tail)
            return False
        chosen = first_pod(job)  # a failed job's culprit, else its first pod
        pod_id = chosen[0] if chosen is not None else self.pods[0].pod_id
        self.source = replace(self.source, pod_id=pod_id, job_name=self.source.job_name or job.display_name)
        self.refresh_crumbs()
        return True

    def _apply(self, batch: TailBatch) -> None:
        self.polls += 1
        if batch.lines:
            self.spool.append(batch.lines)
            self.view.append(batch.lines)
        previous_error = self.error
        self.error = batch.error if batch.state != "gone" or batch.error else None
        if batch.error is not None and previous_error is None:
            self.pai.show_error(batch.error, title="log fetch failed" if batch.state != "gone" else "gone")
        # the header's "⟳ time" / "stale since" speaks for the screen in front: here, the log fetches
        now = self.pai.backend.now()
        if batch.error is None:
            self._failing_since = None
            self.pai.report_refresh(now, None)
        else:
            self._failing_since = self._failing_since or now
            self.pai.report_refresh(None, self._failing_since, batch.error.code or describe(batch.error))
        for note in batch.notes:
            self.notify(note, markup=False)
        self.state = batch.state
        if batch.detail is not None:
            self.detail = batch.detail
            if self.source.kind == "pod":
                self.pods = pods_of(batch.detail)
                if not self.source.job_name and getattr(batch.detail, "display_name", None):
                    self.source = replace(self.source, job_name=batch.detail.display_name)
                    self.refresh_crumbs()
        tailer = self.tailer
        if tailer is not None and (info := getattr(tailer, "container_info", None)):
            self.containers = info
        self._render_status()

    # --- status lines ---

    def _render_status(self) -> None:
        if not self.is_mounted:
            return
        view, source = self.view, self.source
        status = log_status.source_status(source, self.detail, self.pods)
        subject = log_status.subject(source, self.pods, self.containers)
        word = log_status.status_word(self.state, status)
        # the two bars are one fixed line each: no layout pass on their many updates
        self.query_one("#log-info", Static).update(log_status.info_line(subject, word, self.since), layout=False)

        message, gone = log_status.empty_message(source, view, self.state, self.error, self.since, status)
        empty = self.query_one("#log-empty", Static)
        empty.update(Text(message))
        empty.set_class(bool(message), "-show")
        empty.set_class(gone, "-gone")

        bar = self.query_one("#log-status", Static)
        delay = self.tailer.next_delay() if self.tailer is not None else 0
        bar.update(log_status.status_line(view, view.stats(), self.error, self.state, delay, self._saved,
                                          self.spool), layout=False)
        bar.set_class(not view.follow, "-paused")
        bar.set_class(self.error is not None and self.state != "gone", "-error")

    @on(LogView.Changed)
    def _view_changed(self, event: LogView.Changed) -> None:
        self._render_status()

    @on(LogView.Open)
    def _open_line(self, event: LogView.Open) -> None:
        self.app.push_screen(LineScreen(event.index + 1, event.line))

    # --- actions: view ---

    def action_follow(self) -> None:
        self.view.action_follow()

    async def action_toggle(self, name: str) -> None:  # DOMNode's is async; the dispatcher awaits either
        view = self.view
        setattr(view, name, not getattr(view, name))

    def action_find(self) -> None:
        find = self.view.find
        self.query_one(FindBar).open("find", find.text if find else "")

    def action_filter(self) -> None:
        current = self.view.filter
        text = ("!" if current and current.invert else "") + current.text if current else ""
        self.query_one(FindBar).open("filter", text)

    def action_find_next(self, direction: int) -> None:
        view = self.view
        if view.find is None:
            self.notify("nothing to find: press / first", markup=False)
            return
        if view.find_next(direction) is None:
            self.notify(f"no line in view matches {view.find.describe()} (ctrl+f searches the whole log)",
                        markup=False)

    def action_first_error(self) -> None:
        """Jump to where the failure starts: the first traceback or known error line (issue 15)."""
        index = self.view.first_error()
        if index is None:
            self.notify("no traceback or known error in the lines shown", markup=False)
            return
        self.view.move_to(index)

    def action_levels(self) -> None:
        view = self.view
        view.set_filter(view.filter, levels_only=not view.levels_only)

    def action_flag(self, flag: str) -> None:
        """ctrl+r / ctrl+t outside the bar: re-apply the current find and filter with the flag flipped."""
        bar = self.query_one(FindBar)
        setattr(bar, flag, not getattr(bar, flag))
        bar._show_flags()
        view = self.view
        try:
            if view.find is not None:
                view.set_find(Pattern.compile(view.find.text, regex=bar.regex, case=bar.case))
            if view.filter is not None:
                view.set_filter(Pattern.compile(view.filter.text, regex=bar.regex, case=bar.case,
                                                invert=view.filter.invert))
        except PatternError as error:
            setattr(bar, flag, not getattr(bar, flag))
            bar._show_flags()
            self.notify(str(error), severity="error", markup=False)
        self.notify(f"{flag} {'on' if getattr(bar, flag) else 'off'}", markup=False, timeout=1.5)

    @on(FindBar.Applied)
    def _applied(self, event: FindBar.Applied) -> None:
        view = self.view
        if event.mode == "find":
            view.set_find(event.pattern)
            if event.pattern is not None and view.find_next(-1) is None:
                self.notify(f"no line in view matches {event.pattern.describe()}", markup=False)
        else:
            view.set_filter(event.pattern)
        self._render_status()

    def action_find_all(self) -> None:
        find = self.view.find
        if find is None:
            self.notify("find first (/), then ctrl+f lists every match of the whole log", markup=False)
            return
        self.app.push_screen(FindAllScreen(self.spool, find))
