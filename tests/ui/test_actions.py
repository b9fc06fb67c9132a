"""Actions through the dashboard on the simulated cloud: panel, confirmation (and cancel), typed names,
spinners, double presses, bulk with injected failures, read-only, errors — each asserted on the cloud's state."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from paitui.api.errors import NotFoundError
from paitui.live.actions import READ_ONLY_REASON
from paitui.live.status import is_terminal_job
from paitui.sim.faults import FaultPlan
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.widgets.action_panel import ActionPanel, ResultsModal
from paitui.ui.widgets.confirm import ConfirmModal
from tests.ui.conftest import SIZE, demo_app, wait_until


def count_calls(app: PaiTuiApp, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count requests that actually leave the client, by action (the client's ``on_request`` hook; a
    read-only refusal happens before sending and is not counted)."""
    calls: Counter[str] = Counter()
    previous = app.client._on_request

    def hook(action: str, elapsed: float) -> None:
        calls[action] += 1
        if previous is not None:
            previous(action, elapsed)

    monkeypatch.setattr(app.client, "_on_request", hook)
    return calls


async def jobs_screen(pilot: Pilot, app: PaiTuiApp) -> JobsScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
    screen = app.screen
    assert isinstance(screen, JobsScreen)
    screen.action_toggle_pause()  # no polling: what the rows show after an action comes from the action
    return screen


async def open_list(pilot: Pilot, app: PaiTuiApp, kind: str) -> ResourceListScreen:
    """Switch to the ``kind`` list view and wait until its first load is in."""
    app.open_view(kind)
    await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and kind == app.screen.KIND
                     and app.screen.loaded, what=kind)
    screen = app.screen
    assert isinstance(screen, ResourceListScreen)
    return screen


def pick(screen: ResourceListScreen, predicate: Callable[[Any], bool], n: int = 1) -> list[str]:
    keys = [k for k in screen.table.visible_keys if predicate(screen.table.get_row(k))][:n]
    assert len(keys) == n, "not enough matching rows in the seeded world"
    return keys


def status(screen: ResourceListScreen, key: str) -> str | None:
    row = screen.table.get_row(key)
    return None if row is None else row.status


async def open_panel(pilot: Pilot, app: PaiTuiApp, key: str) -> ActionPanel:
    screen = app.screen
    assert isinstance(screen, ResourceListScreen)
    screen.table.move_cursor_to_key(key)
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="action panel")
    return app.screen  # type: ignore[return-value]


async def to_confirm(pilot: Pilot, app: PaiTuiApp, hotkey: str) -> ConfirmModal:
    await pilot.press(hotkey)
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
    return app.screen  # type: ignore[return-value]


def toasts(app: PaiTuiApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app._notifications]


async def test_stop_from_the_panel_shows_stopping_at_once_and_converges(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=80)
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        panel = await open_panel(pilot, app, key)
        entries = {e.key: e for e in panel.entries}
        assert entries["stop"].ok and not entries["delete"].ok and "stop it first" in entries["delete"].note
        confirm = await to_confirm(pilot, app, "s")
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"  # a stray enter cancels
        items = str(confirm.query_one("#confirm-items").render())
        assert key in items and screen.table.get_row(key).display_name in items and "DLC job" in items
        await pilot.press("tab", "enter")  # to Confirm
        await wait_until(pilot, lambda: status(screen, key) == "Stopping", what="Stopping shown")
        assert calls["StopJob"] == 1 and screen.watch is not None and screen.watch.paused  # no poll did it
        assert any("RequestId" in t and "stop requested" in t for t in toasts(app))
        assert (await app.client.dlc.get_job(key)).status == "Stopping"  # the cloud really changed
        app.backend.world.clock.advance(600)
        screen.action_toggle_pause()
        await wait_until(pilot, lambda: status(screen, key) == "Stopped", what="polling converges")


async def test_cancel_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=80)
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "s")
        await pilot.press("enter")  # focus starts on Cancel
        await wait_until(pilot, lambda: app.screen is screen, what="back on the list")
        await wait_until(pilot, lambda: any("nothing was sent" in t for t in toasts(app)), what="cancel toast")
        assert calls["StopJob"] == 0 and status(screen, key) == "Running"
        await open_panel(pilot, app, key)
        await pilot.press("escape")  # closing the panel is a cancel too
        await wait_until(pilot, lambda: app.screen is screen, what="panel closed")
        assert calls["StopJob"] == 0


