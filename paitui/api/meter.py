"""The request meter: every attempt the client sends, counted per (product, operation), because PAI bills each.

The seeds bill per request, failed ones included, and every retry is a request of its own. ``PaiClient``
calls ``count`` once per attempt (the one place it records an attempt); that is a clock read and a few dict
increments, so the hot path does not notice it.

What is kept:

* since this process started: calls and failures per operation;
* per billing day: what earlier runs persisted (``history``, loaded by ``live.usage_store``) plus what this
  run counted and has not saved yet (``unsaved``); the month is the sum of its days;
* the last minute, in one-second buckets, for the rate.

The billing day is the calendar day in UTC+8 (China Standard Time): Alibaba Cloud cuts its bills by
Beijing time on both its China and international sites, so the monthly free calls reset at 00:00 UTC+8 on
the 1st, and "today" means the cloud's today, not the user's.

No Textual and no file access here: persistence is ``live.usage_store``'s (api does not import live).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

BILLING_TZ = timezone(timedelta(hours=8), "UTC+8")
RATE_WINDOW = 60  # seconds: "rate over the last minute"

Key = tuple[str, str]  # (product key, operation): ("flow", "ListPipelineRuns")
# per billing day "YYYY-MM-DD" -> "product.Operation" -> [calls, failed]
DayTally = dict[str, list[int]]
History = dict[str, DayTally]


def billing_day(epoch: float) -> str:
    """The billing day ("2026-12-05") of a moment given as POSIX seconds."""
    return datetime.fromtimestamp(epoch, BILLING_TZ).strftime("%Y-%m-%d")


def _next_day_start(epoch: float) -> float:
    day = datetime.fromtimestamp(epoch, BILLING_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return (day + timedelta(days=1)).timestamp()


def key_name(key: Key) -> str:
    return f"{key[0]}.{key[1]}"


def parse_key(name: str) -> Key:
    product, _, action = name.partition(".")
    return product, action


@dataclass(frozen=True, slots=True)
class OperationUsage:
    """One operation's counts, as the ``:requests`` view and ``paitui requests`` show them."""

    product: str
    action: str
    since_start: int
    failed_since_start: int
    today: int
    failed_today: int
    month: int
    month_before_today: int  # this month's calls on the days before today (free calls they used up)
    last_minute: int


class RequestMeter:
    """Counts request attempts; ``clock`` is POSIX seconds (tests drive it by hand)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.started_at = clock()
        self.calls: dict[Key, int] = {}  # since start
        self.failed: dict[Key, int] = {}
        self.history: History = {}  # persisted days (this run's saves included once saved)
        self.unsaved: History = {}  # counted by this run, not yet persisted
        self.saving: History = {}  # taken by a save that has not finished (still counted when reading)
        self._day = ""
        self._day_ends = 0.0
        self._today: DayTally = {}
        self._recent: deque[tuple[int, dict[Key, int]]] = deque()  # (second, counts) for the last minute
        self._roll(self.started_at)

    def now(self) -> float:
        return self._clock()

    # --- counting (the hot path) ---

    def count(self, product: str, action: str, *, failed: bool = False) -> None:
        """One attempt of ``action`` was sent (``failed``: it did not answer a success)."""
        now = self._clock()
        if now >= self._day_ends:
            self._roll(now)
        key = (product, action)
        self.calls[key] = self.calls.get(key, 0) + 1
        name = f"{product}.{action}"
        cell = self._today.get(name)
        if cell is None:
            cell = self._today[name] = [0, 0]
        cell[0] += 1
        if failed:
            cell[1] += 1
            self.failed[key] = self.failed.get(key, 0) + 1
        second = int(now)
        recent = self._recent
        if not recent or recent[-1][0] != second:
            recent.append((second, {}))
            while recent[0][0] <= second - RATE_WINDOW:
                recent.popleft()
        bucket = recent[-1][1]
        bucket[key] = bucket.get(key, 0) + 1

    def _roll(self, now: float) -> None:
        """A new billing day: further counts go to its tally."""
        self._day = billing_day(now)
        self._day_ends = _next_day_start(now)
        self._today = self.unsaved.setdefault(self._day, {})

    # --- persistence hand-off (``live.usage_store``) ---

    def take_unsaved(self) -> History:
        """What this run counted since the last save, for a save to write; until ``absorb`` (the save
        succeeded) or ``restore`` (it failed) it is still counted, as ``saving``."""
        taken = {day: tally for day, tally in self.unsaved.items() if tally}
        self.saving = taken
        self.unsaved = {}
        self._today = self.unsaved.setdefault(self._day, {})
        return taken

    def restore(self, taken: History) -> None:
        """A save failed: its counts go back to ``unsaved`` so the next save carries them."""
        for day, tally in taken.items():
            merge_day(self.unsaved.setdefault(day, {}), tally)
        self.saving = {}
        self._today = self.unsaved.setdefault(self._day, {})

    def absorb(self, history: History) -> None:
        """The persisted history (every run's saves of the kept days), as read at start or just written
        (which includes what was being saved)."""
        self.history = history
        self.saving = {}

    # --- reading ---

    def today(self) -> str:
        now = self._clock()
        if now >= self._day_ends:
            self._roll(now)
        return self._day

    def rate_last_minute(self) -> int:
        """Attempts in the last ``RATE_WINDOW`` seconds, every operation."""
        floor = int(self._clock()) - RATE_WINDOW
        return sum(sum(bucket.values()) for second, bucket in self._recent if second > floor)

    def total_today(self) -> int:
        day = self.today()
        return sum(cell[0] for cell in _day_cells(day, self.history, self.saving, self.unsaved))

    def usage(self) -> list[OperationUsage]:
        """Every operation counted since start or this month, busiest first."""
        day = self.today()
        month = day[:7]
        floor = int(self._clock()) - RATE_WINDOW
        minute: dict[Key, int] = {}
        for second, bucket in self._recent:
            if second > floor:
                for key, count in bucket.items():
                    minute[key] = minute.get(key, 0) + count
        today: dict[Key, list[int]] = {}
        before: dict[Key, int] = {}
        for source in (self.history, self.saving, self.unsaved):
            for when, tally in source.items():
                if when[:7] != month or when > day:
                    continue
                for name, cell in tally.items():
                    key = parse_key(name)
                    if when == day:
                        slot = today.setdefault(key, [0, 0])
                        slot[0] += cell[0]
                        slot[1] += cell[1]
                    else:
                        before[key] = before.get(key, 0) + cell[0]
        keys = set(self.calls) | set(today) | set(before)
        rows = [OperationUsage(product, action, self.calls.get((product, action), 0),
                               self.failed.get((product, action), 0),
                               today.get((product, action), [0, 0])[0], today.get((product, action), [0, 0])[1],
                               today.get((product, action), [0, 0])[0] + before.get((product, action), 0),
                               before.get((product, action), 0), minute.get((product, action), 0))
                for product, action in keys]
        return sorted(rows, key=lambda r: (-r.month, -r.since_start, r.product, r.action))


def _day_cells(day: str, *sources: Mapping[str, DayTally]) -> Iterable[list[int]]:
    for source in sources:
        yield from source.get(day, {}).values()


def merge_day(into: DayTally, extra: Mapping[str, list[int]]) -> None:
    for name, cell in extra.items():
        slot = into.setdefault(name, [0, 0])
        slot[0] += int(cell[0])
        slot[1] += int(cell[1])
