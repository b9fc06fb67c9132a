"""Pacing of CPython's full garbage collection while a long list loads.

A full (oldest-generation) pass walks every tracked object. A parsed DLC job is ~30 of them (pydantic
models, their field sets, lists), so a 10,000-job list holds ~0.3 M, and CPython starts a full pass each time
the objects promoted since the last one exceed a quarter of the old heap. Loading that list from empty does
so five times over a growing heap: 1.5 s of a 3.5 s load (measured with ``tests/bench/bench_dashboard.py``).

Like Textual's ``PAUSE_GC_ON_SCROLL``, ``paced_collection`` holds full passes while a bulk load runs. The
young generations still run, so the short-lived cycles each request leaves are freed as before. When the last
hold ends the thresholds come back, and CPython applies its own rule at its next young pass (a few thousand
allocations later): at most one walk of the heap per load instead of one per 25 % of growth.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

HELD = 1 << 30  # an oldest-generation threshold no load reaches: gen1 passes never escalate to a full one

_holds = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def paced_collection() -> Iterator[None]:
    """Hold full collections for the duration of the block; nested and concurrent holds count, and only the
    last one to end restores the thresholds."""
    global _holds, _saved
    if _holds == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], HELD)
    _holds += 1
    try:
        yield
    finally:
        _holds -= 1
        if _holds == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            _saved = None


def holding() -> bool:
    """Whether a bulk load is holding full collections now."""
    return _holds > 0
