"""Row diffs between two polls of a list, keyed by resource id: what a table must add, update and remove.

Equality is the model's ``==`` (pydantic compares every field, extras included), so any change the server
makes to a row — not only its status — marks it changed. One pass over each side: O(n).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class RowDiff(Generic[T]):
    """Keys are in the new list's order (``added``/``changed``) or the old one's (``removed``)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    status_changes: dict[str, tuple[object, object]] = field(default_factory=dict)  # key -> (old, new)
    order_changed: bool = False  # the surviving keys come in another order than before

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.order_changed)

    def __bool__(self) -> bool:
        return not self.empty

    def summary(self) -> str:
        return f"+{len(self.added)} ~{len(self.changed)} -{len(self.removed)}"


def index_rows(rows: Iterable[T], key: Callable[[T], str | None]) -> dict[str, T]:
    """Rows as an insertion-ordered dict by key; rows without a key are skipped, a repeated key keeps the last."""
    out: dict[str, T] = {}
    for row in rows:
        k = key(row)
        if k:
            out[k] = row
    return out


def diff_rows(old: Mapping[str, T], new: Iterable[T] | Mapping[str, T], key: Callable[[T], str | None],
              status: Callable[[T], object] | None = None) -> RowDiff[T]:
    """Compare the previous rows (by key) with the new rows.

    ``status`` extracts a row's status; when given, ``status_changes`` lists the changed rows whose status
    moved, with ``(old, new)``.
    """
    current = new if isinstance(new, Mapping) else index_rows(new, key)
    diff: RowDiff[T] = RowDiff()
    survivors: list[str] = []
    for k, row in current.items():
        if k not in old:
            diff.added.append(k)
            continue
        before = old[k]
        survivors.append(k)
        if before is not row and before != row:  # listers hand back unchanged rows as the same object
            diff.changed.append(k)
            if status is not None:
                was, now = status(before), status(row)
                if was != now:
                    diff.status_changes[k] = (was, now)
    diff.removed = [k for k in old if k not in current]
    kept_before = [k for k in old if k in current]
    diff.order_changed = kept_before != survivors
    return diff


def apply_diff(old: Mapping[str, T], new: Mapping[str, T], diff: RowDiff[T]) -> dict[str, T]:
    """Rebuild the new rows from ``old`` plus what ``diff`` names (the inverse the tests check)."""
    gone = set(diff.removed)
    out = {k: v for k, v in old.items() if k not in gone}
    for k in (*diff.added, *diff.changed):
        out[k] = new[k]
    return out
