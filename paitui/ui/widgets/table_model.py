"""The data side of `ResourceTable`: rows by key and the filtered, sorted view of their keys.

No Textual here. Each row has a *version* that changes only when the row does, so the widget can
cache rendered lines per (key, version); filter results and sort values are cached per row too, so
a refresh that changes 1 % of the rows re-evaluates 1 % of them. Rebuilding the view is O(n) list
and dict work (a few ms for 10,000 rows) and only happens when membership or order can change.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from paitui.ui.widgets.table_columns import Column, sort_value

__all__ = ["RowStore", "sample"]

Row = Any
SAMPLE_HEAD = 50  # rows measured from the start of a load ...
SAMPLE_SPREAD = 50  # ... plus this many spread evenly over the rest


def sample(rows: Sequence[Row]) -> list[Row]:
    """The first rows plus an even spread: enough to size columns, O(1) in the row count."""
    head = list(rows[:SAMPLE_HEAD])
    if len(rows) > SAMPLE_HEAD:
        step = max(1, (len(rows) - SAMPLE_HEAD) // SAMPLE_SPREAD)
        head.extend(rows[SAMPLE_HEAD::step][:SAMPLE_SPREAD])
    return head


class RowStore:
    """Rows keyed by `key(row)` in arrival order, plus `view`: the visible keys, filtered then sorted."""

    def __init__(self, key: Callable[[Row], str]) -> None:
        self.key = key
        self.rows: dict[str, Row] = {}
        self.versions: dict[str, int] = {}
        self.predicate: Callable[[Row], bool] | None = None
        self.sort: tuple[Column, bool] | None = None
        self.view: list[str] = []
        self.positions: dict[str, int] = {}  # key -> index in view
        self._counter = itertools.count()
        self._matches: dict[str, bool] = {}  # only while a predicate is set
        self._sort_values: dict[str, Any] = {}  # only while sorted

    # ------------------------------------------------------------ updates (call rebuild() after)

    def replace(self, rows: Iterable[Row]) -> tuple[list[str], set[str]]:
        """Replace all rows; returns (keys new or changed, keys removed).

        A row equal to the one it replaces keeps its version, filter result and sort value.
        """
        old_rows, old_versions = self.rows, self.versions
        old_matches, old_values = self._matches, self._sort_values
        predicate, column = self.predicate, self.sort[0] if self.sort else None
        rows_by_key = {self.key(row): row for row in rows}
        versions: dict[str, int] = {}
        matches: dict[str, bool] = {}
        values: dict[str, Any] = {}
        fresh: list[str] = []
        for key, row in rows_by_key.items():
            old = old_rows.get(key, _MISSING)
            if old is row or (old is not _MISSING and _same(old, row)):
                versions[key] = old_versions[key]
                if predicate is not None:
                    matches[key] = old_matches[key]
                if column is not None:
                    values[key] = old_values[key]
                continue
            fresh.append(key)
            versions[key] = next(self._counter)
            if predicate is not None:
                matches[key] = bool(predicate(row))
            if column is not None:
                values[key] = sort_value(column, row)
        self.rows, self.versions, self._matches, self._sort_values = rows_by_key, versions, matches, values
        return fresh, set(old_rows).difference(rows_by_key)

    def apply(
        self, added: Iterable[Row], changed: Iterable[Row], removed: Iterable[str],
        order: Iterable[str] | None = None,
    ) -> tuple[list[str], list[str], bool]:
        """Apply a diff by key; returns (keys touched, keys removed, whether the view must be rebuilt).

        ``order`` is the new natural order of all keys (the service's, e.g. newest first): new rows take
        their place in it. Without it, new rows go to the end of the arrival order. Changed rows keep their
        place either way.
        """
        predicate, column = self.predicate, self.sort[0] if self.sort else None
        gone = [key for key in removed if key in self.rows]
        for key in gone:
            del self.rows[key], self.versions[key]
            self._matches.pop(key, None)
            self._sort_values.pop(key, None)
        reorder = bool(gone)
        touched: list[str] = []
        for row in itertools.chain(added, changed):
            key = self.key(row)
            reorder = reorder or key not in self.rows
            self.rows[key] = row
            self.versions[key] = next(self._counter)
            touched.append(key)
            if predicate is not None:
                match = bool(predicate(row))
                reorder = reorder or self._matches.get(key) != match
                self._matches[key] = match
            if column is not None:
                value = sort_value(column, row)
                reorder = reorder or self._sort_values.get(key) != value
                self._sort_values[key] = value
        if order is not None:
            rows = self.rows
            placed = {key: rows[key] for key in order if key in rows}
            if len(placed) < len(rows):  # keys the order does not name keep their arrival order, last
                placed.update((key, row) for key, row in rows.items() if key not in placed)
            if list(placed) != list(rows):
                self.rows, reorder = placed, True
        return touched, gone, reorder

    def set_predicate(self, predicate: Callable[[Row], bool] | None) -> None:
        self.predicate = predicate
        self._matches = {} if predicate is None else {k: bool(predicate(r)) for k, r in self.rows.items()}

    def set_sort(self, column: Column | None, reverse: bool = False) -> None:
        if column is None:
            self.sort, self._sort_values = None, {}
            return
        if self.sort is None or self.sort[0] is not column:
            self._sort_values = {key: sort_value(column, row) for key, row in self.rows.items()}
        self.sort = (column, reverse)

    # ------------------------------------------------------------ the view

    def rebuild(self) -> None:
        """Recompute `view` and `positions` from the cached filter results and sort values."""
        if self.predicate is None:
            keys = list(self.rows)
        else:
            keys = [key for key, match in self._matches.items() if match]
        if self.sort is not None:
            values, reverse = self._sort_values, self.sort[1]
            try:
                keys.sort(key=values.__getitem__, reverse=reverse)  # stable, also when reversed
            except TypeError:  # mixed value types in one column: fall back to text order
                keys.sort(key=lambda k: str(values[k]), reverse=reverse)
        self.view = keys
        self.positions = {key: index for index, key in enumerate(keys)}

    def nearest(self, old_view: Sequence[str], old_index: int, old_key: str | None) -> int:
        """Where a cursor that was on `old_key` (at `old_index` of `old_view`) belongs now: the same
        key if visible, else the next survivor of the old view, else the previous one; -1 if empty."""
        if not self.view:
            return -1
        positions = self.positions
        if old_key is not None:
            if old_key in positions:
                return positions[old_key]
            for key in itertools.islice(old_view, old_index + 1, None):
                if key in positions:
                    return positions[key]
            for key in reversed(old_view[: max(old_index, 0)]):
                if key in positions:
                    return positions[key]
        return 0


class _Missing:
    pass


_MISSING: Any = _Missing()


def _same(old: Row, new: Row) -> bool:
    try:
        return bool(old == new)
    except Exception:  # rows with an exotic __eq__: treat as changed
        return False
