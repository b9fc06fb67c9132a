"""The request cap: near the rate cap or past the daily budget, list and detail watches poll less often and
say why; user actions are sent as always. Against the simulated cloud, on a manual clock, no sleeps."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import PaiError
from paitui.api.meter import RequestMeter
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live import budget
from paitui.live.budget import RequestGovernor
from paitui.live.listers import SpecLister
from paitui.live.watch import MAX_GOVERNED, DetailWatch, ListWatch, run
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 12, 4, 2, tzinfo=UTC).timestamp()  # 10:00 in UTC+8

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


def burst(meter: RequestMeter, n: int, action: str = "GetJob") -> None:
    for _ in range(n):
        meter.count("dlc", action)


def test_not_slowed_without_a_cap_or_below_it(clock: Clock) -> None:
    meter = RequestMeter(clock)
    burst(meter, 500)
    assert RequestGovernor(meter).slowdown() == budget.NOT_SLOWED
    assert RequestGovernor(meter, max_per_minute=1000, daily_budget=1000).slowdown().factor == 1


def test_the_daily_budget_slows_near_its_end_and_more_once_spent(clock: Clock) -> None:
    meter = RequestMeter(clock)
    governor = RequestGovernor(meter, daily_budget=100)
    burst(meter, 89)
    assert governor.slowdown().factor == 1
    burst(meter, 3)
    slow = governor.slowdown()
    assert slow.factor == budget.BUDGET_NEAR_FACTOR and slow.reason == "slowed ×4: daily budget 92 % used"
    burst(meter, 8)
    slow = governor.slowdown()
    assert slow.factor == budget.BUDGET_SPENT_FACTOR and "daily budget spent (100 of 100)" in slow.reason
    clock.t += 14 * 3600  # past midnight in UTC+8: a new billing day, a fresh budget
    assert governor.slowdown().factor == 1


def test_the_rate_cap_doubles_the_factor_while_near_and_halves_it_when_calm(clock: Clock) -> None:
    meter = RequestMeter(clock)
    governor = RequestGovernor(meter, max_per_minute=100)
    burst(meter, 95)
    assert governor.slowdown().factor == 2
    assert governor.slowdown().factor == 2  # at most one change per ADJUST_EVERY seconds
    clock.t += budget.ADJUST_EVERY
    burst(meter, 1)
    slow = governor.slowdown()
    assert slow.factor == 4 and "96 req/min of 100 cap" in slow.reason
    clock.t += 61  # the burst left the last minute
    assert governor.slowdown().factor == 2
    clock.t += budget.ADJUST_EVERY
    assert governor.slowdown() == budget.NOT_SLOWED


def test_every_watch_delay_is_stretched_by_the_governor_and_capped(clock: Clock) -> None:
    async def fetch() -> list[object]:
        return []

    meter = RequestMeter(clock)
    governor = RequestGovernor(meter, daily_budget=10)
    listing = ListWatch(fetch, key=lambda r: str(r), interval=5.0, governor=governor)
    detail = DetailWatch(fetch, lambda _: False, interval=2.0, governor=governor)
    ungoverned = ListWatch(fetch, key=lambda r: str(r), interval=5.0)  # another app's watch: its own budget
    assert (listing.next_delay(), detail.next_delay()) == (5.0, 2.0)
    burst(meter, 10)
    assert (listing.next_delay(), detail.next_delay()) == (5.0 * 60, 2.0 * 60)
    assert ungoverned.next_delay() == 5.0
    listing.failures = 10  # backing off already: the governor stretches that too, up to MAX_GOVERNED
    assert listing.next_delay() == MAX_GOVERNED


def sim_client(world: World, meter: RequestMeter) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    return PaiClient(settings, credentials=demo_credentials(), region=region, meter=meter,
                     transport=SimTransport(create_app(world)))


async def test_a_watch_over_the_simulator_slows_once_its_polls_spend_a_tiny_budget(clock: Clock) -> None:
    world = World(seed=7, jobs=30, clock=SimClock.manual())
    meter = RequestMeter(clock)
    client = sim_client(world, meter)
    lister = SpecLister(client)
    watch = ListWatch(lambda: lister.fetch(None), lister.key, interval=5.0,
                      governor=RequestGovernor(meter, daily_budget=3))
    delays: list[float] = []
    spent: list[int] = []
    four = asyncio.Event()

    async def sleep(seconds: float) -> None:  # the run loop's sleep: records, and never waits
        delays.append(seconds)
        spent.append(meter.total_today())
        if len(delays) >= 4:
            four.set()
        await asyncio.sleep(0)

    task = asyncio.ensure_future(run(watch, lambda _: None, sleep=sleep))
    await asyncio.wait_for(four.wait(), 30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    # each poll is one ListEcsSpecs: the first two leave the budget unspent, from the third polls stretch
    assert spent[:4] == [1, 2, 3, 4]
    assert delays[:4] == [5.0, 5.0, 5.0 * budget.BUDGET_SPENT_FACTOR, 5.0 * budget.BUDGET_SPENT_FACTOR]
    await client.aclose()


async def test_actions_are_sent_however_spent_the_budget_is(clock: Clock) -> None:
    world = World(seed=7, jobs=30, clock=SimClock.manual())
    meter = RequestMeter(clock)
    client = sim_client(world, meter)
    governor = RequestGovernor(meter, max_per_minute=1, daily_budget=1)
    burst(meter, 50)
    assert governor.slowdown().factor > 1
    job_id = next(iter(world.dlc.jobs))
    with contextlib.suppress(PaiError):  # whether the state allows it is PAI's to say: it was sent
        await client.dlc.stop_job(job_id)
    assert meter.calls[("dlc", "StopJob")] == 1  # sent at once: the budget only paces polling
    await client.aclose()


def test_a_detail_watch_is_slowed_the_same_way(clock: Clock) -> None:
    async def fetch() -> object:
        return object()

    meter = RequestMeter(clock)
    governor = RequestGovernor(meter, max_per_minute=10)
    burst(meter, 10)
    assert DetailWatch(fetch, lambda _: False, interval=2.0, governor=governor).next_delay() == 4.0