async def test_delete_needs_the_name_or_id_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=80)
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Succeeded")
        await open_panel(pilot, app, key)
        confirm = await to_confirm(pilot, app, "d")
        assert "cannot be undone" in str(confirm.query_one("#confirm-consequence").render())
        button = confirm.query_one("#confirm", Button)
        typed = confirm.query_one("#confirm-typed", Input)
        assert button.disabled and confirm.focused is typed  # the field waits for the name: type at once
        await pilot.press(*"wrong", "enter")
        assert button.disabled and isinstance(app.screen, ConfirmModal) and calls["DeleteJob"] == 0
        assert "does not match" in str(confirm.query_one("#confirm-hint").render())  # and it stays open
        typed.value = ""
        await pilot.press(*key)
        assert not button.disabled
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.table.get_row(key) is None, what="row removed")
        assert calls["DeleteJob"] == 1
        with pytest.raises(NotFoundError):
            await app.client.dlc.get_job(key)
        screen.action_toggle_pause()  # a later (incremental) poll must not bring it back
        polls = screen.watch.polls
        screen.action_refresh_now()
        await wait_until(pilot, lambda: screen.watch.polls > polls and screen.watch.value is not None,
                         what="a poll after the delete")
        await pilot.pause(0.1)  # let its result reach the table
        assert screen.table.get_row(key) is None


async def test_pressing_again_cannot_send_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=80)
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        # the StopJob answer is held until the test lets it go (a fixed latency raced a loaded machine)
        released = asyncio.Event()

        async def hold(_seconds: float) -> None:
            await released.wait()

        app.backend.sim_app.faults = FaultPlan.parse("StopJob:latency=1s", seed=1, sleep=hold)
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "s")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: key in screen.table.busy_keys, what="spinner on the row")
        await pilot.press("x")  # again, while the first is in flight
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        await pilot.press("s")
        await wait_until(pilot, lambda: any("already working" in t for t in toasts(app)), what="busy toast")
        assert not isinstance(app.screen, ConfirmModal)
        released.set()
        await wait_until(pilot, lambda: status(screen, key) == "Stopping", what="stopped once")
        assert calls["StopJob"] == 1 and not screen.table.busy_keys


async def test_bulk_stop_with_injected_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=150, max_attempts=1)  # one request per item: the counts are exact
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        running = pick(screen, lambda j: not is_terminal_job(j.status) and j.status != "Stopping", 6)
        [done] = pick(screen, lambda j: j.status == "Succeeded")
        for key in [*running, done]:
            screen.table.toggle_mark(key)
        await pilot.pause()
        assert "7 marked" in str(screen.query_one("#summary").render())  # the summary counts them
        before = {k: status(screen, k) for k in running}
        app.backend.sim_app.faults = FaultPlan.parse("StopJob:error5xx=0.5", seed=3)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        stop = next(e for e in app.screen.entries if e.key == "stop")  # type: ignore[attr-defined]
        assert stop.ok and stop.note == "6 of 7"
        confirm = await to_confirm(pilot, app, "s")
        assert all(k in str(confirm.query_one("#confirm-items").render()) for k in running)
        assert "Not included (1)" in str(confirm.query_one("#confirm-skipped").render())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ResultsModal), what="per-item summary")
        results: list[tuple[bool, str]] = app.screen.data  # type: ignore[attr-defined]
        assert len(results) == 6 and calls["StopJob"] == 6
        good = [k for k in running if any(ok and k in line for ok, line in results)]
        bad = [k for k in running if any(not ok and k in line for ok, line in results)]
        assert good and bad and len(good) + len(bad) == 6
        assert all("RequestId=" in line for ok, line in results if not ok)
        app.backend.sim_app.faults = None
        for key in good:
            assert status(screen, key) == "Stopping" and (await app.client.dlc.get_job(key)).status == "Stopping"
        for key in bad:  # failed in the cloud: nothing changed on screen either
            assert status(screen, key) == before[key] == (await app.client.dlc.get_job(key)).status
        assert not screen.table.marked_keys


