"""An idle list repaints only what reads differently (the 1 s tick), and not at all under an opaque screen;
what it shows stays true as time passes (manual clock)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.widgets.table_columns import render_cell
from tests.ui.conftest import FAST, SIZE, demo_app, wait_until


def screen_text(app: PaiTuiApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def jobs_list(app: PaiTuiApp, pilot: Any) -> JobsScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs list")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, JobsScreen)
    return screen


async def test_a_tick_repaints_only_the_rows_whose_text_changed_and_the_screen_stays_true() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_list(app, pilot)
        screen._changed_on_screen()  # what is on screen now
        assert screen._changed_on_screen() == []  # the clock stands still: nothing to repaint
        app.backend.world.clock.advance(3600)  # every age and running duration moves on
        changed = screen._changed_on_screen()
        table = screen.table
        top = round(table.scroll_y)
        visible = list(table.visible_keys[top:top + table.size.height])
        assert changed and set(changed) <= set(visible)
        app.backend.world.clock.advance(3600)
        screen._tick()
        await pilot.pause()
        shown = screen_text(app)
        for key in changed[:5]:  # the repainted rows read what their cells say now
            row = table.get_row(key)
            cells = [render_cell(c, row).plain for c in table.columns if c.key in ("duration", "waited")]
            line = next(line for line in shown.splitlines() if (row.display_name or "")[:16] in line)
            assert all(text.strip() in line for text in cells if text.strip()), (line, cells)


async def test_a_list_under_an_opaque_detail_does_not_tick() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_list(app, pilot)
        assert screen._seen()
        running = next(j for j in screen.watch.rows if j.status == "Running")
        detail = JobDetailScreen(running.job_id)
        app.push_detail(detail)
        await wait_until(pilot, lambda: detail.snapshot is not None, what="detail")
        assert screen.is_current and not screen._seen()  # Textual calls it current; it is hidden
        before = dict(screen._on_screen)
        app.backend.world.clock.advance(3600)
        screen._tick()
        assert screen._on_screen == before  # nothing was even compared


async def test_a_detail_poll_that_changes_only_durations_re_renders_no_panel() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_list(app, pilot)
        running = next(j for j in screen.watch.rows if j.status == "Running")
        detail = JobDetailScreen(running.job_id)
        app.push_detail(detail)
        await wait_until(pilot, lambda: detail.snapshot is not None, what="detail")
        await pilot.pause()
        updates: list[str] = []
        for panel in ("#spec", "#events", "#pod-events"):
            static = detail.query_one(panel, Static)
            original = static.update
            static.update = lambda *a, _panel=panel, _original=original, **k: (updates.append(_panel),  # type: ignore[method-assign]
                                                                               _original(*a, **k))[1]
        polls = detail.detail_watch.polls
        app.backend.world.clock.advance(2)  # GetJob now answers other durations, nothing else
        await wait_until(pilot, lambda: detail.detail_watch.polls >= polls + 2, what="polls")
        await pilot.pause()
        assert detail.snapshot.job.status == "Running" and updates == []


async def test_a_tick_reads_only_the_cells_that_move_with_the_clock(monkeypatch: Any) -> None:
    """The 1 s tick compares durations and ages alone (issue 13: an idle list's CPU); a name or a status
    changes only with the data, whose diff repaints its row."""
    import paitui.ui.screens.resource_list as resource_list

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_list(app, pilot)
        read: list[str] = []

        def counting(column: Any, row: Any) -> Any:
            read.append(column.key)
            return render_cell(column, row)

        monkeypatch.setattr(resource_list, "render_cell", counting)
        app.backend.world.clock.advance(3600)
        screen._tick()
        assert read and set(read) == {"duration", "waited", "created"}


async def test_a_kept_view_behind_another_stops_its_tick_and_catches_up_when_shown() -> None:
    """Issue 13: a hidden root view's 1 s timer does not run; shown again, it repaints what moved at once."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await jobs_list(app, pilot)
        ticker = screen._ticker
        assert ticker is not None and ticker._active.is_set()
        app.open_view("runs")
        await wait_until(pilot, lambda: app.screen is not screen, what="the runs view")
        await pilot.pause()
        assert not ticker._active.is_set()  # paused: no wake-ups while hidden
        before = dict(screen._on_screen)
        app.backend.world.clock.advance(3600)
        app.open_view("jobs")
        await wait_until(pilot, lambda: app.screen is screen, what="the jobs view again")
        await pilot.pause()
        assert ticker._active.is_set() and screen._on_screen != before  # ticking, and caught up at once
