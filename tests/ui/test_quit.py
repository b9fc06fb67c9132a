"""Quitting with an action still being sent asks first (ctrl+q and ``:q``); with none, it just quits."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button

from paitui.live.actions import Target
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.widgets.confirm import ConfirmModal
from tests.ui.conftest import SIZE, demo_app, wait_until

STOPPING = Target("job", "dlc-quit-test", "llama-sft", "Running")


async def on_jobs(app: PaiTuiApp, pilot: Pilot[Any]) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs list")


async def test_ctrl_q_with_an_action_in_flight_asks_and_esc_stays() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_jobs(app, pilot)
        app.in_flight.claim([STOPPING])  # what the action worker holds while StopJob is on its way
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        assert str(app.screen.query_one("#confirm-title").render()) == "1 action is still running: quit anyway?"
        assert app.screen.focused is app.screen.query_one("#cancel", Button)  # a stray enter stays
        await pilot.press("ctrl+q")  # asking once is enough
        assert sum(isinstance(s, ConfirmModal) for s in app.screen_stack) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)
        assert app.is_running and not app._exit


async def test_colon_q_with_an_action_in_flight_asks_and_quit_leaves() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_jobs(app, pilot)
        app.in_flight.claim([STOPPING, Target("job", "dlc-other", "other", "Running")])
        await pilot.press(":", "q", "enter")
        assert isinstance(app.screen, ConfirmModal)
        assert "2 actions are still running: quit anyway?" in str(app.screen.query_one("#confirm-title").render())
        await pilot.click("#confirm")
        await pilot.pause()
        assert app._exit


async def test_quit_with_nothing_in_flight_does_not_ask() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_jobs(app, pilot)
        app.in_flight.claim([STOPPING])
        app.in_flight.release([STOPPING])  # the answer came back
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit
        assert not any(isinstance(s, ConfirmModal) for s in app.screen_stack)


async def test_the_action_flow_guards_with_its_own_apps_in_flight_set() -> None:
    """The guard is the app's state: a claim in this app's set stops the flow of a screen of this app, and a
    second app (as a second test, or a second dashboard in one process) starts with nothing claimed."""
    app, other = demo_app(jobs=80), demo_app(jobs=80)
    assert other.in_flight is not app.in_flight and not other.in_flight.keys
    async with app.run_test(size=SIZE) as pilot:
        await on_jobs(app, pilot)
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        row = next(r for r in screen.watch.rows if r.status == "Running")  # type: ignore[union-attr]
        app.in_flight.claim([Target("job", row.job_id, row.display_name or "", row.status)])
        screen.table.move_cursor_to_key(row.job_id)
        await pilot.press("x")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ActionPanel", what="action panel")
        await pilot.press("s")
        await wait_until(pilot, lambda: any("already working" in n.message for n in app._notifications),
                         what="busy notice")
        assert not isinstance(app.screen, ConfirmModal)  # nothing was offered to send
        assert not other.in_flight.keys
