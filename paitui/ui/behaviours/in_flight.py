"""The resources an action is being sent to: the guard against sending the same thing twice.

One per app (``PaiTuiApp.in_flight``): every screen's action flow claims its targets there, and quitting asks
first while anything is claimed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paitui.live.actions import Target


class InFlight:
    """Resources an action is running on, keyed by (kind, id)."""

    def __init__(self) -> None:
        self.keys: set[tuple[str, str]] = set()

    def claim(self, targets: Sequence[Target]) -> list[Target]:
        """Claim the targets; returns those already claimed (and claims nothing) if there are any."""
        taken = [t for t in targets if (t.kind, t.id) in self.keys]
        if not taken:
            self.keys |= {(t.kind, t.id) for t in targets}
        return taken

    def release(self, targets: Iterable[Target]) -> None:
        self.keys -= {(t.kind, t.id) for t in targets}

    def busy(self, target: Target) -> bool:
        return (target.kind, target.id) in self.keys
