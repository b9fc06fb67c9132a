"""Shared harness for UI tests: the real app on the simulated cloud with a manual clock, in UTC."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import PaiTuiApp, make_app

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
