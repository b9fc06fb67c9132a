"""Listers against the simulated cloud: the incremental JobLister reads everything once, then keeps up with
new jobs and status changes for a fraction of the requests; windows; deletions; the simple listers."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import timedelta

import pytest

from paitui.api.client import PaiClient
from paitui.api.models.dlc import JobItem
from paitui.api.models.job_row import JobRow
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.kinds import ListContext, kind
from paitui.live.listers import (
    JobLister,
    PipelineLister,
    RunLister,
    ScheduleLister,
    SpecLister,
    TemplateLister,
    TensorboardLister,
    WindowedRunLister,
    WorkspaceLister,
)
from paitui.live.status import is_terminal_job
from paitui.live.windows import ALL_START
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World

WS = "264901"


class Requests(Counter[str]):
    """``on_request`` hook: counts requests per action."""

    def __call__(self, action: str, _elapsed: float) -> None:
        self[action] += 1


def sim_client(world: World, on_request: Requests | None = None) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    return PaiClient(settings, credentials=demo_credentials(), region=region, on_request=on_request,
                     transport=SimTransport(create_app(world)))


@pytest.fixture(scope="module")
def big_world() -> World:
    return World(seed=7, jobs=3000, clock=SimClock.manual())


async def full_listing(client: PaiClient, world: World, workspace: str = WS) -> list[JobItem]:
    """Every job of the workspace straight from the facade (independent of JobLister)."""
    end = world.now() + timedelta(hours=1)
    return [j async for j in client.dlc.iter_jobs(workspace_id=workspace, start_time=ALL_START, end_time=end,
                                                  sort_by="GmtCreateTime", order="desc", page_size=500)]


def by_id(jobs: list[JobItem] | list[JobRow]) -> dict[str, JobItem | JobRow]:
    return {j.job_id: j for j in jobs if j.job_id}


ROW_FIELDS = [f.name for f in dataclasses.fields(JobRow) if f.name != "job_specs"]


def spec_summary(job: JobItem | JobRow) -> list[tuple[object, ...]]:
    return [(s.pod_count, s.ecs_spec, *((c.cpu, c.gpu, c.memory) if (c := s.resource_config) else ()))
            for s in job.job_specs or ()]


def fields_by_id(jobs: list[JobItem] | list[JobRow]) -> dict[str, dict[str, object]]:
    """Each job's fields as a list keeps them (those of a ``JobRow``; its specs as their summary), whether read
    as a compact row or as the full model."""
    return {j.job_id: {**{name: getattr(j, name) for name in ROW_FIELDS}, "specs": spec_summary(j)}
            for j in jobs if j.job_id}


async def test_first_fetch_reads_every_page_then_refreshes_incrementally() -> None:
    world = World(seed=7, jobs=3000, clock=SimClock.manual())
    requests = Requests()
    client = sim_client(world, requests)
    lister = JobLister(client, WS, window="all", page_size=100, now=world.now)
    progress: list[tuple[int, int | None]] = []

    first = await lister.fetch(lambda loaded, total: progress.append((loaded, total)))
    total = lister.total
    assert total is not None and total > 500 and len(first) == total
    pages = math.ceil(total / 100)
    assert requests["ListJobs"] == pages and len(progress) == pages
    assert progress[-1] == (total, total) and [p[0] for p in progress] == sorted(p[0] for p in progress)
    created = [j.gmt_create_time for j in first]
    assert created == sorted(created, reverse=True)  # newest first
    active_before = [j.job_id for j in first if not is_terminal_job(j.status)]
    assert active_before

    # time passes: jobs move on, and new ones are submitted
    world.clock.advance(15 * 60)
    template = first[0]
    made = await client.dlc.create_job(
        display_name="live-test", job_type=template.job_type or "PyTorchJob", workspace_id=WS,
        user_command="python train.py",
        job_specs=[{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.gn6i-c4g1.xlarge",
                    "Image": "registry.example.com/pytorch:2.3"}])
    world.clock.advance(5)
    requests.clear()
    second = await lister.fetch(lambda *_: pytest.fail("progress is for full lists"))
    incremental = requests["ListJobs"]
    assert not lister.last_full

    truth = await full_listing(sim_client(world), world)
    assert fields_by_id(second) == fields_by_id(truth)  # the same jobs with the same content, statuses included
    created = [j.gmt_create_time for j in second]
    assert created == sorted(created, reverse=True)
    assert made.job_id in by_id(second)
    moved = [k for k in active_before if by_id(first)[k].status != by_id(second)[k].status]
    assert moved, "some active job changed status in 15 minutes"
    assert incremental <= 1 + 1 + math.ceil(len(active_before) / 100)
    assert incremental * 3 < pages  # far fewer requests than a full re-list


def moving_fields(jobs: list[JobItem] | list[JobRow]) -> dict[str, dict[str, object]]:
    """``fields_by_id`` but the wire's ``Duration``, which a running job's every read moves on: after polls
    that read different jobs at different moments, the held copies differ from a listing only there."""
    return {k: {n: v for n, v in fields.items() if n != "duration"} for k, fields in fields_by_id(jobs).items()}


def stragglers(lister: JobLister) -> list[str]:
    """Held unfinished jobs below the newest page: what an incremental fetch must re-read besides page 1."""
    newest = {j.job_id for j in lister.jobs[:lister.page_size]}
    return [j.job_id for j in lister.jobs if j.job_id and j.job_id not in newest and not is_terminal_job(j.status)]


async def test_an_unchanged_list_costs_one_request_per_poll_the_stragglers_on_their_own_clock() -> None:
    """Issue 13: one list request per refresh interval while nothing changes. Every 30 s the stragglers (held
    unfinished jobs below page 1) are re-read by id in page 1's place; a move of one shows by that turn."""
    world = World(seed=7, jobs=5000, clock=SimClock.manual())
    requests = Requests()
    client = sim_client(world, requests)
    lister = JobLister(client, WS, window="all", now=world.now)
    await lister.fetch()
    assert lister.total is not None and lister.total > 1500  # a long list: a full re-list is 20 pages
    behind = stragglers(lister)
    assert 0 < len(behind) <= 100  # this workspace has long runners below page 1
    victim = next(k for k in behind if by_id(lister.jobs)[k].status == "Running")
    await client.dlc.stop_job(victim)  # Stopping at once, Stopped a few seconds later
    per_poll, seen_at = [], None
    for poll in range(1, 13):  # a minute of 5 s refreshes
        world.clock.advance(5)
        requests.clear()
        await lister.fetch()
        assert not lister.last_full
        per_poll.append(requests["ListJobs"])
        if seen_at is None and is_terminal_job(by_id(lister.jobs)[victim].status):
            seen_at = poll * 5
    assert per_poll == [1] * 12  # page 1, or (at 30 s and 60 s) the stragglers by id instead
    assert seen_at is not None and seen_at <= 30  # the stragglers' turn saw the stop
    assert moving_fields(lister.jobs) == moving_fields(await full_listing(sim_client(world), world))


