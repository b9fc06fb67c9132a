"""Errors are named in words on screen — the header's stale badge and the error toasts — never by class name."""

from __future__ import annotations

import pytest

from paitui.sim.faults import FaultPlan
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.widgets.header import TopBar, stale_words
from tests.ui.conftest import SIZE, demo_app, wait_until

CLASS_NAMES = ("NetworkError", "TimeoutError_", "MalformedResponseError", "RemoteProtocolError", "Error_")


def test_stale_words_put_words_before_a_code() -> None:
    assert stale_words("Throttling.User") == "throttled · Throttling.User"
    assert stale_words("InternalError") == "InternalError"  # a 5xx code the rules place by status only
    assert stale_words("Forbidden.RAM") == "access denied · Forbidden.RAM"
    assert stale_words("timed out") == "timed out" and stale_words("") == "refresh failing"


@pytest.mark.parametrize(("fault", "words"), [("drop=1", "network error"), ("malformed=1", "unreadable answer"),
                                               ("throttle=1", "throttled · Throttling.User")])
async def test_the_stale_badge_and_toast_name_the_error_in_words(fault: str, words: str) -> None:
    app = demo_app(jobs=60, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        app.backend.sim_app.faults = FaultPlan.parse(f"ListJobs:{fault}", seed=1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is not None and app._notifications, what="stale")
        app.backend.sim_app.faults = None
        badges = str(app.screen.query_one(TopBar).query_one("#badges").render())
        assert f"({words})" in badges, badges
        shown = [badges, *(f"{n.title} {n.message}" for n in app._notifications)]
        assert not any(name in text for name in CLASS_NAMES for text in shown), shown
