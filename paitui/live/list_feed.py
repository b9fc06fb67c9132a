"""One list's live rows, as a screen shows them: the lister and its watch, the load state, the rows per status,
and what each poll means for the table.

A screen hands every ``PollResult`` to ``absorb`` and draws what comes back: every row anew (``Rows``: the
first full list, or a list without a diff), what changed (``Changes``), or why it failed (``Failed``: the
code for the header, whether it is new enough to tell, and the retry moment for "retrying in 4 s"). While a
long first list loads, ``early_rows`` says when to paint what has arrived: the first page at once, then each
time the count quadruples (1, 4, 16, 64 pages …), so rows appear in well under a second at the cost of a few
table rebuilds. ``local`` applies a change the cloud has just accepted (an action's answer) before the next
poll confirms it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from paitui.live.diff import RowDiff, diff_rows
from paitui.live.lister import Lister, Progress
from paitui.live.load_state import LoadState
from paitui.live.status_counts import StatusCounts
from paitui.live.watch import Governor, ListWatch, PollResult

PAINT_GROWTH = 4  # an early paint once the rows read have grown this many times since the last one


@dataclass(frozen=True, slots=True)
class Rows:
    """Show these rows, replacing every row shown; ``first``: the first full list of this query."""

    rows: list[Any]
    first: bool


@dataclass(frozen=True, slots=True)
class Changes:
    """Apply ``diff`` (possibly empty); ``rows`` has every row as it is now, keyed."""

    diff: RowDiff[Any]
    rows: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Failed:
    """The poll failed: ``code`` names the error, ``tell`` says it is new (worth a toast)."""

    code: str
    tell: bool


class ListFeed:
    """See the module notes. ``status(row)`` is what the counts count (``""`` for none); ``start`` gives
    the feed its lister and makes the watch."""

    lister: Lister[Any]
    watch: ListWatch[Any]

    def __init__(self, noun: str, status: Callable[[Any], str]) -> None:
        self.state = LoadState(noun)
        self.counts = StatusCounts(status)
        self._status = status
        self._painted = 0  # rows painted so far by a load still in progress
        self._counted: Mapping[str, Any] = {}  # the rows the counts are of

    def start(self, lister: Lister[Any], progress: Progress, *, interval: float,
              now: Callable[[], datetime], governor: Governor | None = None) -> ListWatch[Any]:
        """The watch that polls ``lister``, reporting each page read to ``progress``."""
        self.lister = lister
        self.watch = ListWatch(lambda: lister.fetch(progress), lister.key, status=lister.status,
                               interval=interval, now=now, governor=governor)
        return self.watch

    def restart(self) -> None:
        """The query changed (window, workspace …): forget what is held, load everything again."""
        self.lister.invalidate()
        self.state.restart()
        self._painted = 0
        self.watch.value = None

    def early_rows(self, loaded: int, total: int | None) -> list[Any] | None:
        """A page arrived during a load: the rows to paint now, or ``None`` (not yet, or none to show)."""
        self.state.progressed(loaded, total)
        if self.state.loaded or loaded < max(1, PAINT_GROWTH * self._painted):
            return None
        rows = self.lister.loading
        if rows is not None:
            self._painted = loaded
            self.counts.shown_changed()
        return rows

    def absorb(self, result: PollResult[Any]) -> Rows | Changes | Failed:
        """What the table shows after ``result`` (the watch's latest)."""
        self.counts.shown_changed()
        if not result.ok:
            return Failed(*self.state.failed(result.error, time.monotonic() + self.watch.next_delay()))
        first = not self.state.loaded
        self.state.succeeded(result.partial)
        by_key = result.value or {}
        diff = result.diff
        if first or diff is None:
            rows = list(by_key.values())
            self.counts.recount(rows)
            self._counted = by_key
            return Rows(rows, first)
        if not diff.empty:
            self.counts.apply(diff, self._counted.get, by_key)
        self._counted = by_key
        return Changes(diff, by_key)

    def local(self, key: Callable[[Any], str], changed: Iterable[Any] = (),
              removed: Iterable[str] = ()) -> RowDiff[Any] | None:
        """Take a change the cloud has just accepted as known: the watch's value moves too, so the next poll
        diffs against it (the row converges to whatever the cloud then says, Stopping → Stopped, and a row
        the cloud still shows unchanged goes back). The diff to draw, or ``None`` before the first list."""
        watch = self.watch
        if watch.value is None:
            return None
        old = watch.value
        new = dict(old)
        for row in changed:
            k = key(row)
            if k in new:
                new[k] = row
        gone = [k for k in removed if k in new]
        for k in gone:
            del new[k]
        diff = diff_rows(old, new, key, self._status)
        self.counts.apply(diff, old.get, new)
        self.counts.shown_changed()
        self._counted = watch.value = new
        if gone:
            self.lister.forget(gone)  # an incremental lister must not bring them back
        return diff
