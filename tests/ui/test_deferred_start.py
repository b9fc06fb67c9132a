"""A deferred start (issue 13): the shell is painted before the backend opens, says truly that the
workspaces are loading, and the rows follow once the backend is open; a problem found while opening ends the
dashboard with status 2 and the one line, and keys pressed meanwhile neither crash it nor get lost."""

from __future__ import annotations

import threading

from paitui.backend import Backend, open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import DeferredStart, PaiTuiApp
from paitui.ui.screens.workspaces import WorkspacesScreen
from tests.ui.conftest import SIZE, wait_until


def held_start(release: threading.Event, **preview: object) -> DeferredStart:
    """A start whose backend opens (on the app's thread for it) only once ``release`` is set."""
    def open_() -> tuple[Settings, Backend]:
        assert release.wait(30), "the test never released the backend"
        settings = Settings(demo=True, sim={"seed": 7, "jobs": 20})
        return settings, open_backend(settings, world=World(seed=7, jobs=20, clock=SimClock.manual()))

    return DeferredStart(open_, **preview)  # type: ignore[arg-type]


async def test_the_shell_says_loading_until_the_backend_opens_then_the_rows_follow() -> None:
    release = threading.Event()
    app = PaiTuiApp(deferred=held_start(release, demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkspacesScreen) and not app.ready
        assert screen.table.row_count == 0 and screen.table.empty_message == "Loading workspaces…"
        await pilot.press("s", "p", "r", "slash", "x", "escape")  # keys before the backend: no crash
        assert app.is_running and not app.ready
        release.set()
        await wait_until(pilot, lambda: screen.table.row_count > 0, what="the workspaces' rows")
        assert app.ready and app.region == "cn-hangzhou"
        names = {row.workspace_name for key in screen.table.visible_keys if (row := screen.table.get_row(key))}
        assert "llm_pretrain" in names


async def test_a_problem_found_while_opening_leaves_with_status_2_and_the_line() -> None:
    app = PaiTuiApp(deferred=DeferredStart(lambda: "paitui: invalid settings: unknown key regoin"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: not app.is_running, what="the app to leave")
    assert app.return_code == 2 and app.start_problem == "paitui: invalid settings: unknown key regoin"
    assert not app.ready
