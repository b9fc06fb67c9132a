"""Rows per status for a list's summary bar, kept up to date by diff rather than recounted every poll.

A 10,000-row list polled every few seconds changes a handful of rows per tick: moving the counts by the
diff costs that handful, a recount costs 10,000 status reads. Under a view or a filter the summary counts
the rows *shown*, which the table knows; those are counted once per change of what is shown and cached.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from paitui.live.diff import RowDiff


class StatusCounts:
    """How many rows have each status (``status(row)`` says it, ``""`` for none), all rows and shown ones."""

    def __init__(self, status: Callable[[Any], str]) -> None:
        self._status = status
        self._all: Counter[str] = Counter()
        self._shown: Counter[str] | None = None

    @property
    def all(self) -> Counter[str]:
        """Every row's status, statuses at zero dropped."""
        return self._all

    @property
    def total(self) -> int:
        return sum(self._all.values())

    def recount(self, rows: Iterable[Any]) -> None:
        """Count these rows afresh (a first or full list)."""
        self._all = Counter(self._status(row) for row in rows)
        self._shown = None

    def apply(self, diff: RowDiff[Any], old: Callable[[str], Any | None], new: Mapping[str, Any]) -> None:
        """Move the counts by what changed: ``old(key)`` is a row as it was counted (``None``: never was),
        ``new`` has every added and changed row as it is now."""
        counts = self._all
        for key in diff.removed:
            before = old(key)
            if before is not None:
                counts[self._status(before)] -= 1
        for key in diff.added:
            counts[self._status(new[key])] += 1
        for key in diff.changed:
            before = old(key)
            if before is not None:
                counts[self._status(before)] -= 1
            counts[self._status(new[key])] += 1
        self._all = +counts  # drop statuses that reached zero
        self._shown = None

    def shown_changed(self) -> None:
        """Which rows are shown changed (a filter, a view, new rows): count them again when next asked."""
        self._shown = None

    def of_shown(self, shown: Callable[[], Iterable[Any]] | None) -> Counter[str]:
        """The counts of the rows shown: ``shown`` gives them, or is ``None`` when every row is shown."""
        if shown is None:
            return self._all
        if self._shown is None:
            self._shown = Counter(self._status(row) for row in shown())
        return self._shown