async def test_read_only_shows_actions_disabled_and_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=80, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        calls = count_calls(app, monkeypatch)
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        panel = await open_panel(pilot, app, key)
        entries = {e.key: e for e in panel.entries}
        # the reason is said once above the entries, each disabled one just says "read-only"
        assert not entries["stop"].ok and entries["stop"].note == "read-only"
        assert READ_ONLY_REASON in str(panel.query_one("#panel-subject").render())
        assert entries["copy-terminal"].ok  # reading a URL is allowed
        await pilot.press("s")
        await wait_until(pilot, lambda: any("read-only" in t for t in toasts(app)), what="read-only toast")
        assert isinstance(app.screen, ActionPanel) and calls["StopJob"] == 0
        await pilot.press("t")  # copy the web terminal URL
        await wait_until(pilot, lambda: app.clipboard.startswith("wss://"), what="URL copied")
        assert status(screen, key) == "Running"


@pytest.mark.parametrize(("fault", "code"), [("throttle=1", "Throttling.User"), ("error5xx=1", "Code: ")])
async def test_errors_show_code_message_request_id_and_change_nothing(fault: str, code: str) -> None:
    app = demo_app(jobs=80, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        app.backend.sim_app.faults = FaultPlan.parse(f"StopJob:{fault}", seed=1)
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "s")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: any("failed" in t for t in toasts(app)), what="error toast")
        toast = next(t for t in toasts(app) if "failed" in t)
        assert code in toast and "Message: " in toast and "RequestId: " in toast
        assert status(screen, key) == "Running" and not screen.table.busy_keys


async def test_a_lost_answer_is_settled_and_the_row_shows_the_state_read_back() -> None:
    """StopJob is applied but its answer is dropped; the read-back (GetJob) finds the job already Stopped
    (the read's injected latency moves the simulated clock on), and the row shows that, not "Stopping"."""
    app = demo_app(jobs=80, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        clock = app.backend.world.clock

        async def time_passes(_seconds: float) -> None:
            clock.advance(600)

        app.backend.sim_app.faults = FaultPlan.parse("StopJob:lost=1;GetJob:latency=1s", seed=1,
                                                     sleep=time_passes)
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "s")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: any("applied (" in t for t in toasts(app)), what="settled toast")
        app.backend.sim_app.faults = None
        toast = next(t for t in toasts(app) if "applied (" in t)
        assert "the answer was lost; GetJob now says Stopped" in toast and "failed" not in toast
        assert status(screen, key) == "Stopped" and not screen.table.busy_keys


async def test_an_unsettled_outcome_says_so_and_changes_nothing() -> None:
    from paitui.sim.faults import Decision

    app = demo_app(jobs=80, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        plan = FaultPlan.parse("StopJob:lost=1", seed=1)
        real = plan.decide
        plan.decide = lambda action: (Decision("error5xx", status=500)  # type: ignore[method-assign]
                                      if action == "GetJob" else real(action))
        app.backend.sim_app.faults = plan
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "s")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: any("outcome unknown" in t for t in toasts(app)), what="unknown toast")
        app.backend.sim_app.faults = None
        toast = next(t for t in toasts(app) if "outcome unknown" in t)
        assert f"GetJob JobId={key}" in toast and "reading it back failed too" in toast
        assert status(screen, key) == "Running" and not screen.table.busy_keys  # nothing claimed on screen


