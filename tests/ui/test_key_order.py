"""Keys typed faster than screens mount apply in order to the screen on top, and widget events that carry
"no row" / arrive after their screen left never crash (issue 10 §1)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable

from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.workspaces import WorkspacesScreen
from tests.ui.conftest import FAST, SIZE, demo_app, open_detail, wait_until


def type_at_machine_speed(app: PaiTuiApp, keys: list[str]) -> None:
    """Every key into the app's queue at once, as a terminal delivers a burst (auto-repeat, a paste)."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)  # as the driver's keys (Pilot.press does the same)
        app.post_message(event)


async def keys_done(app: PaiTuiApp, pilot: Pilot[Any]) -> None:
    """Until the burst has been handled: nothing held back, nothing travelling, nothing queued on the app."""
    def idle() -> bool:
        queued = any(isinstance(m, events.Key) for m in (app._pending_message, *app._message_queue.values))
        return not queued and not app._keys.busy

    # generous: on a loaded 2-core machine a screen takes seconds to mount, and keys wait for each
    await wait_until(pilot, idle, timeout=120, what="typed keys handled")
    await pilot.pause()


async def on_workspaces(app: PaiTuiApp, pilot: Pilot[Any]) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and app.screen.loaded,
                     what="workspaces list")


async def test_ten_enter_esc_pairs_at_machine_speed_leave_you_on_workspaces() -> None:
    app = demo_app(workspace=None, jobs=120)  # every enter lists a workspace's jobs: keep them few
    async with app.run_test(size=SIZE) as pilot:
        await on_workspaces(app, pilot)
        type_at_machine_speed(app, ["enter", "escape"] * 10)
        await keys_done(app, pilot)
        # before: the esc keys ran on the list the enter was leaving, and the enters went on into a job
        assert isinstance(app.screen, WorkspacesScreen), app.screen_stack
        assert len(app.screen_stack) == 1  # the view's own stack (a Textual mode): nothing left above its root


async def test_enter_enter_esc_esc_bursts_go_in_and_back_out_in_order() -> None:
    app = demo_app(workspace=None, jobs=120)  # every enter lists a workspace's jobs: keep them few
    async with app.run_test(size=SIZE) as pilot:
        await on_workspaces(app, pilot)
        # before: NoMatches: No nodes match '#table' on JobsScreen() (an esc popped it while it mounted)
        type_at_machine_speed(app, ["enter", "enter", "escape", "escape"] * 3)
        await keys_done(app, pilot)
        assert isinstance(app.screen, WorkspacesScreen)
        type_at_machine_speed(app, ["enter", "enter"])
        await keys_done(app, pilot)
        assert isinstance(app.screen, JobDetailScreen)  # the second enter went to the jobs list, in order
        assert [type(s) for s in app.screen_stack] == [JobsScreen, JobDetailScreen]  # the jobs view's stack


async def test_a_list_popped_while_it_mounts_goes_quietly() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        await on_workspaces(app, pilot)
        app.set_workspace("264901", "ws")
        app.open_view("jobs")
        app.open_view("workspaces")  # the jobs list is left (kept, hidden) before its on_mount ran
        app.set_workspace("264902", "other")  # … and dropped: removed, perhaps before its on_mount ran
        await on_workspaces(app, pilot)
        await pilot.pause()
    assert app.return_code in (0, None)  # run_test re-raises an exception from any handler


async def test_a_pod_table_highlighting_no_row_changes_nothing() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, JobDetailScreen(_running_job(app)), what="job loaded")
        before = screen.selected
        assert before is not None
        table: DataTable[Any] = screen.pods_table
        # what a DataTable posts when it is cleared or emptied (seen 4 times in 16 minutes under faults)
        table.post_message(DataTable.RowHighlighted(table, -1, None))  # type: ignore[arg-type]
        await pilot.pause()
        assert screen.selected == before
        assert app.screen is screen


def _running_job(app: PaiTuiApp) -> str:
    world: Any = app.backend.world
    now = world.clock.now().timestamp()
    return next(job.job_id for job in world.dlc.all_jobs()
                if job.workspace_id == "264901" and job.status_at(now) == "Running")
