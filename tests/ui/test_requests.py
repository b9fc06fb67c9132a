"""``:requests`` and the request budget in the dashboard: the view lists what was sent per operation and its
price, and a tiny daily budget stretches the list's polling and the header says so. The simulated cloud on
a manual clock; the meter on a hand-driven clock; no sleeps."""

from __future__ import annotations

from datetime import UTC, datetime

from paitui.api.meter import RequestMeter
from paitui.live import budget
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.resource_list import ResourceListScreen
from tests.ui.conftest import SIZE, demo_app, static_text, wait_until


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 12, 4, 2, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.t


async def test_the_requests_view_lists_each_operation_with_its_price() -> None:
    app = demo_app(jobs=40)
    app.client.meter = app.governor.meter = RequestMeter(Clock())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        await app.client.flow.list_pipeline_runs(workspace_id="264901")  # a priced operation (seeds/002)
        app.open_view("requests")
        await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen)
                         and app.screen.KIND == "requests" and app.screen.loaded, what="requests view")
        rows = {row.key: row for row in app.screen.watch.rows}
        assert rows["dlc.ListJobs"].today >= 1 and rows["dlc.ListJobs"].since_start == rows["dlc.ListJobs"].today
        assert rows["dlc.ListJobs"].cost_today is None  # DLC: no price known, not zero
        assert rows["flow.ListPipelineRuns"].free_left == 1000 - rows["flow.ListPipelineRuns"].month
        shown = app.screen.table.render_line(1).text + app.screen.table.render_line(2).text
        assert "dlc.ListJobs" in shown or "flow.ListPipelineRuns" in shown
        assert "—" in "".join(app.screen.table.render_line(y).text for y in range(1, 8))


async def test_a_spent_daily_budget_stretches_polling_and_the_header_says_so() -> None:
    app = demo_app(jobs=40, daily_request_budget=5)
    app.client.meter = app.governor.meter = RequestMeter(Clock())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        screen = app.screen
        assert screen.watch is not None
        assert screen.watch.governor is app.governor  # the app's own budget, not a process-wide one
        for _ in range(5):  # the list's polls, as many as the budget allows
            await screen.watch.poll()
        assert app.client.meter.total_today() >= 5
        assert screen.watch.next_delay() == app.settings.list_interval * budget.BUDGET_SPENT_FACTOR
        app.refresh_usage()
        await pilot.pause()
        badges = static_text(app.screen, "#badges")
        assert "slowed ×60: daily budget spent" in badges
        assert "req/min · " in badges and "today" in badges  # the compact figure, shown as a budget is set


async def test_without_a_cap_the_header_keeps_its_old_look() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        app.refresh_usage()
        await pilot.pause()
        badges = static_text(app.screen, "#badges")
        assert "req/min" not in badges and "slowed" not in badges
        assert app.screen.watch is not None and app.screen.watch.next_delay() == app.settings.list_interval


async def test_at_80_columns_the_header_keeps_only_the_slowed_badge() -> None:
    app = demo_app(jobs=40, daily_request_budget=1)
    app.client.meter = app.governor.meter = RequestMeter(Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        app.refresh_usage()
        await pilot.pause()
        badges = static_text(app.screen, "#badges", width=80)
        assert "slowed ×60" in badges and "daily budget" not in badges and "req/min" not in badges
        assert "paitui" in static_text(app.screen, "#crumbs", width=80)  # the breadcrumbs keep their room


async def test_a_slowed_job_detail_says_how_often_it_really_polls() -> None:
    app = demo_app(jobs=40, daily_request_budget=1)
    app.client.meter = app.governor.meter = RequestMeter(Clock())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        assert app.screen.watch is not None
        job = next(row for row in app.screen.watch.rows if row.status == "Running")
        detail = JobDetailScreen(job.job_id, job.display_name)
        app.push_detail(detail)
        await wait_until(pilot, lambda: detail.detail_watch is not None and detail.detail_watch.polls > 0,
                         what="the detail's first poll")
        text = detail.state_text().plain
        assert detail.polling_state == "live"
        interval = app.settings.detail_interval * budget.BUDGET_SPENT_FACTOR
        assert f"live every {interval:g}s (slowed: request budget)" in text
        assert detail.detail_watch.next_delay() == app.settings.detail_interval * budget.BUDGET_SPENT_FACTOR
