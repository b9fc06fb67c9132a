"""Watches: pollers the UI drives. One fetch per ``poll()``; the result says what changed and whether the data
is stale; ``next_delay()`` says when to poll again (backing off while the service fails).

* ``ListWatch`` — a list (jobs, runs …): the value is an ordered ``{key: row}``, each result carries a
  ``RowDiff`` against the previous good list. A list is never done.
* ``DetailWatch`` — one object: done once a successful fetch shows it in a terminal state (that fetch was
  the last one needed: a finished job does not change). A later explicit ``poll()`` re-evaluates, so a
  PAIFlow run that is re-run becomes live again. ``NotFoundError`` means the object was deleted: ``gone``
  and done.
* ``run(watch, on_result)`` — the loop a UI worker runs: poll, report, sleep ``next_delay()``; waits while
  paused, wakes early on ``refresh()``, ends when done or cancelled.

A ``PaiError`` never escapes ``poll()``: the last good value stays, the error and ``stale_since`` are set and
the next delay grows. Any other exception is a bug and propagates.

Every delay is stretched by the watch's governor, the app's request budget (``governor=``, ``live.budget``):
when the request rate nears its cap or the day's request budget is spent, every list and detail watch polls less often.

A list fetch may succeed *partially* (some pages failed, see ``paging``): the poll is ok and its rows are
applied, ``partial`` says what is missing, and the next delay backs off as for a failure, since the next
poll is a retry of the missing pages.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from paitui.api.errors import NotFoundError, PaiError
from paitui.live.diff import RowDiff, diff_rows, index_rows
from paitui.live.paging import Partial, partial_of

T = TypeVar("T")
V = TypeVar("V")

MAX_BACKOFF = 60.0  # seconds: even a long outage is re-checked once a minute
MAX_GOVERNED = 900.0  # seconds: however slowed, a watch still polls every 15 minutes
Sleep = Callable[[float], Awaitable[None]]


class Governor(Protocol):
    def factor(self) -> float:
        """What polling intervals are multiplied by now (1: not slowed)."""
        ...


def governed(delay: float, governor: Governor | None) -> float:
    """``delay`` stretched by the governor's factor (never shortened, at most ``MAX_GOVERNED``)."""
    factor = governor.factor() if governor is not None else 1.0
    return delay if factor <= 1 else max(delay, min(delay * factor, MAX_GOVERNED))


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PollResult(Generic[V]):
    """What one poll produced. ``value`` is the last good value (also after a failure)."""

    ok: bool
    value: V | None
    at: datetime  # when the poll finished (the watch's clock)
    error: PaiError | None = None
    changed: bool = False  # the value differs from the previous good one (always True on the first success)
    diff: RowDiff[Any] | None = None  # list watches, on success
    stale_since: datetime | None = None  # first failure of the current failure streak
    failures: int = 0  # consecutive failures
    done: bool = False
    partial: Partial | None = None  # list watches: the rows are what arrived of a listing with failed pages

    @property
    def stale(self) -> bool:
        return self.stale_since is not None


class Watch(Generic[V]):
    """Shared state machine; subclasses say how a fetched value is stored and when it is final."""

    def __init__(self, fetch: Callable[[], Awaitable[Any]], *, interval: float,
                 now: Callable[[], datetime] = _utcnow, max_backoff: float = MAX_BACKOFF,
                 governor: Governor | None = None) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._fetch = fetch
        self.governor = governor  # the request budget of the app this watch polls for (live.budget)
        self.interval = interval
        self.max_backoff = max(max_backoff, interval)
        self._now = now
        self.value: V | None = None
        self.error: PaiError | None = None
        self.last_ok: datetime | None = None
        self.stale_since: datetime | None = None
        self.failures = 0
        self.partial: Partial | None = None
        self.partial_streak = 0  # consecutive polls that answered a partial list
        self.polls = 0
        self.done = False
        self._running = asyncio.Event()  # set = not paused
        self._running.set()
        self._wake = asyncio.Event()
        self._polling = asyncio.Lock()  # one fetch at a time: a lister is not safe for two at once

    # --- pause / refresh ---

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @paused.setter
    def paused(self, value: bool) -> None:
        if value:
            self._running.clear()
        else:
            self._running.set()

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        """Unpause (the screen is visible again). Data older than one interval is fetched at once; younger data
        waits for its turn, so going back and forth between screens costs no requests."""
        self.paused = False
        if self.due():
            self.refresh()

    def due(self) -> bool:
        """Whether a fetch is due now: nothing fetched yet, or the last good data is at least one interval old
        (by the watch's clock). Not while a fetch is running: its answer is the fresh data."""
        if self._polling.locked():
            return False
        return self.last_ok is None or (self._now() - self.last_ok).total_seconds() >= self.interval

    def refresh(self) -> None:
        """Cut the current wait short: ``run`` polls now (the user asked for fresh data)."""
        self._wake.set()

    async def wait_unpaused(self) -> None:
        await self._running.wait()

    # --- polling ---

    async def poll(self) -> PollResult[V]:
        """Fetch once. Never raises ``PaiError``: a failure is reported in the result. A poll asked for while
        another is running (``r`` on a paused screen) waits for it, then fetches."""
        async with self._polling:
            return await self._poll()

    async def _poll(self) -> PollResult[V]:
        self.polls += 1
        try:
            raw = await self._fetch()
        except PaiError as error:
            return self._failed(error)
        at = self._now()
        changed, diff = self._absorb(raw)
        self.error = None
        self.stale_since = None
        self.failures = 0
        self.last_ok = at
        self.partial = partial_of(raw)
        self.partial_streak = self.partial_streak + 1 if self.partial is not None else 0
        return PollResult(True, self.value, at, changed=changed, diff=diff, done=self.done, partial=self.partial)

    def _failed(self, error: PaiError) -> PollResult[V]:
        at = self._now()
        self.error = error
        self.failures += 1
        if self.stale_since is None:
            self.stale_since = at
        self._on_error(error)
        return PollResult(False, self.value, at, error=error, stale_since=self.stale_since,
                          failures=self.failures, done=self.done)

    def next_delay(self) -> float:
        """Seconds until the next poll: ``interval`` when healthy; doubling per consecutive failure up to
        ``max_backoff``; at least the server's ``retry_after`` when it asked for one; all of it stretched
        while the request budget slows polling (``governed``)."""
        return governed(self._delay(), self.governor)

    def _delay(self) -> float:
        if self.failures == 0 and self.partial_streak == 0:
            return self.interval
        if self.failures:
            streak, error = self.failures, self.error
        else:  # a partial list: the next poll retries the missing pages, as gently as after a failure
            streak, error = self.partial_streak, self.partial.error if self.partial is not None else None
        if not self.failures:
            streak -= 1  # the first retry of missing pages comes after one interval
        delay = min(self.max_backoff, self.interval * 2 ** streak)
        retry_after = error.retry_after if error is not None else None
        if retry_after is not None and retry_after > delay:
            delay = retry_after  # the server knows better than our guess
        return delay

    # --- subclass hooks ---

    def _absorb(self, raw: Any) -> tuple[bool, RowDiff[Any] | None]:
        raise NotImplementedError

    def _on_error(self, error: PaiError) -> None:
        """React to a failure beyond the common bookkeeping (default: nothing)."""


