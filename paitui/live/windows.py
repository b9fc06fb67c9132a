"""Creation-time windows for the list screens (DLC ListJobs, ListTensorboards): ``1d``, ``7d``, ``30d``, ``all``.

ListJobs silently returns only jobs created in the last 7 days when neither ``StartTime`` nor ``EndTime``
is sent (docs/WIRE.md §6.1, §9.3). "all" therefore cannot mean "send nothing": it sends an explicit, very early
``StartTime`` (before PAI-DLC existed) and ``EndTime`` = now. Every window sends both bounds, so what the
screen says is exactly what the server filters on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

WindowName = Literal["1d", "7d", "30d", "all"]
WINDOWS: tuple[WindowName, ...] = ("1d", "7d", "30d", "all")
DEFAULT_WINDOW: WindowName = "7d"
# earlier than any PAI resource; a fixed date (not datetime.min) so the wire value is an ordinary timestamp
ALL_START = datetime(2018, 1, 1, tzinfo=UTC)

_SPANS: dict[str, timedelta] = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def window_bounds(name: str, now: datetime) -> tuple[datetime, datetime]:
    """``(StartTime, EndTime)`` for a window; ``ValueError`` for a name not in ``WINDOWS``."""
    if name == "all":
        return ALL_START, now
    span = _SPANS.get(name)
    if span is None:
        raise ValueError(f"unknown time window {name!r}; choose one of {', '.join(WINDOWS)}")
    return now - span, now


def next_window(name: str) -> WindowName:
    """The window after ``name`` in ``WINDOWS`` (wrapping), for a key that cycles through them."""
    index = WINDOWS.index(name) if name in WINDOWS else -1
    return WINDOWS[(index + 1) % len(WINDOWS)]


def wire_time(moment: datetime) -> str:
    """ISO-8601 UTC without fractions, the form ListJobs takes (``2021-01-12T14:35:01Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
