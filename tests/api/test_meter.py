"""The request meter: every attempt counted per (product, operation), failures and retries included, per
billing day (UTC+8) and over the last minute — and the client counts at its one place, against the
simulated cloud."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import NotFoundError, ThrottledError
from paitui.api.meter import RequestMeter, billing_day
from paitui.api.operations import operation
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World


class Clock:
    def __init__(self, at: datetime) -> None:
        self.t = at.timestamp()

    def __call__(self) -> float:
        return self.t


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_billing_day_is_the_calendar_day_in_utc_plus_8() -> None:
    assert billing_day(at("2026-12-04T15:59:59+00:00").timestamp()) == "2026-12-04"
    assert billing_day(at("2026-12-04T16:00:00+00:00").timestamp()) == "2026-12-05"


def test_counts_per_operation_with_failures_since_start_and_today() -> None:
    meter = RequestMeter(Clock(at("2026-12-04T10:00:00+00:00")))
    for _ in range(3):
        meter.count("flow", "ListPipelineRuns")
    meter.count("flow", "ListPipelineRuns", failed=True)
    meter.count("dlc", "GetJob")
    rows = {(u.product, u.action): u for u in meter.usage()}
    runs = rows["flow", "ListPipelineRuns"]
    assert (runs.since_start, runs.failed_since_start, runs.today, runs.failed_today, runs.month) == (4, 1, 4, 1, 4)
    assert rows["dlc", "GetJob"].today == 1
    assert meter.total_today() == 5
    assert next((u.product, u.action) for u in meter.usage()) == ("flow", "ListPipelineRuns")  # busiest first


def test_a_new_billing_day_starts_a_new_tally_and_the_month_keeps_both() -> None:
    clock = Clock(at("2026-12-04T15:59:00+00:00"))  # 23:59 in UTC+8
    meter = RequestMeter(clock)
    meter.count("dlc", "ListJobs")
    meter.count("dlc", "ListJobs")
    clock.t += 120  # 00:01 UTC+8, the 5th
    meter.count("dlc", "ListJobs")
    (use,) = meter.usage()
    assert (use.today, use.month, use.month_before_today, use.since_start) == (1, 3, 2, 3)
    assert meter.today() == "2026-12-05"
    assert set(meter.unsaved) == {"2026-12-04", "2026-12-05"}


def test_a_new_month_resets_the_month_but_not_since_start() -> None:
    clock = Clock(at("2026-11-30T15:00:00+00:00"))  # 23:00 UTC+8 on the 30th
    meter = RequestMeter(clock)
    meter.count("flow", "GetPipelineRun")
    clock.t += 2 * 3600  # 01:00 UTC+8 on 1 December
    (use,) = meter.usage()
    assert (use.today, use.month, use.since_start) == (0, 0, 1)


def test_the_rate_counts_the_last_minute_only() -> None:
    clock = Clock(at("2026-12-04T10:00:00+00:00"))
    meter = RequestMeter(clock)
    for _ in range(5):
        meter.count("dlc", "GetJob")
    clock.t += 30
    meter.count("dlc", "GetJob")
    assert meter.rate_last_minute() == 6
    clock.t += 45  # the first five are 75 s old
    assert meter.rate_last_minute() == 1
    assert meter.usage()[0].last_minute == 1
    clock.t += 60
    assert meter.rate_last_minute() == 0


def test_a_save_in_flight_still_counts_and_a_failed_one_gives_its_counts_back() -> None:
    meter = RequestMeter(Clock(at("2026-12-04T10:00:00+00:00")))
    meter.count("dlc", "GetJob")
    taken = meter.take_unsaved()
    meter.count("dlc", "GetJob")
    assert meter.total_today() == 2  # one being saved, one counted since
    meter.restore(taken)
    assert meter.total_today() == 2
    taken = meter.take_unsaved()
    meter.absorb({"2026-12-04": {"dlc.GetJob": [2, 0]}})  # the file now holds them (and an earlier run's)
    assert meter.total_today() == 2 and not meter.saving and taken == {"2026-12-04": {"dlc.GetJob": [2, 0]}}


# --- the client counts every attempt it sends ---

def sim_client(world: World, faults: str | None = None, meter: RequestMeter | None = None,
               **settings: object) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    config = Settings(demo=True, rate_limit=1e6, endpoints=endpoints, backoff_base=0, backoff_cap=0,
                      **settings)  # type: ignore[arg-type]
    plan = FaultPlan.parse(faults, seed=1) if faults else None

    async def no_sleep(_: float) -> None:
        await asyncio.sleep(0)

    return PaiClient(config, credentials=demo_credentials(), region=region, sleep=no_sleep, meter=meter,
                     transport=SimTransport(create_app(world, faults=plan)))


async def test_the_client_counts_each_attempt_retries_and_failures_included() -> None:
    world = World(seed=7, jobs=20, clock=SimClock.manual())
    meter = RequestMeter(Clock(datetime(2026, 12, 4, 10, tzinfo=UTC)))
    client = sim_client(world, faults="ListJobs:throttle=1", meter=meter, max_attempts=3)
    with pytest.raises(ThrottledError):
        await client.invoke(operation("dlc", "ListJobs"), {"PageSize": 1})
    with pytest.raises(NotFoundError):
        await client.invoke(operation("dlc", "GetJob"), {"JobId": "dlc-none"})
    await client.invoke(operation("dlc", "ListEcsSpecs"), {})
    await client.aclose()
    rows = {u.action: u for u in meter.usage()}
    assert (rows["ListJobs"].since_start, rows["ListJobs"].failed_since_start) == (3, 3)  # each retry billed
    assert (rows["GetJob"].since_start, rows["GetJob"].failed_since_start) == (1, 1)
    assert (rows["ListEcsSpecs"].since_start, rows["ListEcsSpecs"].failed_since_start) == (1, 0)
    assert client.meter is meter


def test_every_client_has_a_meter() -> None:
    client = PaiClient(Settings())
    assert isinstance(client.meter, RequestMeter) and client.meter.usage() == []
