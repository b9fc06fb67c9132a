"""The runs, pipelines, schedules, tensorboards, templates and specs lists, driven through the app on the
simulated cloud's manual clock (UTC)."""

from __future__ import annotations

import sys
import types
from datetime import timedelta
from typing import Any

import pytest
from rich.syntax import Syntax
from textual.pilot import Pilot

from paitui.api.models.common import UTC8
from paitui.live.lifecycle import run_duration
from paitui.live.status import run_phase
from paitui.sim.faults import FaultPlan
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.base import PaiScreen
from paitui.ui.screens.pipelines import PipelinesScreen
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.screens.runs import RunsScreen
from paitui.ui.screens.schedules import SchedulesScreen, repeat_text
from paitui.ui.screens.specs import SpecsScreen
from paitui.ui.screens.templates import TemplatesScreen
from paitui.ui.screens.tensorboards import TensorboardsScreen, middle
from paitui.ui.theming import phase_colour
from paitui.ui.widgets.kv_modal import KeyValueModal
from paitui.ui.widgets.text_modal import TextModal
from tests.ui.conftest import SIZE, demo_app, wait_until

MARKUP = "x [/oops] [bold]y"


def make_app(**settings: Any) -> PaiTuiApp:
    # the demo's own data (400 jobs seed the same world as `paitui --demo`), starting on the workspaces list so
    # that no jobs list has to load before the view under test
    return demo_app(workspace=None, **settings)


async def start(pilot: Pilot, app: PaiTuiApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and app.screen.loaded,
                     what="workspaces list")
    app.set_workspace("264901", "llm_pretrain")


async def open_view(pilot: Pilot, app: PaiTuiApp, name: str) -> Any:
    """Enter workspace 264901 if not yet in one, switch to a root view, wait for its rows."""
    if app.workspace_id is None:
        await start(pilot, app)
    app.open_view(name)
    await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and name == app.screen.KIND
                     and app.screen.loaded, what=f"{name} loaded")
    return app.screen


def cell(screen: ResourceListScreen, column: str, row: Any) -> Any:
    spec = next(c for c in screen.columns() if c.key == column)
    return spec.render(row)


def rows(screen: ResourceListScreen) -> list[Any]:
    return [screen.table.get_row(key) for key in screen.table.visible_keys]


async def filter_to(pilot: Pilot, text: str) -> None:
    await pilot.press("slash", *text)


async def clear_filter(pilot: Pilot) -> None:
    await pilot.press("escape")  # in the open box, esc clears and closes it


async def wait_modal(pilot: Pilot, app: PaiTuiApp, kind: type) -> Any:
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.loaded, what="modal loaded")
    return app.screen


# --- pipeline runs -------------------------------------------------------------------------------------------


async def all_runs(app: PaiTuiApp) -> list[Any]:
    return [r async for r in app.client.flow.iter_pipeline_runs(workspace_id="264901")]


async def test_runs_load_with_status_colours_pipelines_and_the_7d_window() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: RunsScreen = await open_view(pilot, app, "runs")
        now = app.backend.now()
        every = await all_runs(app)
        recent = {r.pipeline_run_id for r in every if r.gmt_create_time >= now - timedelta(days=7)}
        assert set(screen.table.visible_keys) == recent and len(recent) < len(every)  # client-side window
        theme = app.current_theme
        failed = next(r for r in rows(screen) if r.status == "Failed")
        status = cell(screen, "status", failed)
        assert status.plain == "Failed" and str(status.style) == phase_colour(theme, "failed")
        running = next(r for r in rows(screen) if r.status == "Running")
        assert str(cell(screen, "status", running).style) == phase_colour(theme, "running")
        assert cell(screen, "pipeline", running).plain in {"etl_daily_events", "text_dedup", "llm_sft"}
        inline = next(r for r in rows(screen) if not r.pipeline_id)
        assert cell(screen, "pipeline", inline).plain == "inline manifest"
        assert cell(screen, "finished", running) == "—"
        assert "window 7d" in str(screen.query_one("#summary").render())


