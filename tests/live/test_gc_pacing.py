"""Full garbage collections are held while a long list loads, and the collector's settings come back after."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from paitui.live import gc_pacing
from paitui.live.gc_pacing import HELD, holding, paced_collection, settle
from paitui.live.listers import JobLister, RunLister
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_listers import WS, sim_client


def test_a_hold_raises_the_older_thresholds_and_restores_them() -> None:
    before = gc.get_threshold()
    with paced_collection():
        assert holding()
        assert gc.get_threshold() == (before[0], HELD, HELD)  # the youngest still collects
    assert not holding()
    assert gc.get_threshold() == before


def test_nested_holds_restore_once_the_last_one_ends_even_on_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), paced_collection():
        with paced_collection():
            pass
        assert gc.get_threshold()[2] == HELD  # the inner end must not release the outer hold
        raise RuntimeError("load failed")
    assert gc.get_threshold() == before
    assert gc_pacing._holds == 0


def collections_when_the_hold_ends(allocate: int) -> tuple[list[int], list[list[int]]]:
    """Allocate ``allocate`` tracked objects under a hold; the generations the collector walked as it ended."""
    gc.collect()
    hold = paced_collection()
    hold.__enter__()
    kept = [[] for _ in range(allocate)]  # held: they stay young however many gen0 passes run
    walked: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked.append(info["generation"])

    gc.callbacks.append(record)
    try:
        hold.__exit__(None, None, None)
    finally:
        gc.callbacks.remove(record)
    return walked, kept


def test_the_end_of_a_hold_collects_what_cpython_would_have() -> None:
    # a small load: no middle-generation pass was due, so nothing runs (and the heap is not counted)
    walked, _ = collections_when_the_hold_ends(100)
    assert walked == []
    # enough for young passes to have reached the middle generation, far from a quarter of the old one (an
    # old generation made big enough here: how big it is otherwise depends on which tests ran before)
    young = 20 * gc.get_threshold()[0]
    ballast = [[] for _ in range(max(0, 8 * young - len(gc.get_objects(2))))]
    gc.collect()  # the ballast is old now
    walked, _ = collections_when_the_hold_ends(young)
    assert walked == [1]
    del ballast
    # more young objects than a quarter of the old generation: CPython's rule calls for a full pass
    walked, _ = collections_when_the_hold_ends(len(gc.get_objects(2)))
    assert walked == [2]


def test_settle_leaves_a_paused_collector_alone() -> None:
    gc.disable()
    try:
        assert settle() == -1
    finally:
        gc.enable()


async def test_a_full_job_listing_runs_under_a_hold() -> None:
    world = World(seed=3, jobs=600, clock=SimClock.manual())
    lister = JobLister(sim_client(world), WS, window="all", page_size=20)
    seen: list[bool] = []
    jobs = await lister.fetch(lambda loaded, total: seen.append(holding()))
    assert len(jobs) > 20 and len(seen) > 1 and all(seen)
    assert not holding()


async def test_iter_listers_hold_while_they_read_pages() -> None:
    world = World(seed=3, jobs=50, clock=SimClock.manual())
    client = sim_client(world)
    seen: list[bool] = []
    runs = await RunLister(client, WS, page_size=5).fetch(lambda loaded, total: seen.append(holding()))
    assert len(runs) > 5
    # every progress report but the last (after the final page) comes from inside the listing
    assert seen[:-1] and all(seen[:-1])
    assert not holding()


PROBE = """
import gc
import paitui.ui.app as ui_app

class Probe:  # stands in for the Textual app: reports on the collector at the moment the app would start
    return_code = None  # what App.run leaves for the CLI's exit status
    start_problem = None

    def __init__(self, deferred):
        self.deferred = deferred
        self.collecting_while_built = gc.isenabled()

    def run(self):
        # frozen objects sit in the permanent generation, which get_objects() does not list
        frozen = all(obj is not self.deferred for obj in gc.get_objects())
        print("frozen", gc.get_freeze_count(), frozen, self.collecting_while_built, gc.isenabled())

ui_app.PaiTuiApp = lambda deferred: Probe(deferred)
from paitui.cli import main
raise SystemExit(main(["--demo"]))
"""


def test_the_cli_starts_without_collections_and_freezes_the_startup_heap_before_the_app_runs() -> None:
    """In a child process: a freeze lasts as long as the process and must not touch the test runner's."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "frozen"
    # what the start built before the app runs (the modules, the parser, the deferred start) is frozen; the
    # backend and the simulated world are built after the first frame (``DeferredStart``), not frozen
    count, start_frozen, collecting_while_built, collecting_when_run = out.stdout.split()[1:5]
    assert int(count) > 10_000 and start_frozen == "True"
    assert collecting_while_built == "False"  # the start ran with the collector off (pause_for_startup)
    assert collecting_when_run == "True"  # and the app runs with it on again
