"""The dashboard shell and the jobs list, driven as a person would, on the simulated cloud's manual clock."""

from __future__ import annotations

from rich.console import Console
from textual import events

from paitui.sim.faults import FaultPlan
from paitui.ui.screens.help import HelpScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.runs import RunsScreen
from paitui.ui.screens.too_small import TooSmallScreen
from paitui.ui.screens.workspaces import WorkspacesScreen
from paitui.ui.widgets.command_bar import CommandBar
from paitui.ui.widgets.header import TopBar
from tests.ui.conftest import SIZE, demo_app, wait_until


def loaded(app) -> bool:
    screen = app.screen
    return getattr(screen, "loaded", False)


def crumbs(app) -> str:
    return str(app.screen.query_one(TopBar).query_one("#crumbs").render())


async def test_starts_on_workspaces_and_enter_opens_the_workspace_jobs() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and loaded(app))
        assert app.screen.table.row_count == 6
        assert app.screen.table.cursor_key == "264901"
        await pilot.press("down", "down", "down", "enter")  # sandbox
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        assert app.workspace_id == "264904"
        assert "sandbox" in crumbs(app) and "jobs" in crumbs(app)
        jobs = app.screen.watch.rows
        assert jobs and all(job.workspace_id == "264904" for job in jobs)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and loaded(app))
        assert app.screen.table.cursor_key == "264904"  # you come back to where you were


async def test_command_bar_aliases_errors_and_workspace_switch() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        await pilot.press("colon", *"jbos", "enter")
        bar = app.screen.query_one(CommandBar)
        assert bar.has_class("-error") and isinstance(app.screen, JobsScreen)
        await pilot.press("escape", "colon", *"ws nowhere", "enter")
        await pilot.pause(0.2)
        assert app.workspace_id == "264901"  # unknown workspace: nothing changes
        await pilot.press("escape", "colon", *"ws recsys", "enter")
        await wait_until(pilot, lambda: any("did you mean recsys_prod" in n.message for n in app._notifications),
                         what="workspace suggestion")
        assert app.workspace_id == "264901"
        await pilot.press("colon", *"ws recsys_prod", "enter")
        await wait_until(pilot, lambda: app.workspace_id == "264903" and loaded(app))
        assert all(job.workspace_id == "264903" for job in app.screen.watch.rows)
        await pilot.press("colon", *"dlc", "enter")  # alias of :jobs
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        await pilot.press("colon", *"region no_such!", "enter")
        assert app.region == "cn-hangzhou" and app.screen.query_one(CommandBar).has_class("-error")


KEY_NAMES = {":": "colon", "/": "slash", " ": "space", "\n": "enter"}


def type_fast(app, text: str) -> None:
    """Queue every key at once, as a fast typist or a paste does (Pilot.press waits between keys)."""
    for char in text:
        key = KEY_NAMES.get(char, char)
        app.post_message(events.Key(key, None if key == "enter" else char))


async def test_keys_typed_fast_after_colon_or_slash_land_in_the_field() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        jobs = app.screen
        type_fast(app, "/llama")
        # a loaded machine may take more than one pause to deliver six queued keys: wait for them (a key that
        # went elsewhere never lands, and the wait fails)
        await wait_until(pilot, lambda: jobs.query_one("#filter").value == "llama", what="the filter text")
        assert jobs.table.sort_column is None
        await pilot.press("enter")
        # the command bar is shown above the footer, not under it
        type_fast(app, ":ru")
        bar, footer = jobs.query_one(CommandBar), jobs.query_one("Footer")
        await wait_until(pilot, lambda: bar.value == ":ru" and bar.region.height == 1, what="the command bar")
        assert bar.region.height == 1 and bar.region.bottom <= footer.region.y
        type_fast(app, "ns\n")
        await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen) and loaded(app), what="runs list")
        # after an error the command is selected: the next one typed replaces it
        runs = app.screen
        type_fast(app, ":jbos\n")
        await wait_until(pilot, lambda: runs.query_one(CommandBar).has_class("-error"), what="command error")
        type_fast(app, ":jobs\n")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs list again")


async def test_help_lists_the_screens_keys() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(record=True, width=200)
        for widget in app.screen.query("Static"):
            console.print(widget.content)
        text = console.export_text()
        for words in ("Filter", "Window", "Refresh", ":runs", ":ws", "type, owner", "on creation time"):
            assert words in text, words
        # the table's own up/down shadow its scroll base class's: a key is listed once, for what it does
        assert "Scroll Up" not in text and "Scroll Down" not in text
        assert sum(line.split()[:1] == ["up,k"] for line in text.splitlines()) == 1
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_the_palette_offers_every_key_of_the_screen_and_runs_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        screen = app.screen
        entries = {c.title: c for c in app.get_system_commands(screen)}
        # the list screen's own keys and those of its base classes
        for title in ("Actions", "Running", "Window", "Filter", "Refresh", "Pause", "Sort", "Watch", "Go to runs"):
            assert title in entries, title
        result = entries["Pause"].callback()
        if result is not None:
            await result  # the palette awaits what its callbacks return
        await pilot.pause()
        assert screen._user_paused


