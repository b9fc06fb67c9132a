"""Every kind's lister is a ``Lister``: it has every member a list screen calls, and the capabilities it
does not have answer with the base class's true defaults (no early rows, nothing to forget, no window)."""

from __future__ import annotations

import pytest

from paitui.kinds import ListContext, viewed
from paitui.live.lister import Lister, ListerBase
from paitui.live.listers import JobLister, TensorboardLister
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_listers import WS, sim_client


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=7, jobs=300, clock=SimClock.manual())


def test_every_kinds_lister_has_every_member_of_the_protocol(world: World) -> None:
    client = sim_client(world)
    for declared in viewed():
        assert declared.lister is not None
        lister = declared.lister(ListContext(client, WS, "7d", world.now))
        assert isinstance(lister, Lister), declared.key
        assert isinstance(lister, ListerBase), f"{declared.key}: its defaults come from ListerBase"
        # rows without a lifecycle status say so with None, as the kind does
        assert (lister.status is None) == (not declared.has_status), declared.key


async def test_the_defaults_are_true_of_a_lister_without_the_capability(world: World) -> None:
    lister = next(k for k in viewed() if k.key == "pipeline").lister
    assert lister is not None
    pipelines = lister(ListContext(sim_client(world), WS, "7d", world.now))
    assert pipelines.loading is None  # no rows before the listing is complete: the screen paints nothing early
    rows = await pipelines.fetch()
    pipelines.forget([pipelines.key(rows[0])])  # a full re-read each call: nothing held to forget
    pipelines.invalidate()
    assert [pipelines.key(r) for r in await pipelines.fetch()] == [pipelines.key(r) for r in rows]
    with pytest.raises(TypeError, match="without a creation-time window"):
        pipelines.set_window("30d")


async def test_windowed_listers_take_a_window_and_jobs_paint_early(world: World) -> None:
    client = sim_client(world)
    jobs = JobLister(client, WS, now=world.now, page_size=10)
    early: list[int] = []
    await jobs.fetch(lambda loaded, _total: early.append(len(jobs.loading or [])))
    assert early and early[0] == 10  # the first page is there to paint before the last arrives
    jobs.set_window("30d")
    boards = TensorboardLister(client, WS, now=world.now)
    boards.set_window("all")
    assert (jobs.window, boards.window) == ("30d", "all")
