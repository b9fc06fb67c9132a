"""``:quotas``: the generic list screen built from the quota kind's declaration alone (no screen module),
against the simulated cloud: totals from ListQuotas, use and queued jobs from the DLC jobs holding them."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from paitui.live.quotas import QuotaUsage
from paitui.ui.screens.resource_list import ResourceListScreen
from tests.ui.conftest import SIZE, demo_app, wait_until


async def open_quotas(pilot: Pilot, app: Any) -> ResourceListScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and app.screen.loaded,
                     what="workspaces list")
    assert app.run_command(":quotas") is None
    await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and app.screen.KIND == "quotas"
                     and app.screen.loaded, what="quotas loaded")
    return app.screen


def rows(screen: ResourceListScreen) -> list[QuotaUsage]:
    return [screen.table.get_row(key) for key in screen.table.visible_keys]


async def test_quotas_list_totals_use_and_queued_jobs_without_a_workspace() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quotas(pilot, app)
        assert type(screen).__name__ == "QuotasScreen" and screen.NOUN == "quotas"
        shown = {row.name: row for row in rows(screen)}
        a100 = shown["llm-a100-pool"]
        assert a100.gpu_total and 0 < a100.gpu_used <= a100.gpu_total and a100.running > 0
        assert sum(row.queued for row in shown.values()) > 0  # the demo has jobs queuing on quotas
        header = screen.table.render_line(0).text
        assert all(title in header for title in ("NAME", "GPU USED", "CPU USED", "QUEUED"))
        text = app.export_screenshot().replace("&#160;", " ")
        assert f"{a100.gpu_used:,.0f} / {a100.gpu_total:,.0f}" in text
        assert "Resource quotas" in text  # the kind's title in the crumbs


async def test_quotas_filter_reads_the_kinds_fields() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quotas(pilot, app)
        assert {"name", "type", "gpu", "queued"} <= set(screen.filter_fields())
        await pilot.press("slash", *"queued:yes", "enter")
        await wait_until(pilot, lambda: bool(rows(screen)) and all(r.queued for r in rows(screen)),
                         what="only quotas with queued jobs")
        assert "filter queued is yes" in str(screen.query_one("#summary").render())


async def test_quotas_command_palette_and_help_name_the_view() -> None:
    app = demo_app(workspace=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResourceListScreen) and app.screen.loaded,
                         what="workspaces list")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to quotas" in titles


async def test_quotas_under_failing_job_reads_show_totals_and_never_free_capacity() -> None:
    app = demo_app(workspace=None, faults=";ListJobs:error5xx=1", max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quotas(pilot, app)
        shown = {row.name: row for row in rows(screen)}
        a100 = shown["llm-a100-pool"]
        assert a100.gpu_total and a100.use == "unknown"
        text = app.export_screenshot().replace("&#160;", " ")
        assert f"? / {a100.gpu_total:,.0f}" in text  # the total, and no use claimed
        assert f"0 / {a100.gpu_total:,.0f}" not in text  # which would read as a free pool
        summary = str(screen.query_one("#summary").render())
        assert "partial: use from 0 of" in summary and "retrying" in summary
        assert "Could not load" not in text
