"""Full garbage collections are held while a long list loads, and the collector's settings come back after."""

from __future__ import annotations

import gc

import pytest

from paitui.live import gc_pacing
from paitui.live.gc_pacing import HELD, holding, paced_collection
from paitui.live.listers import JobLister, RunLister
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_listers import WS, sim_client


def test_a_hold_raises_only_the_oldest_threshold_and_restores_it() -> None:
    before = gc.get_threshold()
    with paced_collection():
        assert holding()
        assert gc.get_threshold() == (before[0], before[1], HELD)
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
