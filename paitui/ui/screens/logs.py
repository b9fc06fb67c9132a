"""The log screen: live tail of a DLC pod (one pod, a previous attempt, a sidecar, or all pods merged) or a
PAIFlow node, with follow/pause, find, filter, save, copy and pager.

The screen owns the tailer (``paitui.live.tail``) and the spool (the whole history on disk); ``LogView``
shows the newest ``max_lines``. One async worker polls: at once while a backlog remains, every second
while the source runs, backing off on errors, and stops after the final fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from paitui.api.errors import PaiError
from paitui.live.logsearch import Pattern, PatternError, utc_stamp
from paitui.live.spool import LogSpool
from paitui.live.tail import (
    MergedPodTailer,
    NodeLogTailer,
    PodLogTailer,
    PodRef,
    Since,
    TailBatch,
    pod_label,
    pods_of,
    since,
)
from paitui.ui.screens.base import PaiScreen
from paitui.ui.widgets.log_find import FindAllScreen, FindBar, LineScreen
from paitui.ui.widgets.log_view import DEFAULT_MAX_LINES, LogView

if TYPE_CHECKING:
    from paitui.live.tail import State

Tailer = PodLogTailer | MergedPodTailer | NodeLogTailer
SINCE_BY_KEY = {"0": "tail", "1": "1m", "2": "5m", "3": "15m", "4": "1h", "5": "all"}


@dataclass(frozen=True, slots=True)
class LogSource:
    """What the screen reads. ``kind`` pod: ``job_id`` + ``pod_id`` (None: the first pod); node: ``run_id`` +
    ``node_id``."""

    kind: str
    job_id: str = ""
    pod_id: str | None = None
    pod_uid: str | None = None
    job_name: str | None = None
    run_id: str = ""
    node_id: str = ""
    run_name: str | None = None
    node_name: str | None = None
    merged: bool = False
    container: str | None = None


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "log"


class LogScreen(PaiScreen):
    TITLE_TEXT = "logs"
    BINDINGS = [
        Binding("f", "follow", "Follow", id="logs.follow"),
        Binding("slash", "find", "Find", key_display="/", id="logs.find"),
        Binding("n", "find_next(1)", "Next", show=False, id="logs.next"),
        Binding("N", "find_next(-1)", "Prev", show=False, id="logs.prev"),
        Binding("ampersand", "filter", "Filter", key_display="&", id="logs.filter"),
        Binding("e", "levels", "Warn/Err", id="logs.levels"),
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
        s, client, now, pace = self.source, self.pai.client, self.pai.backend.now, self._pace
        if s.kind == "node":
            return NodeLogTailer(client, s.run_id, s.node_id, since_=self.since, interval=self.interval,
                                 page_size=1000, batch_lines=self.batch_lines, now=now, pace=pace)
        if s.merged:
            return MergedPodTailer(client, s.job_id, container=s.container, since_=self.since,
                                   interval=self.interval, page_lines=self.page_lines,
                                   batch_lines=self.batch_lines, now=now, pace=pace)
        assert s.pod_id is not None
        return PodLogTailer(client, s.job_id, s.pod_id, pod_uid=s.pod_uid, container=s.container,
                            since_=self.since, interval=self.interval, page_lines=self.page_lines,
                            batch_lines=self.batch_lines, now=now, pace=pace)

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
        self.source = replace(self.source, pod_id=self.pods[0].pod_id, job_name=self.source.job_name
                              or job.display_name)
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
        if tailer is not None and getattr(tailer, "container_info", None):
            self.containers = tailer.container_info  # type: ignore[union-attr]
        self._render_status()

    # --- status lines ---

    def _subject(self) -> str:
        s = self.source
        if s.kind == "node":
            return f"node {s.node_name or s.node_id}"
        if s.merged:
            return f"all {len(self.pods)} pods merged by time"
        text = f"pod {s.pod_id}"
        if s.pod_uid:
            attempts = self._attempts()
            at = next((i for i, ref in enumerate(attempts) if ref.uid == s.pod_uid), 0)
            earlier = len(attempts) - 1
            if at == 0:  # the attempt running now; say how many earlier ones `p` can reach
                text += f" · current attempt (uid {s.pod_uid[:8]}" + (f", {earlier} earlier)" if earlier else ")")
            else:
                text += f" · previous attempt {at} of {earlier} (uid {s.pod_uid[:8]})"
        if self.pods and not s.pod_uid:
            index = next((i for i, ref in enumerate(self.pods) if ref.pod_id == s.pod_id), 0)
            text += f" ({index + 1}/{len(self.pods)})"
        if self.containers:
            main, sidecars = self.containers
            text += f" · container {s.container or main}" + (f" (+{len(sidecars)} sidecar)" if sidecars else "")
        return text

    def _status_word(self) -> str:
        status = self._source_status()
        return {
            "starting": "loading…",
            "waiting": f"waiting for logs ({status})" if status else "waiting for logs",
            "live": "● live",
            "ended": f"■ ended ({status})" if status else "■ ended",
            "gone": "✕ deleted",
        }[self.state]

    def _source_status(self) -> str:
        detail = self.detail
        if detail is None:
            return ""
        if self.source.kind == "node":
            info = getattr(detail, "status_info", None)
            return getattr(info, "status", "") or ""
        if self.source.merged or self.source.pod_id is None:
            return getattr(detail, "status", "") or ""
        ref = next((r for r in self.pods if r.pod_id == self.source.pod_id), None)
        if ref is not None and self.source.pod_uid:
            ref = next((h for h in ref.history if h.uid == self.source.pod_uid), ref)
        return (ref.status if ref is not None else getattr(detail, "status", "")) or ""

    def _empty_message(self) -> tuple[str, bool]:
        view = self.view
        if view.shown_count:
            return "", False
        if self.state == "gone":
            what = "pipeline node" if self.source.kind == "node" else "job or pod"
            reason = f" ({self.error.code})" if self.error is not None and self.error.code else ""
            return f"This {what} no longer exists{reason}: there are no logs to show.", True
        if view.total and (view.filter or view.levels_only):
            return "No line matches the filter. & then enter on an empty pattern clears it; e toggles " \
                   "warnings/errors only.", False
        if self.state == "starting":
            return "Loading logs…", False
        if self.error is not None:
            return f"Could not read the logs yet: {self.error}. Retrying…", False
        status = self._source_status()
        window = "" if self.since.key == "all" else f" in the window '{self.since.label}' (5 shows all)"
        if self.state == "waiting":
            if status.lower() in ("pending", "readytoschedule", "initialized", "queuing", "creating"):
                return f"The {'node' if self.source.kind == 'node' else 'pod'} has not started yet ({status}): " \
                       "no logs yet. Waiting…", False
            return f"No log lines yet{window}. Waiting for the first line…", False
        return f"It ended ({status or 'finished'}) without writing a log line{window}.", False

    def _render_status(self) -> None:
        if not self.is_mounted:
            return
        view = self.view
        stats = view.stats()
        info = Text()
        info.append(self._subject())
        info.append("  ·  ")
        info.append(self._status_word(), style="bold")
        info.append(f"  ·  since {self.since.label}", style="dim")
        self.query_one("#log-info", Static).update(info)

        message, gone = self._empty_message()
        empty = self.query_one("#log-empty", Static)
        empty.update(Text(message))
        empty.set_class(bool(message), "-show")
        empty.set_class(gone, "-gone")

        status = Text()
        bar = self.query_one("#log-status", Static)
        if view.follow:
            status.append("▼ FOLLOW", style="bold")
        else:
            status.append("⏸ PAUSED", style="bold")
            if stats.new:
                status.append(f"  {stats.new:,} new lines", style="bold")
            status.append(" (f or End follows)", style="dim")
        status.append(f"  ·  {stats.total:,} lines")
        if stats.kept < stats.total:
            status.append(f" (newest {stats.kept:,} in view; save/find-all cover all)", style="dim")
        if view.filter is not None or view.levels_only:
            parts = ([f"filter {view.filter.describe()}"] if view.filter else []) + \
                (["warnings+errors"] if view.levels_only else [])
            status.append(f"  ·  {' & '.join(parts)}: {stats.shown:,} shown")
        if view.find is not None:
            status.append(f"  ·  find {view.find.describe()}: {stats.matches:,} in view")
        flags = [name for name, on_ in (("wrap", view.wrap), ("no-time", not view.show_timestamps),
                                        ("#", view.show_line_numbers)) if on_]
        if flags:
            status.append(f"  ·  {' '.join(flags)}", style="dim")
        if self.error is not None and self.state != "gone":
            delay = self.tailer.next_delay() if self.tailer is not None else 0
            status.append(f"  ·  ⚠ {self.error.code or self.error.kind}: retrying in {delay:.0f}s",
                          style="bold")
        if self._saved is not None:
            status.append(f"  ·  saved {self._saved}", style="dim")
        bar.update(status)
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

    def action_toggle(self, name: str) -> None:
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

    # --- actions: source ---

    def _switch(self, **changes: Any) -> None:
        self.source = replace(self.source, **changes)
        self._restart()

    def action_pod(self, delta: int) -> None:
        if self.source.kind != "pod" or not self.pods:
            return
        ids = [ref.pod_id for ref in self.pods]
        at = ids.index(self.source.pod_id) if self.source.pod_id in ids else -1
        target = ids[(at + delta) % len(ids)]
        self._switch(pod_id=target, pod_uid=None, merged=False)
        self.notify(f"pod {target}", markup=False, timeout=1.5)

    def action_merge(self) -> None:
        if self.source.kind != "pod":
            return
        self._switch(merged=not self.source.merged, pod_uid=None)

    def _attempts(self) -> list[PodRef]:
        ref = next((r for r in self.pods if r.pod_id == self.source.pod_id), None)
        return [ref, *ref.history] if ref is not None else []

    def action_attempt(self) -> None:
        """Cycle current → previous attempt → older … → current (HistoryPods, read by PodUid)."""
        if self.source.kind != "pod" or self.source.merged:
            return
        attempts = self._attempts()
        if len(attempts) < 2:
            self.notify("this pod has no previous attempt", markup=False)
            return
        uids = [None, *[ref.uid for ref in attempts[1:]]]
        at = uids.index(self.source.pod_uid) if self.source.pod_uid in uids else 0
        self._switch(pod_uid=uids[(at + 1) % len(uids)])

    def action_container(self) -> None:
        if self.source.kind != "pod" or not self.containers:
            return
        main, sidecars = self.containers
        if not sidecars:
            self.notify(f"only one container: {main}", markup=False)
            return
        names = [main, *sidecars]
        current = self.source.container or main
        target = names[(names.index(current) + 1) % len(names)] if current in names else main
        self._switch(container=None if target == main else target)
        self.notify(f"container {target}", markup=False, timeout=1.5)

    def action_since(self, key: str) -> None:
        self.since = since(key, tail_lines=self.tail_lines)
        self._restart()

    def action_refresh(self) -> None:
        self.poll_now()

    # --- actions: output ---

    def save_path(self) -> Path:
        s = self.source
        if s.kind == "node":
            name, part = s.run_name or s.run_id, s.node_name or s.node_id
        else:
            name = s.job_name or s.job_id
            part = "all" if s.merged else (s.pod_id or "pod") + (f"-{s.pod_uid[:8]}" if s.pod_uid else "")
        return Path.cwd() / f"{_safe(name)}-{_safe(part)}-{utc_stamp(self.pai.backend.now())}.log"

    async def save(self) -> Path:
        """Write every fetched line (the spool, not the view) to ``<name>-<pod>-<time>.log`` here."""
        path = await asyncio.to_thread(self.spool.save, self.save_path())
        self._saved = path
        self._render_status()
        return path

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_save(self) -> None:
        try:
            path = await self.save()
        except OSError as error:
            self.notify(f"could not save: {error}", severity="error", markup=False)
            return
        self.notify(f"saved {self.spool.count:,} lines to {path}", markup=False)

    def action_copy(self) -> None:
        lines = self.view.selection()
        if not lines:
            self.notify("nothing to copy", markup=False)
            return
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(f"copied {len(lines)} line{'s' if len(lines) != 1 else ''} to the clipboard", markup=False,
                    timeout=2)

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_pager(self) -> None:
        try:
            path = await self.save()
        except OSError as error:
            self.notify(f"could not save: {error}", severity="error", markup=False)
            return
        command = [*shlex.split(os.environ.get("PAGER") or "less"), str(path)]
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except Exception as error:  # no terminal to give away (web/headless) or no such pager
            self.notify(f"could not open {command[0]}: {error}; the log is saved at {path}", severity="warning",
                        markup=False)
