"""The dashboard on a simulated cloud in a child process (what ``paitui --demo`` runs for a big world)."""

from __future__ import annotations

from datetime import timedelta

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.ui.app import make_app
from paitui.ui.screens.jobs import JobsScreen
from tests.ui.conftest import SIZE, wait_until


async def test_the_jobs_list_loads_from_the_child_and_its_durations_use_the_childs_clock() -> None:
    config = Settings(demo=True, workspace="264901", sim={"seed": 7, "jobs": 300})
    backend = open_backend(config, simulator="process")
    assert backend.world is None  # nothing of the simulator in this process: rows come over the socket
    app = make_app(config, backend)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, timeout=60,
                         what="the jobs list from the child")
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        listed = await backend.client.dlc.list_jobs(workspace_id="264901", page_size=1)
        assert screen.table.row_count == listed.total_count > 0
        # the screen's "now" is the child's clock, computed here (Backend.clock), not the machine's
        assert abs(screen.now() - backend.client.server_now()) < timedelta(seconds=5)
