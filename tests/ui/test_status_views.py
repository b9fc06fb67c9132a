"""The jobs list's colours and its ``R``/``F``/``Q`` views read the one status table (``live.status``)."""

from __future__ import annotations

from collections import Counter

from paitui.live.status import job_phase
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.theming import phase_colour
from tests.ui.conftest import SIZE, demo_app, wait_until


async def test_job_colours_and_views_agree_with_the_status_table() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        rows = list(screen.watch.rows)
        status_column = next(c for c in screen.columns() if c.key == "status")
        for job in rows:
            cell = status_column.render(job)
            assert str(cell.style) == phase_colour(app.current_theme, job_phase(job.status)), job.status
        phases = Counter(job_phase(job.status) for job in rows)
        assert phases["failed"] and phases["running"] and phases["pending"]  # the seed has all three
        table = screen.table
        for key, phase in (("F", "failed"), ("R", "running"), ("Q", "pending")):
            await pilot.press(key)
            assert table.visible_count == phases[phase], key
            assert {job_phase(table.get_row(k).status) for k in table.visible_keys} == {phase}
        await pilot.press("a")
        assert table.visible_count == len(rows)