async def test_runs_filter_views_sort_and_window_keys() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: RunsScreen = await open_view(pilot, app, "runs")
        table, shown = screen.table, rows(screen)
        total = len(shown)
        # the hint names this screen's fields: runs have a source and no type
        hint = screen.query_one("#filter").placeholder
        assert "source" in hint and "type" not in hint
        await filter_to(pilot, "status:Failed")
        assert table.visible_count == sum(r.status == "Failed" for r in shown) > 0
        await pilot.press(*" (unclosed")  # an invalid regex: message, previous filter stays
        message = str(screen.query_one("#filter-message").render())
        assert "regex" in message and table.visible_count == sum(r.status == "Failed" for r in shown)
        await clear_filter(pilot)
        assert table.visible_count == total
        await filter_to(pilot, "source:SDK owner:me")
        me = app.backend.me
        assert table.visible_count == sum(r.source_type == "SDK" and r.user_id == me for r in shown) > 0
        await clear_filter(pilot)

        await pilot.press("R")
        assert {run_phase(r.status) for r in rows(screen)} == {"running"}
        await pilot.press("F")
        assert {r.status for r in rows(screen)} == {"Failed"}
        await pilot.press("a")
        assert table.visible_count == total

        await pilot.press("s")  # first column: name
        assert [r.name for r in rows(screen)] == sorted((r.name for r in shown), key=str.casefold)
        table.sort_by("duration", reverse=True)
        now = app.backend.now()
        durations = [(run_duration(r, now) or timedelta(0)) for r in rows(screen)]
        assert durations == sorted(durations, reverse=True)
        header = table.render_line(0).text
        assert "▼ DURATION" in header  # right-aligned: the arrow before the title, which stays over the numbers
        # s past the last column returns to the service's order
        table.sort_by(screen.columns()[-1].key, reverse=False)
        await pilot.press("s")
        assert table.sort_column is None and [r.pipeline_run_id for r in rows(screen)] == \
            [r.pipeline_run_id for r in shown]

        every = await all_runs(app)
        for window, days in (("30d", 30), ("all", None), ("1d", 1)):
            await pilot.press("t")
            await wait_until(pilot, lambda w=window: screen.window == w and screen.loaded, what=window)
            expected = {r.pipeline_run_id for r in every
                        if days is None or r.gmt_create_time >= now - timedelta(days=days)}
            assert set(table.visible_keys) == expected, window
            assert f"window {window}" in str(screen.query_one("#summary").render())


async def test_enter_on_a_run_opens_its_detail(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str, str | None, str | None]] = []

    class FakeRunDetail(PaiScreen):  # the real screen is tested on its own; here only the hand-over counts
        def __init__(self, run_id: str, name: str | None = None, pipeline_name: str | None = None) -> None:
            super().__init__()
            opened.append((run_id, name, pipeline_name))

    stub = types.ModuleType("paitui.ui.screens.run")
    stub.RunDetailScreen = FakeRunDetail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "paitui.ui.screens.run", stub)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: RunsScreen = await open_view(pilot, app, "runs")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FakeRunDetail), what="run detail")
        row = screen.table.cursor_row
        assert opened == [(row.pipeline_run_id, row.name, cell(screen, "pipeline", row).plain)]
        assert app.notifier.is_watched("run", row.pipeline_run_id)  # opening a run watches it


async def test_a_run_name_with_markup_renders_literally() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        pipeline = await anext(app.client.flow.iter_pipelines(workspace_id="264901"))
        await app.client.flow.create_pipeline_run(workspace_id="264901", pipeline_id=pipeline.pipeline_id,
                                                  name=MARKUP, no_confirm_required=True)
        screen: RunsScreen = await open_view(pilot, app, "runs")
        await filter_to(pilot, "oops")
        await pilot.press("enter")
        assert screen.table.visible_count == 1 and screen.table.cursor_row.name == MARKUP
        assert MARKUP in screen_text(app)


async def test_run_status_moves_when_the_clock_advances() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: RunsScreen = await open_view(pilot, app, "runs")
        running = next(r for r in rows(screen) if r.status == "Running")
        screen.table.move_cursor_to_key(running.pipeline_run_id)
        await pilot.press("w")  # tell me when it finishes
        app.backend.world.clock.advance(3600)
        await pilot.press("r")
        key = running.pipeline_run_id
        await wait_until(pilot, lambda: screen.table.get_row(key).status != "Running", what="status moved")
        moved = screen.table.get_row(key)
        assert run_phase(moved.status) in ("succeeded", "failed", "stopped")
        assert screen.table.cursor_key == key  # the refresh kept the cursor
        assert cell(screen, "finished", moved) != "—"
        await wait_until(pilot, lambda: any(running.name in n.message for n in app._notifications),
                         what="the terminal-state notice")


# --- pipelines -----------------------------------------------------------------------------------------------