async def test_a_terminal_below_80x24_gets_a_message() -> None:
    app = demo_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, TooSmallScreen)
        assert "70×20" in str(app.screen.query_one("#message").render())
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, TooSmallScreen)


async def test_at_80_columns_the_top_bar_keeps_the_breadcrumbs() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        line = "".join(seg.text for seg in app.screen._compositor.render_strips()[0])
        assert "llm_pretrain › jobs" in line and "DEMO" in line
        assert "ws llm_pretrain" not in line  # the badges give the workspace up to the crumbs
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        line = "".join(seg.text for seg in app.screen._compositor.render_strips()[0])
        assert "llm_pretrain › jobs" in line and "ws llm_pretrain" in line


async def test_filter_status_views_and_invalid_regex_keep_rows() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        screen, table = app.screen, app.screen.table
        total = table.row_count
        running = sum(1 for job in screen.watch.rows if job.status == "Running")
        await pilot.press("slash", *"status:Running")
        assert table.visible_count == running < total
        await pilot.press(*" (unclosed")
        message = str(screen.query_one("#filter-message").render())
        assert "regex" in message and table.visible_count == running  # previous filter stays
        await pilot.press("escape")  # clears and closes the filter
        assert table.visible_count == total
        await pilot.press("F")
        failed = sum(1 for job in screen.watch.rows if job.status in ("Failed", "FailedReserving"))
        assert table.visible_count == failed
        await pilot.press("a")
        assert table.visible_count == total


async def test_markup_in_a_job_name_renders_literally() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        spec = [{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.g7.2xlarge",
                 "Image": "dsw-registry.cn-hangzhou.cr.aliyuncs.com/pai/pytorch:2.3"}]
        await app.client.dlc.create_job(display_name="x [/oops] [bold]y", job_type="PyTorchJob", job_specs=spec,
                                        user_command="echo", workspace_id="264901")
        await pilot.press("r")
        await wait_until(pilot, lambda: any(j.display_name == "x [/oops] [bold]y" for j in app.screen.watch.rows))
        await pilot.press("slash", *"oops", "enter")
        await pilot.pause(0.1)
        assert app.screen.table.cursor_row.display_name == "x [/oops] [bold]y"
        table = app.screen.table
        lines = ["".join(seg.text for seg in table.render_line(y)) for y in range(table.size.height)]
        assert any("x [/oops] [bold]y" in line for line in lines)


async def test_live_refresh_keeps_cursor_and_watched_job_notifies() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        screen, table = app.screen, app.screen.table
        running = next(j for j in screen.watch.rows if j.status == "Running")
        table.move_cursor_to_key(running.job_id)
        await pilot.press("w")  # watch it
        await app.client.dlc.stop_job(running.job_id)
        app.backend.world.clock.advance(120)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.watch.value[running.job_id].status == "Stopped", what="stopped")
        assert table.cursor_key == running.job_id  # the refresh did not move the cursor
        await pilot.pause(0.1)
        messages = [n.message for n in app._notifications]
        assert any(running.display_name in m for m in messages), messages


async def test_faults_keep_the_last_good_rows_and_mark_them_stale() -> None:
    app = demo_app(max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded(app))
        rows_before = app.screen.table.row_count
        app.backend.sim_app.faults = FaultPlan.parse("throttle=1.0", seed=1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is not None, what="stale marker")
        assert app.stale_reason == "Throttling.User"
        assert app.screen.table.row_count == rows_before
        badges = str(app.screen.query_one(TopBar).query_one("#badges").render())
        assert "stale since" in badges
        assert any("Throttling.User" in n.message and "RequestId" in n.message for n in app._notifications)
        app.backend.sim_app.faults = None
        app.screen.watch.refresh()
        await wait_until(pilot, lambda: app.stale_since is None, what="recovery")


def test_snapshot_workspaces(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, WorkspacesScreen) and loaded(pilot.app))

    assert snap_compare(demo_app(workspace=None), terminal_size=SIZE, run_before=run_before)


def test_snapshot_jobs(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen) and loaded(pilot.app))
        await pilot.press("down", "down", "space")  # a marked row and the cursor on a row below the top

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


async def test_a_workspace_scoped_view_asks_for_a_workspace_first() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and loaded(app))
        await pilot.press("colon", *"runs", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and loaded(app))
        assert app.workspace_id is None
        assert any("pick a workspace first" in n.message for n in app._notifications)
        await pilot.press("colon", *"specs", "enter")  # not workspace-scoped: opens
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SpecsScreen")


def test_snapshot_help(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen) and loaded(pilot.app))
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
