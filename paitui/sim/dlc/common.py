"""What every pai-dlc handler does first: bring the product state up to the call's simulated moment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState
    from paitui.sim.routing import Call


def ctx(call: Call) -> tuple[DlcState, float]:
    """The product state and ``now`` (epoch seconds); jobs submitted since the last call are materialised."""
    dlc: DlcState = call.world.dlc
    now = call.now.timestamp()
    dlc.sync(now)
    return dlc, now
