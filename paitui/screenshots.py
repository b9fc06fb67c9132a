"""``paitui screenshots``: regenerate screenshots/*.svg from the simulated cloud on a fixed seed and clock.

Every picture is the real app driven headless, so the README's screenshots are always what a user gets.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.resource_list import ResourceListScreen

SIZE = (160, 48)
Step = Callable[[PaiTuiApp, Pilot], Awaitable[None]]


async def _until(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen never finished loading")
        await pilot.pause(0.05)


def _loaded(app: PaiTuiApp) -> bool:
    return bool(getattr(app.screen, "loaded", False))


async def _view(app: PaiTuiApp, pilot: Pilot, name: str) -> None:
    app.open_view(name)
    await _until(pilot, lambda: type(app.screen).__name__.lower().startswith(name[:-1]) and _loaded(app))


def _list_screen(app: PaiTuiApp) -> tuple[ResourceListScreen, list[Any]]:
    """The list on screen and its rows (``_view`` waited for them)."""
    screen = app.screen
    assert isinstance(screen, ResourceListScreen) and screen.watch is not None, screen
    return screen, screen.watch.rows


async def workspaces(app: PaiTuiApp, pilot: Pilot) -> None:
    await _view(app, pilot, "workspaces")


async def jobs(app: PaiTuiApp, pilot: Pilot) -> None:
    app.set_workspace("264901", "llm_pretrain")
    await _view(app, pilot, "jobs")


async def job_detail(app: PaiTuiApp, pilot: Pilot) -> None:
    await jobs(app, pilot)
    screen, rows = _list_screen(app)
    running = next(job for job in rows if job.status == "Running")
    screen.table.move_cursor_to_key(running.job_id)
    await pilot.press("enter")
    await _until(pilot, lambda: type(app.screen).__name__ == "JobDetailScreen" and _detail_ready(app))


async def logs(app: PaiTuiApp, pilot: Pilot) -> None:
    from paitui.ui.screens.logs import LogScreen

    await jobs(app, pilot)
    running = next(job for job in _list_screen(app)[1] if job.status == "Running")
    screen = LogScreen.for_pod(running.job_id, job_name=running.display_name)
    app.push_detail(screen)
    await _until(pilot, lambda: app.screen is screen and screen.is_mounted and screen.view.total > 0)
    await pilot.pause(0.5)


async def runs(app: PaiTuiApp, pilot: Pilot) -> None:
    app.set_workspace("264901", "llm_pretrain")
    await _view(app, pilot, "runs")


async def run_detail(app: PaiTuiApp, pilot: Pilot) -> None:
    await runs(app, pilot)
    screen, rows = _list_screen(app)
    run = next(r for r in rows if r.status in ("Running", "Succeeded"))
    screen.table.move_cursor_to_key(run.pipeline_run_id)
    await pilot.press("enter")
    await _until(pilot, lambda: type(app.screen).__name__ == "RunDetailScreen" and _detail_ready(app))


async def schedules(app: PaiTuiApp, pilot: Pilot) -> None:
    await _view(app, pilot, "schedules")


async def help_screen(app: PaiTuiApp, pilot: Pilot) -> None:
    await jobs(app, pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.2)


def _detail_ready(app: PaiTuiApp) -> bool:
    watch = getattr(app.screen, "detail_watch", None)
    return watch is not None and watch.value is not None


SHOTS: dict[str, Step] = {
    "workspaces": workspaces, "jobs": jobs, "job-detail": job_detail, "logs": logs, "runs": runs,
    "run-detail": run_detail, "schedules": schedules, "help": help_screen,
}


async def _shoot(name: str, step: Step, folder: Path) -> Path:
    settings = Settings(demo=True, sim={"seed": 7})
    world = World(seed=7, clock=SimClock.manual())
    app = make_app(settings, open_backend(settings, world=world))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await step(app, pilot)
        await pilot.pause(0.2)
        return Path(app.save_screenshot(f"{name}.svg", str(folder)))


def run(folder: Path) -> list[Path]:
    os.environ.setdefault("TZ", "UTC")
    time.tzset()
    folder.mkdir(parents=True, exist_ok=True)
    return [asyncio.run(_shoot(name, step, folder)) for name, step in SHOTS.items()]