async def test_pipelines_list_and_m_shows_the_yaml_manifest() -> None:
    app = make_app(max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen: PipelinesScreen = await open_view(pilot, app, "pipelines")
        identifiers = {r.identifier for r in rows(screen)}
        assert identifiers == {"etl_daily_events", "text_dedup", "llm_sft"}
        await filter_to(pilot, "text")
        assert screen.table.visible_count == 1
        await pilot.press("enter", "m")  # submit the filter, then show the row's manifest
        modal: TextModal = await wait_modal(pilot, app, TextModal)
        expected = (await app.client.flow.get_pipeline(screen.table.cursor_row.pipeline_id)).manifest
        assert modal.data == expected and "identifier: text_dedup" in modal.data
        body = modal.query_one("#detail-body").content
        assert isinstance(body, Syntax) and body.lexer is not None and "yaml" in body.lexer.aliases
        await pilot.press("escape")
        assert app.screen is screen
        app.backend.sim_app.faults = FaultPlan.parse("throttle=1.0", seed=1)
        await pilot.press("m")  # a failed GetPipeline: the modal says so instead of crashing
        modal = await wait_modal(pilot, app, TextModal)
        assert modal.data is None and "Could not load" in str(modal.query_one("#detail-body").content)


# --- schedules -----------------------------------------------------------------------------------------------


async def test_schedules_words_colours_times_repeat_and_filter() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: SchedulesScreen = await open_view(pilot, app, "schedules")
        shown = rows(screen)
        assert len(shown) == 30
        assert "not job schedules" in "".join(screen.crumbs())
        theme = app.current_theme
        words = {r.status: cell(screen, "status", r) for r in shown}
        assert {s: t.plain for s, t in words.items()} == {
            0: "checking", 1: "check passed", 2: "check failed", 3: "sending", 4: "sent", 5: "send failed"}
        for status, phase in ((0, "pending"), (2, "failed"), (3, "running"), (4, "succeeded")):
            assert str(words[status].style) == phase_colour(theme, phase)
        timed = next(r for r in shown if r.execute_time is not None)
        assert cell(screen, "execute", timed) == timed.execute_time.astimezone(UTC8).strftime("%Y-%m-%d %H:%M:%S")
        assert cell(screen, "execute", next(r for r in shown if r.execute_time is None)) == "now"
        repeats = {repeat_text(r) for r in shown}
        assert "once" in repeats and "every week ×5" in repeats
        await filter_to(pilot, 'status:"check failed"')
        assert screen.table.visible_count == sum(r.status == 2 for r in shown) > 0
        await clear_filter(pilot)
        await filter_to(pilot, "status:5")
        assert screen.table.visible_count == sum(r.status == 5 for r in shown) > 0
        await clear_filter(pilot)
        screen.table.sort_by("status")
        assert [r.status for r in rows(screen)] == sorted(r.status for r in shown)


async def test_schedule_detail_shows_history_and_a_markup_name_stays_literal() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        sample = await anext(app.client.plugin.iter_schedules())
        await app.client.plugin.create_schedule(name=MARKUP, group_id=sample.group_id, sign_name=sample.sign_name,
                                                template_code=sample.template_code, RepeatCycle=2,
                                                RepeatCycleUnit=2, RepeatTimes=5)
        screen: SchedulesScreen = await open_view(pilot, app, "schedules")
        await filter_to(pilot, "oops")
        await pilot.press("enter")  # leaves the filter box
        row = screen.table.cursor_row
        assert row.name == MARKUP and repeat_text(row) == "every 2 days ×5"
        assert MARKUP in screen_text(app)
        await pilot.press("enter")
        modal: KeyValueModal = await wait_modal(pilot, app, KeyValueModal)
        assert modal.value_of("Name") == MARKUP and modal.value_of("Repeat") == "every 2 days ×5"
        assert modal.value_of("ExecuteTime") == "now (empty: sent at once)"
        assert "History" in dict(modal.data or ())
        assert "submitted for content review" in screen_text(app)
        assert MARKUP in screen_text(app)


# --- tensorboards, templates, specs --------------------------------------------------------------------------


async def test_tensorboards_status_window_and_detail() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: TensorboardsScreen = await open_view(pilot, app, "tensorboards")
        week = rows(screen)
        assert week and all(r.workspace_id == "264901" for r in week)
        running = next(r for r in week if r.status == "Running")
        assert str(cell(screen, "status", running).style) == phase_colour(app.current_theme, "running")
        assert cell(screen, "url", running) == middle(running.tensorboard_url, 44)
        before = screen.duration(running)
        app.backend.world.clock.advance(30)
        assert screen.duration(running) == before + timedelta(seconds=30)  # ticks between polls
        await pilot.press("t", "t")  # 30d, all
        await wait_until(pilot, lambda: screen.window == "all" and screen.loaded, what="all window")
        assert screen.table.row_count > len(week)
        await pilot.press("enter")
        modal: KeyValueModal = await wait_modal(pilot, app, KeyValueModal)
        row = screen.table.cursor_row
        assert modal.value_of("TensorboardId") == row.tensorboard_id
        assert modal.value_of("Status") == row.status


async def test_templates_list_and_enter_shows_all_versions() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: TemplatesScreen = await open_view(pilot, app, "templates")
        assert screen.table.row_count == 3
        row = screen.table.cursor_row
        assert cell(screen, "default", row) == f"v{row.default_version}"
        await pilot.press("enter")
        modal: TextModal = await wait_modal(pilot, app, TextModal)
        full = await app.client.dlc.get_job_template(row.template_id, version="all")
        import yaml

        versions = yaml.safe_load(modal.data)
        assert [v["Version"] for v in versions] == sorted((v.version for v in full.versions), reverse=True)
        assert [v["Version"] for v in versions if v["Default"]] == [row.default_version]
        assert all("JobType" in v["Content"] for v in versions)


async def test_specs_filter_numeric_sort_and_detail() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen: SpecsScreen = await open_view(pilot, app, "specs")
        shown = rows(screen)
        assert len(shown) == 33 and "GPU" in str(screen.query_one("#summary").render())
        await filter_to(pilot, "gpu:A100 resource:ECS")
        assert screen.table.visible_count == sum(r.gpu_type == "A100" for r in shown) > 0
        await clear_filter(pilot)
        screen.table.sort_by("gpu", reverse=True)
        assert [r.gpu for r in rows(screen)] == sorted((r.gpu for r in shown), reverse=True)
        screen.table.move_cursor_to_key("ecs.gn7i-c8g1.2xlarge")
        await pilot.press("enter")
        modal: KeyValueModal = await wait_modal(pilot, app, KeyValueModal)
        assert modal.value_of("InstanceType") == "ecs.gn7i-c8g1.2xlarge"
        assert modal.value_of("GpuType") == "A10" and modal.value_of("PaymentTypes") == "PostPaid, Spot"


# --- snapshots -----------------------------------------------------------------------------------------------


def screen_text(app: PaiTuiApp) -> str:
    """What is on the terminal, as plain text (the SVG export escapes nothing we look for)."""
    return app.export_screenshot().replace("&#160;", " ")


@pytest.mark.parametrize("view", ["runs", "pipelines", "schedules", "tensorboards", "templates", "specs"])
def test_snapshot(snap_compare: Any, view: str) -> None:
    app = make_app()

    async def run_before(pilot: Pilot) -> None:
        await open_view(pilot, app, view)
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


async def test_at_80_columns_the_lists_keep_status_duration_and_age_in_sight() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for view, kept, hidden in (("jobs", ("NAME", "STATUS", "DURATION", "CREATED"), ("ID", "TYPE")),
                                   ("runs", ("NAME", "STATUS", "DURATION", "STARTED"), ("SOURCE", "ID"))):
            screen = await open_view(pilot, app, view)
            table = screen.table
            header = table.render_line(0).text
            assert all(title in header for title in kept), (view, header)
            assert not any(f" {title} " in header for title in hidden), (view, header)
            # what was hidden leaves no sideways scroll behind
            assert table.virtual_size.width <= table.scrollable_content_region.width
            await pilot.resize_terminal(160, 48)
            await pilot.pause()
            assert " ID " in table.render_line(0).text  # room again: every column is back
            await pilot.resize_terminal(80, 24)
            await pilot.pause()


async def test_watch_is_offered_only_where_rows_finish_and_not_for_finished_ones() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        workspaces = await open_view(pilot, app, "workspaces")
        assert workspaces.check_action("toggle_watch", ()) is False  # hidden: a workspace never finishes
        jobs: Any = await open_view(pilot, app, "jobs")
        assert jobs.check_action("toggle_watch", ()) is True
        done = next(r for r in rows(jobs) if r.status == "Succeeded")
        jobs.table.move_cursor_to_key(done.job_id)
        await pilot.press("w")
        await pilot.pause()
        assert not app.notifier.is_watched("job", done.job_id)
        assert any("already finished" in n.message for n in app._notifications)


async def test_an_empty_window_says_what_it_covers_and_how_to_widen_it() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        app.set_workspace("264906", "new_team")  # created minutes ago: nothing in it yet
        screen: Any = await open_view(pilot, app, "jobs")
        assert screen.table.row_count == 0
        assert screen.table.empty_message == "No jobs created in the last 7d · t widens the window"