async def test_a_new_job_shows_within_two_polls_and_a_pause_reads_both() -> None:
    world = World(seed=7, jobs=5000, clock=SimClock.manual())
    requests = Requests()
    client = sim_client(world, requests)
    lister = JobLister(client, WS, window="all", now=world.now)
    await lister.fetch()
    for _ in range(5):  # 25 s: page 1 every time
        world.clock.advance(5)
        await lister.fetch()
    made = await client.dlc.create_job(
        display_name="new-on-the-turn", job_type="PyTorchJob", workspace_id=WS, user_command="python train.py",
        job_specs=[{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.gn6i-c4g1.xlarge",
                    "Image": "registry.example.com/pytorch:2.3"}])
    world.clock.advance(5)
    await lister.fetch()  # 30 s: the stragglers' turn, page 1 waits
    assert made.job_id not in by_id(lister.jobs)
    world.clock.advance(5)
    await lister.fetch()
    assert made.job_id in by_id(lister.jobs)
    world.clock.advance(120)  # the screen was hidden: both are due and both are read
    requests.clear()
    await lister.fetch()
    assert requests["ListJobs"] == 2 and not lister.last_full
    assert moving_fields(lister.jobs) == moving_fields(await full_listing(sim_client(world), world))


async def test_an_unchanged_list_without_stragglers_costs_one_request() -> None:
    world = World(seed=7, jobs=5000, clock=SimClock.manual())
    requests = Requests()
    lister = JobLister(sim_client(world, requests), WS, window="all", page_size=1000, now=world.now)
    await lister.fetch()
    assert not stragglers(lister) and any(not is_terminal_job(j.status) for j in lister.jobs)
    for _ in range(8):  # 40 s: past the stragglers' clock, but there are none
        world.clock.advance(5)
        requests.clear()
        await lister.fetch()
        assert requests["ListJobs"] == 1 and not lister.last_full


