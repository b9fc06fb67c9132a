"""Leave right after the first frame: how ``tests/bench/bench_start.py`` times "start to first frame".

With ``PAITUI_EXIT_AFTER_FIRST_FRAME=1`` in the environment the dashboard runs ``exit_after_first_frame`` as
its auto-pilot (``paitui.cli``); the benchmark's bare Textual app runs the same one, so both stop at the same
point: the app is ready, the first screen's mount, compose and layout messages are handled, and the next
refresh has painted it. Data still on its way (a list's first page) is not waited for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

ENV = "PAITUI_EXIT_AFTER_FIRST_FRAME"


async def exit_after_first_frame(pilot: Pilot[Any]) -> None:
    await pilot.pause()  # the first screen's pending messages handled (mounted, composed, laid out)
    pilot.app.call_after_refresh(pilot.app.exit)  # exit once that screen has been painted
