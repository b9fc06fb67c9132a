"""Pacing of CPython's garbage collection while a long list loads.

A full (oldest-generation) pass walks every tracked object. A parsed DLC job is ~30 of them (pydantic
models, their field sets, lists), so a 10,000-job list holds ~0.3 M, and CPython starts a full pass each time
the objects promoted since the last one exceed a quarter of the old heap. Loading that list from empty did
so five times over a growing heap: 1.5 s of a 3.5 s load (measured with ``tests/bench/bench_dashboard.py``).

Like Textual's ``PAUSE_GC_ON_SCROLL``, ``paced_collection`` holds the older generations while a bulk load
runs. The youngest still runs, so the short-lived cycles each request leaves are freed as before, while
everything the load keeps waits in the middle generation. That matters for re-lists too: a lister that keeps
its held object for an unchanged row drops the fresh copy there, before it could be promoted and count
towards the next full pass. When the last hold ends, the collector does at once what it would do at its next
young pass: promote the survivors, plus the one full pass its own rule calls for if the load grew the heap
by more than a quarter, now rather than at some keystroke later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

HELD = 1 << 30  # a threshold no load reaches: the younger generation's passes never escalate while held

_holds = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def paced_collection() -> Iterator[None]:
    """Hold the older generations for the duration of the block; nested and concurrent holds count, and
    only the last one to end restores the thresholds and settles (see ``settle``)."""
    global _holds, _saved
    if _holds == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], HELD, HELD)
    _holds += 1
    try:
        yield
    finally:
        _holds -= 1
        if _holds == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            _saved = None
            settle()


def settle() -> int:
    """Run the collection a load deferred: the young generations, or everything when the objects waiting
    there exceed a quarter of the old generation (CPython's own rule for a full pass, measured on
    generation sizes). Returns the generation collected; 0 when the load was too small for CPython to have
    run a middle-generation pass (nothing was held back, and counting the heap would cost more than the
    load); -1 when collection is off (Textual pauses it during smooth scrolling)."""
    if not gc.isenabled():
        return -1
    if gc.get_count()[1] <= gc.get_threshold()[1]:
        return 0
    young = len(gc.get_objects(0)) + len(gc.get_objects(1))
    generation = 2 if young > len(gc.get_objects(2)) // 4 else 1
    gc.collect(generation)
    return generation


def holding() -> bool:
    """Whether a bulk load is holding the older generations now."""
    return _holds > 0


def pause_for_startup() -> None:
    """Switch the collector off while the dashboard starts (the CLI calls this first; ``freeze_startup``
    switches it back on). What a start allocates (the modules, the client, the simulated world) lives as
    long as the process, so the passes CPython would run over it meanwhile free nothing and cost about a
    fifth of a demo start (measured: 0 unreachable objects left at its end with the collector on)."""
    gc.disable()


def freeze_startup() -> None:
    """Move what exists before the app starts out of the collector's sight (``gc.freeze``), then switch
    collection on: the imported modules, the client and, in demo mode, the simulated world (~0.2 M objects
    for 26,000 jobs) and the app object live as long as the process, and each later full pass would walk them
    again. Called once by the CLI once the app is built and before it runs, never by tests: a frozen object
    that later became garbage inside a cycle would never be freed, so nothing that comes and goes (screens,
    widgets) may exist yet. No full
    pass first: after ``pause_for_startup`` the only garbage is a few import-time cycles (~1,400 objects in a
    demo start), cheaper to keep than the 40-70 ms a pass over the whole startup heap costs."""
    gc.freeze()
    gc.enable()
