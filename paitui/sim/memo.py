"""A bounded cache of values derived from one record (a job, a run), owned by the world that holds the record.

A value is valid while the record is the same object and its ``stamp`` (``job.rev``, or ``(rev, phase)`` for
forms that change with the phase) is unchanged; the oldest entries are dropped beyond ``size``. Module-level
caches would be shared by every world in the process and grow with all of them (issue 12), so each product
state owns its caches and they go away with it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class RecordCache(Generic[V]):
    """Least recently used first out; ``get``/``put`` are O(1)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a cache holds at least one entry")
        self.size = size
        self._data: OrderedDict[str, tuple[object, Hashable, V]] = OrderedDict()

    def get(self, key: str, record: object, stamp: Hashable) -> V | None:
        entry = self._data.get(key)
        if entry is None or entry[0] is not record or entry[1] != stamp:
            return None
        self._data.move_to_end(key)
        return entry[2]

    def put(self, key: str, record: object, stamp: Hashable, value: V) -> V:
        self._data[key] = (record, stamp, value)
        self._data.move_to_end(key)
        if len(self._data) > self.size:
            self._data.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()
