"""Shared harness for UI tests: the real app on the simulated cloud with a manual clock, in UTC."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.jobs import JobsScreen

os.environ["TZ"] = "UTC"  # screens show local times; tests pin them
time.tzset()

SIZE = (160, 48)


def demo_app(*, jobs: int = 400, seed: int = 7, workspace: str | None = "264901", faults: str | None = None,
             read_only: bool = False, **settings: object) -> PaiTuiApp:
    """The app as `paitui --demo` builds it, but on a manual clock so every frame is reproducible."""
    sim = {"seed": seed, "jobs": jobs, **({"faults": faults} if faults else {})}
    config = Settings(demo=True, workspace=workspace, read_only=read_only, sim=sim, **settings)
    world = World(seed=seed, jobs=jobs, clock=SimClock.manual())
    return make_app(config, open_backend(config, world=world))


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], *, timeout: float = 10.0,
                     what: str = "condition") -> None:
    """Let the app run until ``predicate()`` holds (workers finish their HTTP calls in-process)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


@pytest.fixture
def make_demo_app() -> Callable[..., PaiTuiApp]:
    return demo_app


# --- detail screens ---------------------------------------------------------------------------------------

FAST = 0.1  # detail_interval for tests: polls come quickly, the clock still only moves when told

DetailScreen = TypeVar("DetailScreen")


def static_text(screen: Any, selector: str, width: int = 200) -> str:
    """The plain text of a Static's content (a Rich renderable rendered off-screen, nothing cropped)."""
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def open_detail(app: PaiTuiApp, pilot: Pilot, screen: DetailScreen, *, what: str) -> DetailScreen:
    """Push a detail screen and wait until it shows its first snapshot (``what`` names it in a timeout)."""
    # the app opens its root view (jobs of the workspace) in a worker; opening a root view pops every screen
    # above it, so push the detail screen once that happened, as a user would
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs list")
    app.push_detail(screen)
    await wait_until(pilot, lambda: screen.snapshot is not None, what=what)
    await pilot.pause()
    return screen