async def test_runs_start_terminate_and_pipeline_in_use() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
        runs = await open_list(pilot, app, "runs")
        runs.action_toggle_pause()
        [initialized] = pick(runs, lambda r: r.status == "Initialized")
        panel = await open_panel(pilot, app, initialized)
        entries = {e.key: e for e in panel.entries}
        assert entries["start"].ok and not entries["rerun"].ok and "only a finished run" in entries["rerun"].note
        await to_confirm(pilot, app, "s")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: status(runs, initialized) == "Starting", what="Starting at once")
        assert (await app.client.flow.get_pipeline_run(initialized)).status == "Running"
        await open_panel(pilot, app, initialized)
        await to_confirm(pilot, app, "t")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: status(runs, initialized) == "Terminating", what="Terminating")

        pipelines = (await open_list(pilot, app, "pipelines")).table.visible_keys
        shared = app.backend.world.flow.pipelines[pipelines[0]]
        shared.shared = True  # subscribed by other users: the cloud refuses to delete it
        await open_panel(pilot, app, shared.pipeline_id)
        confirm = await to_confirm(pilot, app, "d")
        confirm.query_one("#confirm-typed", Input).value = shared.pipeline_id
        await pilot.pause()
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: any("PipelineInUse" in t for t in toasts(app)), what="in-use toast")
        toast = next(t for t in toasts(app) if "PipelineInUse" in t)
        assert "sub-pipeline" in toast and "RequestId" in toast
        assert app.screen.table.get_row(shared.pipeline_id) is not None  # type: ignore[attr-defined]


async def test_schedule_delete_and_palette_entry() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
        screen = await open_list(pilot, app, "schedules")
        assert any(c.title == "Actions" for c in app.get_system_commands(screen))
        key = screen.table.visible_keys[0]
        await open_panel(pilot, app, key)
        confirm = await to_confirm(pilot, app, "d")
        confirm.query_one("#confirm-typed", Input).value = key
        await pilot.pause()
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: screen.table.get_row(key) is None, what="schedule row removed")
        assert app.backend.world.plugin.schedule(key) is None


async def test_job_detail_priority_form() -> None:  # the clone: tests/ui/test_submit.py
    from paitui.ui.screens.job import JobDetailScreen
    from paitui.ui.widgets.forms import PriorityForm

    app = demo_app(jobs=80)
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Running")
        screen.table.move_cursor_to_key(key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen) and app.screen.snapshot is not None,
                         what="job detail")
        detail = app.screen
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PriorityForm), what="priority form")
        app.screen.query_one("#form-priority", Input).value = ""
        await pilot.press("0", "enter")  # out of range: said, not sent
        assert isinstance(app.screen, PriorityForm)
        assert "from 1" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#form-priority", Input).value = ""
        await pilot.press("1", "2", "enter")  # "12" is refused, not cut to 1
        assert isinstance(app.screen, PriorityForm) and "not 12" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#form-priority", Input).value = ""
        await pilot.press("8", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm")
        assert "Change priority of DLC job?" in str(app.screen.query_one("#confirm-title").render())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: detail.snapshot.job.priority == 8, what="priority on screen")  # type: ignore[attr-defined]
        assert (await app.client.dlc.get_job(key)).priority == 8


async def test_run_detail_rerun_goes_live_again() -> None:
    from paitui.ui.screens.run import RunDetailScreen

    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
        world = app.backend.world
        failed = next(r for r in world.flow.runs.values()
                      if r.status(world.now()) == "Failed" and r.workspace_id == "264901")
        app.push_detail(RunDetailScreen(failed.run_id, failed.name))
        await wait_until(pilot, lambda: isinstance(app.screen, RunDetailScreen)
                         and app.screen.polling_state == "final", what="final run")
        detail = app.screen
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        await to_confirm(pilot, app, "r")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: detail.polling_state == "live", what="live again")  # type: ignore[attr-defined]
        assert failed.status(world.now()) == "Running"


async def test_tensorboard_stop_from_the_list() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
        screen = await open_list(pilot, app, "tensorboards")
        [key] = pick(screen, lambda t: t.status == "Running")
        panel = await open_panel(pilot, app, key)
        assert not next(e for e in panel.entries if e.key == "start").ok
        await to_confirm(pilot, app, "t")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: status(screen, key) == "Stopped", what="Stopped")
        assert (await app.client.dlc.get_tensorboard(key)).status == "Stopped"


def test_snapshot_delete_confirmation(snap_compare: Any) -> None:
    """The one dialog every destructive action goes through: kind, name and id, what happens, the typed name."""
    app = demo_app(jobs=80)

    async def run_before(pilot: Pilot) -> None:
        screen = await jobs_screen(pilot, app)
        [key] = pick(screen, lambda j: j.status == "Succeeded")
        await open_panel(pilot, app, key)
        await to_confirm(pilot, app, "d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