async def test_many_stragglers_cost_one_finished_since_request_per_turn_and_a_slower_by_id_reread() -> None:
    world = World(seed=7, jobs=5000, clock=SimClock.manual())
    requests = Requests()
    client = sim_client(world, requests)
    lister = JobLister(client, WS, window="all", page_size=20, now=world.now)  # pages of 20: many stragglers
    await lister.fetch()
    behind = stragglers(lister)
    assert len(behind) > 100
    # a straggler is stopped: Stopping for a few seconds, then Stopped (finished)
    victim = next(k for k in behind if by_id(lister.jobs)[k].status == "Running")
    await client.dlc.stop_job(victim)
    per_poll = []
    for _ in range(6 * 4):  # four turns of the stragglers' clock (2 min)
        world.clock.advance(5)
        requests.clear()
        await lister.fetch()
        per_poll.append(requests["ListJobs"])
        assert not lister.last_full
    assert per_poll[:6] == [1] * 6  # page 1 five times, then the jobs finished since the last turn
    assert by_id(lister.jobs)[victim].status == "Stopped"  # seen without a by-id re-read
    assert per_poll[6:-1] == [1] * 17
    assert per_poll[-1] == math.ceil(len(stragglers(lister)) / 100)  # the 4th turn: every straggler by id
    truth = moving_fields(await full_listing(sim_client(world), world))
    held = moving_fields(lister.jobs)
    assert set(held) == set(truth)
    assert {k: held[k] for k in behind if k in truth} == {k: truth[k] for k in behind if k in truth}  # read now


async def test_a_deletion_is_seen_at_the_next_fetch_by_the_total_count() -> None:
    world = World(seed=11, jobs=600, clock=SimClock.manual())
    client = sim_client(world)
    lister = JobLister(client, WS, window="all", now=world.now)
    jobs = await lister.fetch()
    finished = jobs[-1]  # the oldest: on no page an incremental fetch reads
    assert is_terminal_job(finished.status)
    world.clock.advance(5)
    await lister.fetch()
    assert not lister.last_full
    await client.dlc.delete_job(finished.job_id)
    world.clock.advance(5)
    refreshed = await lister.fetch()
    assert lister.last_full and finished.job_id not in by_id(refreshed)
    assert fields_by_id(refreshed) == fields_by_id(await full_listing(client, world))


async def test_a_full_relist_comes_every_half_hour_or_every_nth_call_when_asked() -> None:
    world = World(seed=11, jobs=600, clock=SimClock.manual())
    lister = JobLister(sim_client(world), WS, window="all", now=world.now)
    await lister.fetch()
    fulls = []
    for _ in range(6):
        world.clock.advance(5 * 60)
        await lister.fetch()
        fulls.append(lister.last_full)
    assert fulls == [False] * 5 + [True]  # 30 minutes after the last full list
    counted = JobLister(sim_client(world), WS, window="all", full_every=3, now=world.now)
    fulls = []
    for _ in range(5):
        world.clock.advance(5)
        await counted.fetch()
        fulls.append(counted.last_full)
    assert fulls == [True, False, False, True, False]


async def test_a_full_relist_hands_back_unchanged_jobs_as_the_objects_already_held() -> None:
    """The fresh copy of an unchanged job is dropped at once (it never reaches the collector's old
    generation), and the diff sees the very same object; a changed job is the new one."""
    world = World(seed=11, jobs=600, clock=SimClock.manual())
    lister = JobLister(sim_client(world), WS, window="all", full_every=1, now=world.now)
    first = by_id(await lister.fetch())
    world.clock.advance(120)
    second = by_id(await lister.fetch())
    assert lister.last_full
    same = [k for k in second if k in first and second[k] is first[k]]
    renewed = [k for k in second if k in first and second[k] is not first[k]]
    assert same and renewed  # finished jobs are kept, running ones (their duration ticks) renewed
    assert set(same) >= {k for k in second if k in first and is_terminal_job(first[k].status)}
    assert all(second[k] != first[k] for k in renewed)