class ListWatch(Watch[dict[str, T]]):
    """Polls a list; ``value`` is ``{key: row}`` in the fetched order."""

    def __init__(self, fetch: Callable[[], Awaitable[Iterable[T]]], key: Callable[[T], str | None], *,
                 status: Callable[[T], object] | None = None, interval: float = 5.0,
                 now: Callable[[], datetime] = _utcnow, max_backoff: float = MAX_BACKOFF,
                 governor: Governor | None = None) -> None:
        super().__init__(fetch, interval=interval, now=now, max_backoff=max_backoff, governor=governor)
        self.key = key
        self.status = status

    @property
    def rows(self) -> list[T]:
        return list((self.value or {}).values())

    def _absorb(self, raw: Iterable[T]) -> tuple[bool, RowDiff[Any] | None]:
        new = index_rows(raw, self.key)
        diff = diff_rows(self.value or {}, new, self.key, self.status)
        first = self.value is None
        self.value = new
        return first or bool(diff), diff


class DetailWatch(Watch[T]):
    """Polls one object until it is terminal (``is_terminal(value)``) or deleted (``gone``)."""

    def __init__(self, fetch: Callable[[], Awaitable[T]], is_terminal: Callable[[T], bool], *,
                 interval: float = 2.0, now: Callable[[], datetime] = _utcnow,
                 max_backoff: float = MAX_BACKOFF, governor: Governor | None = None) -> None:
        super().__init__(fetch, interval=interval, now=now, max_backoff=max_backoff, governor=governor)
        self.is_terminal = is_terminal
        self.gone = False

    def reopen(self) -> None:
        """Poll again after being done (the user asked for a refresh of a finished job): the next poll
        re-evaluates whether the object is terminal."""
        self.done = False

    def _absorb(self, raw: T) -> tuple[bool, RowDiff[Any] | None]:
        changed = self.value is None or raw != self.value
        self.value = raw
        self.gone = False
        self.done = bool(self.is_terminal(raw))
        return changed, None

    def _on_error(self, error: PaiError) -> None:
        # InvalidAction.NotFound is a 404 too, but about the API, not the object: not a deletion
        if isinstance(error, NotFoundError) and not (error.code or "").startswith("InvalidAction"):
            self.gone = True
            self.done = True  # deleted: polling again cannot bring it back


OnResult = Callable[[PollResult[Any]], "Awaitable[None] | None"]


async def run(watch: Watch[Any], on_result: OnResult, sleep: Sleep = asyncio.sleep) -> None:
    """Poll ``watch`` until it is done or the task is cancelled; ``on_result`` may be sync or async."""
    while not watch.done:
        await watch.wait_unpaused()
        watch._wake.clear()
        result = await watch.poll()
        outcome = on_result(result)
        if inspect.isawaitable(outcome):
            await outcome
        if watch.done:
            return
        await _wait(watch, watch.next_delay(), sleep)


async def _wait(watch: Watch[Any], delay: float, sleep: Sleep) -> None:
    """Sleep ``delay`` unless ``refresh()`` comes first."""
    if watch._wake.is_set():
        return
    sleeper = asyncio.ensure_future(sleep(delay))
    waker = asyncio.ensure_future(watch._wake.wait())
    try:
        await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # the loser is cancelled, not awaited: awaiting it could swallow a cancellation aimed at us
        sleeper.cancel()
        waker.cancel()
