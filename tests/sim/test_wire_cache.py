"""ListJobs items and GetJob bodies are encoded once per phase and rendered per call (``sim/encoded.py``):
what a warm cache answers is byte for byte what a fresh encoding answers at the same moment, as the clock
ticks, jobs change phase, are stopped and updated; the caches are bounded and belong to one world."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import orjson
import pytest

from paitui.sim.dlc.caches import DlcCaches
from paitui.sim.dlc.wire import get_job, get_job_doc, job_item, job_item_doc
from paitui.sim.encoded import Elapsed, Render, RequestId, Template, resolve
from paitui.sim.world import World
from tests.sim.conftest import SimApi, make_world

DLC = "http://pai-dlc.cn-hangzhou.aliyuncs.com"
JOBS = "/api/v1/jobs"
_REQUEST_ID = re.compile(rb'"RequestId":"[^"]*"')


@pytest.fixture
async def api() -> AsyncIterator[SimApi]:
    async with SimApi.open(DLC, World(seed=11, jobs=300)) as api:
        yield api


def now_of(world: World) -> float:
    return world.now().timestamp()


async def raw(api: SimApi, path: str, **params: Any) -> bytes:
    resp = await api.client.get(path, params=params)
    assert resp.status_code == 200, resp.text
    return _REQUEST_ID.sub(b'"RequestId":"-"', resp.content)


async def answers(api: SimApi, job_ids: list[str]) -> list[bytes]:
    """Every ListJobs page of the default workspace's last 30 days, and GetJob with and without detail."""
    start = (api.world.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = [await raw(api, JOBS, PageSize=50, PageNumber=page, StartTime=start) for page in range(1, 5)]
    for job_id in job_ids:
        out.append(await raw(api, f"{JOBS}/{job_id}"))
        out.append(await raw(api, f"{JOBS}/{job_id}", NeedDetail="false"))
    return out


async def fresh(api: SimApi, job_ids: list[str]) -> list[bytes]:
    """The same answers encoded afresh: with empty caches, then the warm ones put back."""
    dlc = api.world.dlc
    warm, dlc.caches = dlc.caches, DlcCaches()
    try:
        return await answers(api, job_ids)
    finally:
        dlc.caches = warm


def sample(world: World) -> list[str]:
    """A job in each status, running ones first (their Durations tick)."""
    now = now_of(world)
    by_status: dict[str, str] = {}
    for job in world.dlc.all_jobs():
        by_status.setdefault(job.status_at(now), job.job_id)
    return sorted(by_status.values(), key=lambda j: world.dlc.job(j).status_at(now) != "Running")


async def test_a_warm_cache_answers_what_a_fresh_encoding_does(api: SimApi) -> None:
    world = api.world
    ids = sample(world)
    assert world.dlc.job(ids[0]).status_at(now_of(world)) == "Running"
    await answers(api, ids)  # warm
    assert world.dlc.caches.sizes()["list_items"] > 0
    for step in (1.0, 1.0, 7.5, 59.0, 600.0, 3600.0, 6 * 3600.0):
        world.clock.advance(step)
        warm = await answers(api, ids)
        assert warm == await fresh(api, ids), f"after +{step} s"


async def test_stop_and_update_are_seen_through_the_cache(api: SimApi) -> None:
    world = api.world
    now = now_of(world)
    running = next(j for j in world.dlc.all_jobs() if j.status_at(now) == "Running")
    finished = next(j for j in world.dlc.all_jobs() if j.finished_at(now) is not None)
    ids = [running.job_id, finished.job_id]
    before = await answers(api, ids)
    await api.call("POST", f"{JOBS}/{running.job_id}/stop")
    await api.call("PUT", f"{JOBS}/{finished.job_id}", body={"Priority": 9 if finished.priority != 9 else 8})
    after = await answers(api, ids)
    assert after != before and after == await fresh(api, ids)
    assert (await api.call("GET", f"{JOBS}/{running.job_id}"))["Status"] == "Stopping"
    world.clock.advance(30.0)
    assert await answers(api, ids) == await fresh(api, ids)


def test_a_rendering_is_the_plain_encoding_of_the_same_moment() -> None:
    world = make_world()
    now = now_of(world)
    jobs = world.dlc.all_jobs()
    ticking = 0
    for later in (0.0, 1.0, 45.0, 5000.0):
        moment = now + later
        for job in jobs:
            doc = job_item_doc(job, world, moment)
            plain = orjson.dumps([resolve(doc, Render(moment))])
            assert orjson.dumps([job_item(job, world, moment)]) == plain, job.job_id
            body = get_job(job, world, moment, True, "RID").data
            assert body == orjson.dumps(resolve(get_job_doc(job, world, moment, True), Render(moment, "RID")))
            ticking += not Template(doc).static
    assert ticking > 10  # running jobs' Durations were holes, so the splice was exercised


def test_template_splices_holes_in_place() -> None:
    doc = {"A": 1, "Duration": Elapsed(100.0), "Pods": [{"Duration": Elapsed(90.0, as_float=True), "Name": "x"}],
           "Text": "\x00 is not a marker", "RequestId": RequestId()}
    template = Template(doc)
    assert not template.static
    assert template.render(Render(now=161.9, request_id="R-1")) == \
        b'{"A":1,"Duration":61,"Pods":[{"Duration":71.0,"Name":"x"}],"Text":"\\u0000 is not a marker",' \
        b'"RequestId":"R-1"}'
    assert Template({"A": [1, 2]}).static


async def test_caches_are_bounded_and_stay_right_when_small(api: SimApi) -> None:
    world = api.world
    ids = sample(world)
    reference = await fresh(api, ids)
    world.dlc.caches = small = DlcCaches(segments=16, pod_tables=4, list_items=8, job_bodies=2)
    assert await answers(api, ids) == reference
    assert await answers(api, ids) == reference  # served through the evictions
    sizes = small.sizes()
    assert sizes == {"segments": 16, "pod_tables": 4, "list_items": 8, "job_bodies": 2}


async def test_two_worlds_never_share_caches() -> None:
    one, two = World(seed=11, jobs=300), World(seed=11, jobs=300)
    assert one.dlc.caches is not two.dlc.caches
    async with SimApi.open(DLC, one) as api_one, SimApi.open(DLC, two) as api_two:
        ids = sample(one)
        await answers(api_one, ids)
        assert set(two.dlc.caches.sizes().values()) == {0}
        two.clock.advance(900.0)  # the same jobs, another moment: nothing of one's may leak into two
        assert await answers(api_two, ids) == await fresh(api_two, ids)
        assert await answers(api_one, ids) == await fresh(api_one, ids)
