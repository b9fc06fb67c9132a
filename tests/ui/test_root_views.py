"""Root views keep their state: ``:runs`` and back to ``:jobs`` shows the same jobs screen, its cursor, sort
and rows, without listing the jobs again; hidden views do not poll; a view left with data older than one
interval fetches at once when shown again; a workspace switch drops the views of the workspace before, a
region switch every view. Requests are counted by the client's ``on_request`` hook (they left the client)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual.pilot import Pilot

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.help import HelpScreen
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.screens.runs import RunsScreen
from paitui.ui.screens.too_small import TooSmallScreen
from paitui.ui.screens.workspaces import WorkspacesScreen
from tests.ui.conftest import SIZE, wait_until

INTERVAL = 600.0  # list polls: far apart in real time, so every request in a test is one the test caused


def counted_app(jobs: int = 400, **settings: Any) -> tuple[PaiTuiApp, World, Counter[str]]:
    """The demo app on a manual clock (as ``demo_app``) with every request counted by action."""
    calls: Counter[str] = Counter()
    config = Settings(demo=True, workspace="264901", list_interval=INTERVAL, sim={"seed": 7, "jobs": jobs},
                      **settings)
    world = World(seed=7, jobs=jobs, clock=SimClock.manual())
    backend = open_backend(config, world=world, on_request=lambda action, _elapsed: calls.update([action]))
    return make_app(config, backend), world, calls


async def command(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("colon", *text, "enter")


async def shown(pilot: Pilot[Any], app: PaiTuiApp, kind: type[ResourceListScreen]) -> Any:
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.loaded, what=kind.__name__)
    await pilot.pause()
    return app.screen


async def test_jobs_runs_jobs_keeps_the_jobs_screen_its_cursor_and_sort_without_listing_again() -> None:
    app, _world, calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await pilot.press("slash", *"status:Running", "enter")  # a filter, a sort and a cursor row of the user's
        await pilot.press("s", "down", "down")
        table = jobs.table
        state = (table.cursor_key, table.sort_column, table.visible_count, table.row_count)
        assert None not in state and 0 < table.visible_count < table.row_count
        listed = calls["ListJobs"]
        await command(pilot, "runs")
        runs = await shown(pilot, app, RunsScreen)
        assert jobs.watch.paused  # hidden: it does not poll
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs, what="the jobs screen back")
        await pilot.pause()
        assert (table.cursor_key, table.sort_column, table.visible_count, table.row_count) == state
        assert app.focused is table  # keys go to the rows, not to the filter box or the closed command bar
        assert calls["ListJobs"] == listed  # its data is younger than one interval: no request
        assert not jobs.watch.paused and runs.watch.paused and runs.is_attached  # runs kept, now hidden
        listed_runs = calls["ListPipelineRuns"]
        await command(pilot, "runs")
        await wait_until(pilot, lambda: app.screen is runs, what="the runs screen back")
        await pilot.pause()
        assert calls["ListPipelineRuns"] == listed_runs and calls["ListJobs"] == listed


async def test_a_view_whose_data_is_older_than_one_interval_fetches_at_once_when_shown_again() -> None:
    app, world, calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        listed = calls["ListJobs"]
        await command(pilot, "runs")
        await shown(pilot, app, RunsScreen)
        world.clock.advance(INTERVAL)  # one interval later in the world's time (the watches' clock)
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs and calls["ListJobs"] > listed, what="a fresh list")


async def test_a_kept_view_shown_again_states_its_own_health_in_the_header() -> None:
    app, _world, _calls = counted_app(max_attempts=1)  # a refused list fails at once, no retries
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await command(pilot, "runs")
        runs = await shown(pilot, app, RunsScreen)
        app.backend.sim_app.faults = FaultPlan.parse("ListPipelineRuns:throttle=1", seed=1)
        await pilot.press("r")
        await wait_until(pilot, lambda: runs.watch.stale_since is not None and app.stale_since is not None,
                         what="runs stale")
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs, what="the jobs screen back")
        # no poll on the way back: the header must not go on saying the runs' "stale"
        assert app.stale_since is None and app.stale_reason == ""
        assert app.refreshed_at == jobs.watch.last_ok
        await command(pilot, "runs")
        await wait_until(pilot, lambda: app.screen is runs, what="the runs screen back")
        assert app.stale_since == runs.watch.stale_since and app.stale_reason.startswith("Throttling")


async def test_leaving_a_view_closes_its_details_and_coming_back_shows_its_list() -> None:
    app, _world, calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), what="a job detail")
        detail = app.screen
        await command(pilot, "runs")
        await shown(pilot, app, RunsScreen)
        await wait_until(pilot, lambda: not detail.is_attached, what="the detail closed")
        listed = calls["ListJobs"]
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs, what="the jobs list")
        assert app.screen_stack == [jobs]
        await pilot.press("escape")  # from a root view, back goes to the workspaces, kept too
        workspaces = await shown(pilot, app, WorkspacesScreen)
        await pilot.press("enter")  # the same workspace again: the kept jobs list, not a new one
        await wait_until(pilot, lambda: app.screen is jobs, what="the jobs list again")
        await command(pilot, "ws")
        await wait_until(pilot, lambda: app.screen is workspaces, what="the workspaces again")
        assert calls["ListJobs"] == listed


async def test_a_dialog_open_when_its_view_is_left_ends_its_flow_as_cancelled() -> None:
    app, _world, calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await pilot.press("x")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ActionPanel", what="the action panel")
        app.open_view("runs")  # as the palette's "Go to runs" does over a dialog
        await shown(pilot, app, RunsScreen)
        await wait_until(pilot, lambda: not any(w.group == "actions" and w.is_running for w in jobs.workers),
                         what="the action flow ended")  # not left waiting for an answer in the kept screen
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs and app.screen_stack == [jobs], what="jobs, no dialog")
        assert not any(action.startswith("Stop") or action.startswith("Delete") for action in calls)


async def test_a_workspace_switch_drops_the_views_of_the_workspace_before() -> None:
    app, _world, _calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await command(pilot, "runs")
        runs = await shown(pilot, app, RunsScreen)
        await command(pilot, "ws")
        workspaces = await shown(pilot, app, WorkspacesScreen)
        await command(pilot, "jobs")
        await wait_until(pilot, lambda: app.screen is jobs, what="kept jobs")
        await command(pilot, "ws vision_research")  # another workspace, while its jobs are on screen
        await wait_until(pilot, lambda: app.workspace_id == "264902" and isinstance(app.screen, JobsScreen)
                         and app.screen is not jobs and app.screen.loaded, what="the other workspace's jobs")
        fresh = app.screen
        assert {row.workspace_id for row in fresh.watch.rows} <= {"264902"}
        await wait_until(pilot, lambda: not jobs.is_attached and not runs.is_attached, what="the old ones gone")
        await command(pilot, "runs")
        await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen is not runs,
                         what="fresh runs")
        await command(pilot, "ws")
        await wait_until(pilot, lambda: app.screen is workspaces, what="workspaces: not scoped, kept")


async def test_a_region_switch_drops_every_view() -> None:
    app, _world, _calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await command(pilot, "ws")
        workspaces = await shown(pilot, app, WorkspacesScreen)
        await command(pilot, "region cn-shanghai")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and app.screen is not workspaces,
                         what="a fresh workspaces list")
        await wait_until(pilot, lambda: not jobs.is_attached and not workspaces.is_attached, what="old views gone")
        assert app.workspace_id is None


async def test_the_size_guard_and_help_work_over_a_kept_view() -> None:
    app, _world, _calls = counted_app()
    async with app.run_test(size=SIZE) as pilot:
        jobs = await shown(pilot, app, JobsScreen)
        await command(pilot, "runs")
        runs = await shown(pilot, app, RunsScreen)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        app.open_view("jobs")  # a view opened while too small keeps the guard on top
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen) and app.screen_stack[0] is jobs
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert app.screen is jobs
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is jobs, what="back from help")
        await command(pilot, "runs")
        await wait_until(pilot, lambda: app.screen is runs and app.screen_stack == [runs], what="runs, no guard")
