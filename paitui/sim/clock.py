"""The simulated cloud's clock: real time times a speed factor, or manual for tests (no test sleeps)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

# Worlds made for tests start here so that every timestamp is reproducible.
DEFAULT_EPOCH = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


class SimClock:
    """``now()`` = start + elapsed real time × speed + manual offset.

    A manual clock (``SimClock.manual()``) never moves by itself; tests move it with ``advance``.
    """

    def __init__(self, start: datetime | None = None, *, speed: float = 1.0, manual: bool = False) -> None:
        self._start = (start or datetime.now(UTC)).astimezone(UTC)
        self._speed = speed
        self._manual = manual
        self._t0 = time.monotonic()
        self._offset = 0.0

    @classmethod
    def manual(cls, start: datetime = DEFAULT_EPOCH) -> SimClock:
        return cls(start, manual=True)

    @property
    def speed(self) -> float:
        return 0.0 if self._manual else self._speed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed())

    def elapsed(self) -> float:
        """Seconds of simulated time since the clock started."""
        real = 0.0 if self._manual else (time.monotonic() - self._t0) * self._speed
        return real + self._offset

    def advance(self, seconds: float) -> datetime:
        self._offset += seconds
        return self.now()
