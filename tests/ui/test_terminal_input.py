"""The dashboard against odd terminals and bad input typed into it: the too-small notice fits the terminal it
is shown in, NO_COLOR is honoured (and an empty one is not), and `:region` refuses unknown regions with the
closest suggested unless every endpoint is overridden."""

from __future__ import annotations

import os

import pytest
from textual.filter import Monochrome, NoColor
from textual.pilot import Pilot
from textual.widgets import Static

from paitui.terminal import prepare_dashboard
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.too_small import TooSmallScreen, notice
from paitui.ui.screens.workspaces import WorkspacesScreen
from tests.ui.conftest import demo_app, wait_until


@pytest.mark.parametrize("size", [(79, 23), (40, 10), (20, 5), (12, 3)])
async def test_the_too_small_notice_fits_the_terminal(size: tuple[int, int]) -> None:
    width, height = size
    app = demo_app(jobs=20)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen), what="the too-small notice")
        await pilot.pause()
        message = app.screen.query_one("#message", Static)
        lines = str(message.render()).splitlines()
        assert f"{width}×{height}" in "".join(lines)  # it always says how big the terminal is
        assert max(map(len, lines)) <= width and len(lines) <= height
        region = message.region  # drawn inside the screen, nothing cut at an edge
        assert region.x >= 0 and region.y >= 0 and region.right <= width and region.bottom <= height
        assert region.width >= max(map(len, lines)) and region.height >= len(lines)


def test_the_notice_says_the_most_that_fits() -> None:
    assert "Make the window larger (or press ctrl+q to quit)" in notice(79, 23)
    assert notice(40, 10).splitlines()[0] == "paitui needs at least 80×24; this"  # wrapped, not cut
    assert "ctrl+q" in notice(20, 5)
    assert notice(3, 1) == "3×1"


@pytest.mark.parametrize(("value", "monochrome"), [("1", True), ("", False)])
async def test_no_color_is_honoured_and_an_empty_one_is_not(monkeypatch: pytest.MonkeyPatch, value: str,
                                                            monochrome: bool) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert prepare_dashboard(os.environ) is None  # what `paitui` runs before building the app
    app = demo_app(jobs=20)
    async with app.run_test(size=(160, 48)):
        filters = [f for f in app.get_line_filters() if isinstance(f, Monochrome | NoColor)]
        assert app.no_color is monochrome and bool(filters) is monochrome


def test_a_dumb_terminal_cannot_run_the_dashboard() -> None:
    env = {"TERM": "dumb", "NO_COLOR": ""}
    assert "TERM=dumb" in (prepare_dashboard(env) or "")


async def settled(app: PaiTuiApp, pilot: Pilot) -> None:
    """The first view has loaded (switching region opens another: not a test of a screen popped mid-mount)."""
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs list")


async def workspaces_loaded(app: PaiTuiApp, pilot: Pilot) -> None:
    """A switch opens the workspaces of the new region; let it load before the test ends the app."""
    await wait_until(pilot, lambda: isinstance(app.screen, WorkspacesScreen) and app.screen.loaded,
                     what="workspaces list")


async def test_region_command_refuses_an_unknown_region_with_the_closest() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(app, pilot)
        message = app.switch_region("cn-sh")
        assert message is not None and "Did you mean cn-shanghai, cn-shenzhen or cn-shanghai-finance-1?" in message
        assert app.client.region == "cn-hangzhou"  # nothing switched
        assert app.switch_region("cn-shanghai") is None and app.client.region == "cn-shanghai"
        await workspaces_loaded(app, pilot)


async def test_region_command_accepts_any_name_when_every_endpoint_is_overridden() -> None:
    app = demo_app(jobs=20, endpoints={"*": "http://127.0.0.1:8899"})
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(app, pilot)
        assert app.switch_region("xx-lab-1") is None and app.client.region == "xx-lab-1"
        await workspaces_loaded(app, pilot)
        assert "does not look like" in (app.switch_region("cn-hangzhou/../evil") or "")


async def test_a_notice_resized_before_it_is_composed_does_not_crash() -> None:
    """Starting paitui in a 40×10 terminal pushed the notice and resized it in the same tick: NoMatches."""
    app = demo_app(jobs=20)
    async with app.run_test(size=(40, 10)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen), what="the too-small notice")
        fresh = TooSmallScreen()
        app.push_screen(fresh)
        fresh.update_size(30, 8)  # not composed yet
        await pilot.pause()
        assert "40×10" in str(fresh.query_one("#message", Static).render())  # on_mount drew the real size
