"""Leave right after the first frame, or the first rows: how tests see what a start has loaded by then.

With ``PAITUI_EXIT_AFTER_FIRST_FRAME=1`` in the environment the dashboard runs ``exit_after_first_frame`` as
its auto-pilot (``paitui.cli``), as the start benchmark's bare Textual app can: it leaves once the first
screen's mount, compose and layout messages are handled and the next refresh has painted it. Data still on
its way (a list's first page, at a deferred start the backend itself) is not waited for. With ``=rows`` it
leaves once the screen on top has shown its first rows (``exit_after_first_rows``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

ENV = "PAITUI_EXIT_AFTER_FIRST_FRAME"
ROWS = "rows"
ROWS_TIMEOUT = 60.0  # seconds: a start that shows no rows by then leaves anyway (the caller sees none)


async def exit_after_first_frame(pilot: Pilot[Any]) -> None:
    await pilot.pause()  # the first screen's pending messages handled (mounted, composed, laid out)
    pilot.app.call_after_refresh(pilot.app.exit)  # exit once that screen has been painted


async def exit_after_first_rows(pilot: Pilot[Any]) -> None:
    app = pilot.app
    waited = 0.0
    # a list screen marks its first rows (``ResourceListScreen.first_rows_at``); polled, as the rows come
    # from a worker the pilot cannot await
    while getattr(app.screen, "first_rows_at", None) is None and waited < ROWS_TIMEOUT:
        await pilot.pause(0.02)
        waited += 0.02
    app.call_after_refresh(app.exit)


def auto_pilot(value: str) -> Any:
    """The auto-pilot the environment's value asks for."""
    return exit_after_first_rows if value == ROWS else exit_after_first_frame
