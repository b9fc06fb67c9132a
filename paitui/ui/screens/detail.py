"""What the job and run detail screens share: one ``DetailWatch`` polled by an exclusive worker, a 1-second
tick for durations, pause/refresh keys, the stale marker and one error toast per new error.

The screen names its kind (``RESOURCE``); the kind supplies the snapshot (``ResourceKind.detail``, in
``live``: the calls, the error policy, the stale merge), the terminal rule and the notice's name. A screen
gives its subject's id and model, the choices it offers (a job's metrics window and pod) and its rendering.

Polling rules (docs/ARCHITECTURE.md "Textual practice"): the loop runs in ``@work(exclusive=True,
exit_on_error=False)``; the tick timer only starts a worker; the watch pauses while another screen (a modal, the
logs) covers this one; a terminal object gets one final fetch and no more polls (``DetailWatch.done``) until ``r``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.timer import Timer

from paitui.api.errors import PaiError, describe
from paitui.kinds import DetailContext, ResourceKind
from paitui.live.status import Phase
from paitui.live.watch import DetailWatch, PollResult, governed
from paitui.live.watch import run as run_watch
from paitui.ui.screens.base import PaiScreen
from paitui.ui.theming import phase_colour

TICK_SECONDS = 1.0


class DetailScreen(PaiScreen):
    # A detail screen names its kind once (``RESOURCE = "job"``): the snapshot it polls (the kind's
    # ``detail``), whether it notifies when the object finishes and which actions it offers follow from it
    # (``PaiScreen``).
    BINDINGS = [
        Binding("r", "refresh_now", "Refresh", id="detail-refresh"),
        Binding("p", "toggle_pause", "Pause", id="detail-pause"),
        Binding("y", "raw", "Raw JSON", id="detail-raw"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.detail_watch: DetailWatch[Any] | None = None
        self.snapshot: Any = None  # the last good value
        self.user_paused = False
        self._error_key: tuple[str, str | None] | None = None
        self._watching_notices = False
        self._ticker: Timer | None = None
        # ``r`` asked for everything: the next snapshot reads the panels on slower clocks too (job metrics …)
        self.fetch_everything = False

    # --- what subclasses provide ---

    @property
    def subject_id(self) -> str:
        """The id of the resource shown."""
        raise NotImplementedError

    def subject_model(self, snapshot: Any) -> Any:
        """The resource's model inside a snapshot (the job, the run): what the kind's accessors read."""
        raise NotImplementedError

    def detail_context(self) -> DetailContext:
        """What the kind's snapshot fetcher is given: the resource, the moment and the last snapshot; a screen
        that lets the user choose what to look at (a job's metrics window and pod) adds its choices."""
        return DetailContext(self.pai.client, self.subject_id, self.now(), previous=self.snapshot,
                             everything=self.fetch_everything)

    async def fetch(self) -> Any:
        """One snapshot, fetched by the kind (``live``: the calls, their clocks, their error policy, the merge)."""
        declared = self._kind()
        if declared.detail is None:
            raise NotImplementedError(f"the {declared.key} kind declares no detail snapshot")
        context = self.detail_context()
        snapshot = await declared.detail(context)
        if context.everything:
            self.fetch_everything = False  # served (a failed fetch leaves it asked for)
        return snapshot

    def _kind(self) -> ResourceKind:
        if self.resource_kind is None:
            raise NotImplementedError(f"{type(self).__name__} names no kind (RESOURCE)")
        return self.resource_kind

    def is_terminal(self, snapshot: Any) -> bool:
        """Whether the resource is over (polling stops), by the kind's terminal rule."""
        declared = self._kind()
        return declared.terminal(declared.status(self.subject_model(snapshot)))

    def show_snapshot(self, snapshot: Any, first: bool) -> None:
        raise NotImplementedError

    def tick(self, now: datetime) -> None:
        """Move durations on screen (no HTTP)."""

    def show_state(self) -> None:
        """Render the polling state (paused, final, stale, gone) wherever the screen shows it."""

    def notify_subject(self, snapshot: Any) -> tuple[str, str | None, Any]:
        """``(id, name, the object the notifier reads)`` for terminal-state notices, by the kind's accessors."""
        subject = self.subject_model(snapshot)
        return self.subject_id, self._kind().name(subject), subject

    # --- helpers ---

    def now(self) -> datetime:
        return self.pai.backend.now()

    def colour(self, phase: Phase) -> str:
        return phase_colour(self.app.current_theme, phase)

    def status_text(self, status: str | None, phase: Phase, *, bold: bool = True) -> Text:
        return Text(status or "—", style=f"{'bold ' if bold else ''}{self.colour(phase)}")

    @property
    def polling_state(self) -> str:
        """``loading``, ``live``, ``paused``, ``final`` (terminal: polling stopped) or ``gone`` (deleted)."""
        watch = self.detail_watch
        if watch is None or (self.snapshot is None and watch.error is None):
            return "loading"
        if watch.gone:
            return "gone"
        if watch.done:
            return "final"
        if self.user_paused:
            return "paused"
        return "live"

    # --- lifecycle ---

    def on_mount(self) -> None:
        self.detail_watch = DetailWatch(self.fetch, self.is_terminal, interval=self.pai.settings.detail_interval,
                                        now=self.now, governor=self.pai.governor)
        self._poll_loop()
        self._ticker = self.set_interval(TICK_SECONDS, self._tick, name="detail-tick")

    def on_screen_suspend(self) -> None:
        if self.detail_watch is not None:
            self.detail_watch.pause()
        if self._ticker is not None:
            self._ticker.pause()

    def on_screen_resume(self) -> None:
        if self.detail_watch is not None and self.detail_watch.paused and not self.user_paused:
            self.detail_watch.resume()
        if self._ticker is not None:
            self._ticker.resume()

    @work(exclusive=True, group="detail-poll", exit_on_error=False)
    async def _poll_loop(self) -> None:
        assert self.detail_watch is not None
        self.detail_watch.reopen()  # an explicit (re)start always fetches at least once, then re-evaluates
        await run_watch(self.detail_watch, self._on_result)

    @work(exclusive=True, group="detail-poll-once", exit_on_error=False)
    async def _poll_once(self) -> None:
        assert self.detail_watch is not None
        self._on_result(await self.detail_watch.poll())

    @work(exclusive=True, group="detail-tick", exit_on_error=False)
    async def _tick(self) -> None:
        if self.snapshot is not None and self.is_current:
            self.tick(self.now())

    def _on_result(self, result: PollResult[Any]) -> None:
        if not self.is_attached:
            return
        if result.ok and result.value is not None:
            first = self.snapshot is None
            self.snapshot = result.value
            self._error_key = None
            self.pai.report_refresh(result.at, None)
            if result.changed or first:
                self.show_snapshot(result.value, first)
            self._observe(result.value)
        elif result.error is not None:
            error = result.error
            self.pai.report_refresh(None, result.stale_since, error.code or describe(error))
            key = (type(error).__name__, error.code)
            if key != self._error_key:  # one toast per new error, not one per failed poll
                self._error_key = key
                self.pai.show_error(error)
        self.show_state()

    def _observe(self, snapshot: Any) -> None:
        if self.NOTIFY_KIND is None:
            return
        ident, name, subject = self.notify_subject(snapshot)
        notifier = self.pai.notifier
        if not self._watching_notices:
            self._watching_notices = True
            # the status known now is the first sighting: opening a finished job does not notify
            notifier.watch(self.NOTIFY_KIND, ident, name, status=getattr(subject, "status", None))
            return
        for notice in notifier.observe(self.NOTIFY_KIND, [subject]):
            self.pai.notify(notice.message, title="finished", markup=False,
                            severity="error" if notice.phase == "failed" else "information")
            if self.pai.settings.bell:
                self.pai.bell()

    # --- keys ---

    def action_refresh_now(self) -> None:
        if self.detail_watch is None:
            return
        self.fetch_everything = True
        if self.user_paused:
            self._poll_once()  # one fetch; stays paused
        elif self.detail_watch.done or not self._loop_running():
            self._poll_loop()  # a finished object: fetch once more and re-evaluate (a rerun goes live again)
        else:
            self.detail_watch.refresh()

    def _loop_running(self) -> bool:
        return any(w.group == "detail-poll" and w.is_running for w in self.workers)

    def action_toggle_pause(self) -> None:
        if self.detail_watch is None:
            return
        self.user_paused = not self.user_paused
        if self.user_paused:
            self.detail_watch.pause()
            self.notify("polling paused (p resumes, r fetches once)", markup=False, timeout=2)
        else:
            self.detail_watch.resume()
            self.notify("polling resumed", markup=False, timeout=2)
        self.show_state()

    def action_raw(self) -> None:
        self._show_raw()

    @work(exclusive=True, group="detail-raw", exit_on_error=False)
    async def _show_raw(self) -> None:
        from paitui.ui.widgets.json_view import JsonModal

        fetch_raw = self.raw_request()
        title = self.raw_title()
        try:
            body = await fetch_raw()
        except PaiError as error:
            if self.snapshot is None:
                self.pai.show_error(error)
                return
            body = self.raw_fallback(self.snapshot)
            title += " (last good copy: refresh failed)"
        if not self.is_current:  # the answer came after the user moved on: do not cover another screen
            return
        await self.app.push_screen(JsonModal(title, body))

    def raw_request(self) -> Callable[[], Awaitable[dict[str, Any]]]:
        raise NotImplementedError

    def raw_title(self) -> str:
        return "raw"

    def raw_fallback(self, snapshot: Any) -> Any:
        return {}

    # --- shared text ---

    def state_text(self) -> Text:
        state = self.polling_state
        text = Text()
        label = getattr(self, "busy_label", None)  # an action running on this object (screens.actions)
        if label:
            from paitui.ui.behaviours.actions import busy_text

            text.append_text(busy_text(label))
            text.append(" ")
        if state == "paused":
            text.append(" ⏸ paused ", style="bold reverse")
        elif state == "final":
            text.append(" ■ final — polling stopped ", style="dim")
        elif state == "gone":
            text.append(" deleted — no longer exists ", style="bold reverse")
        elif state == "live":
            interval = self.pai.settings.detail_interval
            slowed = governed(interval, self.pai.governor)  # the request budget may stretch it
            text.append(f" ● live every {slowed:g}s " + ("(slowed: request budget) " if slowed > interval else ""),
                        style="dim")
        error = self.detail_watch.error if self.detail_watch is not None else None
        if error is not None and state != "gone":
            text.append(f"  stale: {error.code or describe(error)}", style="bold red")
        return text
