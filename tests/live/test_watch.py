"""Watches against the simulated cloud: diffs on success, stale values and backoff on injected faults,
detail watches that finish with their object, pause/refresh in the run loop. No sleeps: the world's clock is
manual and the run loop gets a sleep function that only records."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import NetworkError, ServerError, ThrottledError
from paitui.api.models.dlc import JobItem
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.listers import ScheduleLister, list_watch
from paitui.live.status import is_terminal_job
from paitui.live.watch import DetailWatch, ListWatch, PollResult, Watch, run
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World


def sim_client(world: World, faults: str | None = None,
               on_request: Callable[[str, float], None] | None = None) -> PaiClient:
    """A PaiClient over the in-process simulated cloud (what ``open_backend`` builds in demo mode, plus a
    request hook). ``max_attempts=1``: failures reach the watch instead of being retried with real sleeps."""
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    plan = FaultPlan.parse(faults, seed=1) if faults else None
    return PaiClient(settings, credentials=demo_credentials(), region=region, on_request=on_request,
                     transport=SimTransport(create_app(world, faults=plan)))


@pytest.fixture
def world() -> World:
    return World(seed=7, clock=SimClock.manual())


class Recorder:
    """A sleep for ``run`` that records the delays and lets the test step the loop."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


async def settle(rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


# --- list watch -------------------------------------------------------------------------------------------


async def test_list_watch_diffs_successive_polls(world: World) -> None:
    client = sim_client(world)
    lister = ScheduleLister(client)
    watch = list_watch(lister, interval=5.0, now=world.now)
    first = await watch.poll()
    assert first.ok and first.changed and first.diff is not None
    assert len(first.diff.added) == len(first.value or {}) > 0 and not first.diff.removed
    assert watch.last_ok == world.now() and watch.error is None and not watch.done
    assert watch.rows == lister.items

    again = await watch.poll()
    assert again.ok and not again.changed and again.diff is not None and not again.diff

    world.clock.advance(6 * 3600)  # schedules move through checking → sending → sent on the clock
    moved = await watch.poll()
    assert moved.changed and moved.diff is not None and moved.diff.status_changes
    for key, (old, new) in moved.diff.status_changes.items():
        assert old != new and (moved.value or {})[key].status == new
    assert watch.last_ok == world.now() and not watch.done  # a list is never done


async def test_failures_keep_the_last_value_and_back_off_until_a_success(world: World) -> None:
    healthy = sim_client(world)
    throttled = sim_client(world, "throttle=1.0,retry-after=2s")
    broken = sim_client(world, "error5xx=1.0")
    dropping = sim_client(world, "drop=1.0")
    use = {"client": healthy}
    watch: ListWatch[Any] = ListWatch(lambda: _workspaces(use["client"]), key=lambda w: w.workspace_id,
                                      interval=5.0, now=world.now)

    good = await watch.poll()
    assert good.ok and len(good.value or {}) == 6
    assert watch.next_delay() == 5.0
    good_value = watch.value

    use["client"] = throttled
    world.clock.advance(5)
    failed_at = world.now()
    delays = []
    errors: list[type] = []
    for client in (throttled, broken, dropping, broken, broken, broken):
        use["client"] = client
        result = await watch.poll()
        assert not result.ok and result.value == good_value  # the last good value survives
        assert result.stale and result.stale_since == failed_at  # the first failure of the streak
        errors.append(type(result.error))
        delays.append(watch.next_delay())
        world.clock.advance(delays[-1])
    assert errors[:3] == [ThrottledError, ServerError, NetworkError]
    assert watch.failures == 6 and watch.error is not None
    assert delays == [10.0, 20.0, 40.0, 60.0, 60.0, 60.0]  # doubling, capped at a minute
    assert watch.last_ok is not None and watch.last_ok < failed_at

    use["client"] = healthy
    back = await watch.poll()
    assert back.ok and not back.stale and back.failures == 0 and back.error is None
    assert watch.next_delay() == 5.0 and watch.stale_since is None and watch.error is None
    assert not back.changed  # same workspaces as before the outage


async def _workspaces(client: PaiClient) -> list[Any]:
    return [w async for w in client.workspace.iter_workspaces()]


async def test_a_longer_server_requested_wait_wins_over_the_backoff(world: World) -> None:
    client = sim_client(world, "throttle=1.0,retry-after=45s")
    watch: ListWatch[Any] = ListWatch(lambda: _workspaces(client), key=lambda w: w.workspace_id, interval=5.0)
    result = await watch.poll()
    assert isinstance(result.error, ThrottledError) and result.error.retry_after == 45.0
    assert watch.next_delay() == 45.0  # the backoff alone would say 10 s
    await watch.poll()
    await watch.poll()
    assert watch.next_delay() == 45.0  # backoff 40 s < 45 s
    await watch.poll()
    assert watch.next_delay() == 60.0  # backoff 60 s > 45 s


async def test_non_pai_errors_are_bugs_and_propagate() -> None:
    async def broken() -> list[Any]:
        raise KeyError("bug")

    watch: ListWatch[Any] = ListWatch(broken, key=lambda r: r)
    with pytest.raises(KeyError):
        await watch.poll()


# --- detail watch -----------------------------------------------------------------------------------------


async def _active_job(client: PaiClient) -> JobItem:
    async for job in client.dlc.iter_jobs(status="Running"):
        return job
    raise AssertionError("the seeded world has running jobs")


async def test_detail_watch_is_done_after_the_job_is_stopped(world: World) -> None:
    client = sim_client(world)
    job = await _active_job(client)
    assert job.job_id
    watch = DetailWatch(lambda: client.dlc.get_job(job.job_id), lambda j: is_terminal_job(j.status),
                        interval=2.0, now=world.now)
    first = await watch.poll()
    assert first.ok and first.changed and not first.done and watch.next_delay() == 2.0

    await client.dlc.stop_job(job.job_id)
    world.clock.advance(1)
    stopping = await watch.poll()
    assert stopping.value is not None and stopping.value.status == "Stopping" and not stopping.done

    world.clock.advance(30)
    results: list[PollResult[Any]] = []
    sleep = Recorder()
    await asyncio.wait_for(run(watch, results.append, sleep=sleep), timeout=5)
    assert len(results) == 1 and results[0].done and watch.done  # the terminal fetch was the last one
    assert results[0].value is not None and results[0].value.status == "Stopped"
    assert sleep.delays == []


async def test_detail_watch_of_a_deleted_object_is_gone(world: World) -> None:
    client = sim_client(world)
    watch = DetailWatch(lambda: client.workspace.get_workspace("999999"), lambda w: False)
    result = await watch.poll()
    assert not result.ok and watch.gone and watch.done and result.done


# --- the run loop -----------------------------------------------------------------------------------------


async def test_run_polls_at_the_watch_delay_pauses_and_resumes(world: World) -> None:
    client = sim_client(world)
    watch: ListWatch[Any] = ListWatch(lambda: _workspaces(client), key=lambda w: w.workspace_id, interval=3.0)
    results: list[PollResult[Any]] = []
    sleep = Recorder()

    async def on_result(result: PollResult[Any]) -> None:  # async callbacks are awaited
        results.append(result)
        if len(results) == 3:
            watch.pause()

    task = asyncio.create_task(run(watch, on_result, sleep=sleep))
    await settle(100)
    assert len(results) == 3 and watch.paused  # stopped at the pause, not spinning
    assert sleep.delays == [3.0, 3.0, 3.0]
    await settle(50)
    assert len(results) == 3

    watch.resume()
    await settle(10)
    assert len(results) > 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not watch.done  # cancelling the loop does not finish the watch


async def test_refresh_cuts_a_wait_short(world: World) -> None:
    client = sim_client(world)
    watch: ListWatch[Any] = ListWatch(lambda: _workspaces(client), key=lambda w: w.workspace_id, interval=300)
    polls: list[datetime] = []

    async def forever(_seconds: float) -> None:
        await asyncio.Event().wait()

    task = asyncio.create_task(run(watch, lambda r: polls.append(r.at), sleep=forever))
    await settle(20)
    assert len(polls) == 1
    watch.refresh()
    await settle(20)
    assert len(polls) == 2
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_resume_fetches_at_once_only_data_older_than_one_interval(world: World) -> None:
    """A screen shown again (``resume``) costs no request while its data is younger than one interval, and
    fetches at once when it is older (by the watch's clock, here the world's manual one)."""
    client = sim_client(world)
    watch: ListWatch[Any] = ListWatch(lambda: _workspaces(client), key=lambda w: w.workspace_id, interval=30,
                                      now=world.clock.now)
    polls: list[datetime] = []

    async def forever(_seconds: float) -> None:
        await asyncio.Event().wait()

    assert watch.due()  # nothing fetched yet
    task = asyncio.create_task(run(watch, lambda r: polls.append(r.at), sleep=forever))
    await settle(20)
    assert len(polls) == 1 and not watch.due()
    watch.pause()
    world.clock.advance(29)
    watch.resume()
    await settle(20)
    assert len(polls) == 1  # 29 s old: it waits for its turn
    watch.pause()
    world.clock.advance(1)
    assert watch.due()
    watch.resume()
    await settle(20)
    assert len(polls) == 2  # one interval old: fetched at once
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_watch_base_rejects_bad_intervals() -> None:
    async def nothing() -> None:
        return None

    with pytest.raises(ValueError):
        Watch(nothing, interval=0)