async def test_default_window_is_seven_days_and_all_reaches_further(big_world: World) -> None:
    client = sim_client(big_world)
    now = big_world.now()
    week = await JobLister(client, WS, now=big_world.now).fetch()
    everything = await JobLister(client, WS, window="all", now=big_world.now).fetch()
    day = await JobLister(client, WS, window="1d", now=big_world.now).fetch()
    assert len(day) < len(week) < len(everything)
    assert all(j.gmt_create_time and j.gmt_create_time >= now - timedelta(days=7) for j in week)
    assert any(j.gmt_create_time and j.gmt_create_time < now - timedelta(days=30) for j in everything)
    # the service's own default (no StartTime/EndTime) is the same 7 days
    raw = await client.dlc.list_jobs(workspace_id=WS, page_size=1)
    assert raw.total_count == len(week)


async def test_status_filter_and_window_change_trigger_a_full_list(big_world: World) -> None:
    client = sim_client(big_world)
    lister = JobLister(client, WS, window="all", status="Running", now=big_world.now)
    running = await lister.fetch()
    assert running and all(j.status == "Running" for j in running)
    big_world.clock.advance(600)
    assert all(j.status == "Running" for j in await lister.fetch())
    assert lister.last_full and not lister.incremental  # newly running jobs are neither new nor held
    lister.set_status(None)
    lister.set_window("30d")
    widened = await lister.fetch()
    assert lister.last_full and len(widened) > len(running)
    with pytest.raises(ValueError):
        lister.set_window("forever")


async def test_the_simple_listers(big_world: World) -> None:
    client = sim_client(big_world)
    progress: list[tuple[int, int | None]] = []
    runs = await RunLister(client, WS).fetch(lambda *p: progress.append(p))
    assert runs and progress[-1] == (len(runs), len(runs))
    created = [r.gmt_create_time for r in runs]
    assert created == sorted(created, reverse=True)
    assert len({r.pipeline_run_id for r in runs}) == len(runs)

    workspaces = await WorkspaceLister(client).fetch()
    assert {w.workspace_id for w in workspaces} >= {WS}
    schedules = await ScheduleLister(client).fetch()
    assert schedules and all(s.id for s in schedules)
    for lister in (TensorboardLister(client, WS, window="all"), TemplateLister(client, WS), SpecLister(client),
                   PipelineLister(client, WS)):
        items = await lister.fetch()
        keys = [lister.key(i) for i in items]
        assert all(keys) and len(set(keys)) == len(keys), type(lister).__name__


async def test_the_runs_lister_applies_its_window_client_side_and_learns_pipeline_names() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    requests = Requests()
    client = sim_client(world, requests)
    every = await RunLister(client, WS).fetch()
    lister = WindowedRunLister(client, WS, window="1d", now=world.now)
    day = await lister.fetch()
    start = world.now() - timedelta(days=1)
    assert [r.pipeline_run_id for r in day] == [r.pipeline_run_id for r in every
                                                if r.gmt_create_time is None or r.gmt_create_time >= start]
    assert len(day) < len(every)  # the seed has runs older than a day: the window cut something
    named = {r.pipeline_id for r in day if r.pipeline_id}
    assert named and named <= set(lister.pipelines) and all(lister.pipelines[p] for p in named)
    asked = requests["ListPipelines"]
    lister.set_window("all")
    assert len(await lister.fetch()) == len(every)
    await lister.fetch()
    assert requests["ListPipelines"] - asked <= 1  # only unseen pipeline ids are asked about, once
    with pytest.raises(ValueError):
        lister.set_window("forever")


async def test_the_tensorboard_lister_stamps_when_it_read_the_list() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    lister = TensorboardLister(sim_client(world), WS, window="all", now=world.now)
    assert lister.fetched_at is None
    await lister.fetch()
    first = lister.fetched_at
    world.clock.advance(30)
    await lister.fetch()
    assert first is not None and lister.fetched_at == first + timedelta(seconds=30)


def test_the_kinds_make_the_windowed_listers() -> None:
    world = World(seed=7, jobs=10, clock=SimClock.manual())
    ctx = ListContext(sim_client(world), WS, "30d", world.now)
    runs, boards = kind("run").lister, kind("tensorboard").lister
    assert runs is not None and boards is not None
    made = runs(ctx), boards(ctx)
    assert isinstance(made[0], WindowedRunLister) and made[0].window == "30d"
    assert isinstance(made[1], TensorboardLister) and made[1].window == "30d"
