"""The detail snapshots (``live.job_snapshot``, ``live.run_snapshot``) against the in-process simulator: the
fan-out, the error policy (a permanent refusal blanks one panel, a transient failure keeps the previous
panel marked stale, a failure of the main read raises) and the kinds declaring them."""

from __future__ import annotations

import collections
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import NotFoundError, PaiError
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.kinds import DetailContext, kind
from paitui.live.job_metrics import DEFAULT_WINDOW, METRIC_TYPES, WINDOWS
from paitui.live.job_snapshot import EVENTS_EVERY, JobSnapshot, fetch_job_snapshot, first_pod
from paitui.live.run_snapshot import RunSnapshot, fetch_run_snapshot
from paitui.live.status import job_phase
from paitui.sim.app import SimApp, create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World

SIDE_CALLS = ("GetJobEvents", "GetJobMetrics", "GetPodEvents")


class Counter(collections.Counter[str]):
    """``on_request`` hook: counts requests per action."""

    def __call__(self, action: str, _elapsed: float) -> None:
        self[action] += 1


class Refusing(httpx.AsyncBaseTransport):
    """The simulator, except that the named actions answer 403 ``Forbidden.RAM`` as the gateway does for a
    RAM user without that permission (the simulator's own users may read everything)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, actions: Iterable[str]) -> None:
        self._inner = inner
        self.actions = set(actions)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("x-acs-action") in self.actions:
            body = {"RequestId": "refused-1", "Code": "Forbidden.RAM",
                    "Message": "You are not authorized to do this action."}
            return httpx.Response(403, json=body, headers={"content-type": "application/json"})
        return await self._inner.handle_async_request(request)


def client_for(sim: SimApp, refuse: Iterable[str] = (), on_request: Any = None) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    transport: httpx.AsyncBaseTransport = SimTransport(sim)
    if refuse:
        transport = Refusing(transport, refuse)
    return PaiClient(settings, credentials=demo_credentials(), region=region, transport=transport,
                     on_request=on_request)


@pytest.fixture
def world() -> World:
    return World(seed=7, jobs=400, clock=SimClock.manual())


def running_gpu_job(world: World) -> str:
    now = world.clock.now().timestamp()
    for job in world.dlc.all_jobs():
        if job.workspace_id == "264901" and job.status_at(now) == "Running" and job.gpu_total > 0:
            return str(job.job_id)
    raise AssertionError("no running GPU job in the simulated world")


async def snapshot(client: PaiClient, world: World, job_id: str, previous: JobSnapshot | None = None,
                   **kwargs: Any) -> JobSnapshot:
    options: dict[str, Any] = {"window": DEFAULT_WINDOW, "selected_pod": None, **kwargs}
    return await fetch_job_snapshot(client, job_id, previous=previous, now=world.now(), **options)


async def test_a_job_snapshot_holds_the_job_its_events_metrics_and_pod_events(world: World) -> None:
    job_id = running_gpu_job(world)
    async with client_for(create_app(world)) as client:
        got = await snapshot(client, world, job_id)
    assert got.job.job_id == job_id and got.job.request_id is None  # a new RequestId is not a change
    assert got.events and not got.unavailable and not got.stale
    assert set(got.metrics) == set(METRIC_TYPES)
    pod = first_pod(got.job)
    assert pod is not None and pod[0] in got.metrics["GpuCoreUsage"]
    assert got.pod_events is not None and got.pod_events[0] == pod and got.pod_events[1]


async def test_a_forbidden_metrics_call_blanks_only_the_metrics(world: World) -> None:
    job_id = running_gpu_job(world)
    async with client_for(create_app(world), refuse={"GetJobMetrics"}) as client:
        got = await snapshot(client, world, job_id)
    assert set(got.unavailable) == set(METRIC_TYPES)
    assert got.metrics == {} and not got.stale
    assert got.events and got.pod_events is not None and got.pod_events[1]  # the other panels are whole


async def test_a_refused_panel_is_not_filled_from_the_previous_snapshot(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world)
    async with client_for(sim) as client:
        before = await snapshot(client, world, job_id)
    world.clock.advance(EVENTS_EVERY.total_seconds())  # the events' clock is due
    async with client_for(sim, refuse={"GetJobEvents"}) as client:
        got = await snapshot(client, world, job_id, before, selected_pod=first_pod(before.job))
    assert before.events and got.events == () and got.unavailable == ("events",)


async def test_an_invalid_metrics_window_is_permanent_too(world: World) -> None:
    job_id = running_gpu_job(world)
    bogus = replace(WINDOWS[0], step="soon")  # the service answers InvalidParameter, every time
    async with client_for(create_app(world)) as client:
        got = await snapshot(client, world, job_id, window=bogus)
    assert set(got.unavailable) == set(METRIC_TYPES) and not got.stale and got.events


async def test_a_transient_failure_keeps_the_previous_panels_marked_stale(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world)
    async with client_for(sim) as client:
        before = await snapshot(client, world, job_id)
        pod = first_pod(before.job)
        world.clock.advance(60)
        sim.faults = FaultPlan.parse("|".join(SIDE_CALLS) + ":error5xx=1.0", seed=1)
        got = await snapshot(client, world, job_id, before, selected_pod=pod)
    stale = dict(got.stale)
    assert set(stale) == {"events", "pod-events", *METRIC_TYPES}
    assert set(stale.values()) <= {"InternalError", "ServiceUnavailable"}
    assert got.stale_code("events") == stale["events"] and got.stale_code("nothing") is None
    assert got.events == before.events and got.metrics == before.metrics and got.pod_events == before.pod_events
    assert not got.unavailable


async def test_a_transient_failure_without_a_previous_snapshot_shows_nothing_old(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world, faults=FaultPlan.parse("GetJobEvents|GetJobMetrics:error5xx=1.0", seed=1))
    async with client_for(sim) as client:
        got = await snapshot(client, world, job_id)
    assert got.events == () and got.metrics == {} and {"events", *METRIC_TYPES} == {n for n, _ in got.stale}


async def test_earlier_samples_are_kept_only_for_the_same_pod(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world)
    async with client_for(sim) as client:
        before = await snapshot(client, world, job_id)
        world.clock.advance(DEFAULT_WINDOW.period.total_seconds())  # the metrics' clock is due
        sim.faults = FaultPlan.parse("GetJobMetrics:error5xx=1.0", seed=1)
        # no pod chosen yet: the samples of the previous snapshot may be another pod's view
        got = await snapshot(client, world, job_id, before, selected_pod=None)
    assert got.metrics == {} and {n for n, _ in got.stale} == set(METRIC_TYPES)


async def test_a_failing_getjob_raises(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world)
    async with client_for(sim) as client:
        before = await snapshot(client, world, job_id)
        sim.faults = FaultPlan.parse("GetJob:error5xx=1.0", seed=1)
        with pytest.raises(PaiError):
            await snapshot(client, world, job_id, before)
        sim.faults = None
        with pytest.raises(NotFoundError):
            await snapshot(client, world, "dlc-no-such-job", before)


async def test_sanity_checks_are_asked_for_only_when_they_can_exist(world: World) -> None:
    now = world.clock.now().timestamp()
    jobs = world.dlc.all_jobs()
    pending = next(str(j.job_id) for j in jobs if job_phase(j.status_at(now)) == "pending")
    plain = next(str(j.job_id) for j in jobs if j.status_at(now) == "Running" and not j.sanity_check)
    sim = create_app(world)
    for job_id, asked in ((pending, True), (plain, False)):
        requests: Counter[str] = Counter()
        async with client_for(sim, on_request=requests) as client:
            await snapshot(client, world, job_id)
        assert (requests["ListJobSanityCheckResults"] == 1) is asked, job_id
        assert requests["GetJob"] == 1 and requests["GetJobMetrics"] == len(METRIC_TYPES)


async def test_the_job_kind_declares_its_snapshot(world: World) -> None:
    job_id = running_gpu_job(world)
    detail = kind("job").detail
    assert detail is not None
    async with client_for(create_app(world)) as client:
        got = await detail(DetailContext(client, job_id, world.now()))
    assert isinstance(got, JobSnapshot) and got.job.job_id == job_id and set(got.metrics) == set(METRIC_TYPES)


def run_in(world: World, status: str) -> str:
    now = world.clock.now()
    for run in sorted(world.flow.runs.values(), key=lambda r: (r.created, r.run_id)):
        if run.status(now) == status:
            return str(run.run_id)
    raise AssertionError(f"no {status} run in the simulated world")


async def test_a_run_snapshot_holds_the_run_and_its_whole_tree(world: World) -> None:
    run_id = run_in(world, "Running")
    async with client_for(create_app(world)) as client:
        got = await fetch_run_snapshot(client, run_id)
        declared = kind("run").detail
        assert declared is not None
        via_kind = await declared(DetailContext(client, run_id, world.now()))
    assert got.run.pipeline_run_id == run_id and got.run.request_id is None
    assert got.root is not None and got.root.request_id is None and len(list(got.root.walk())) > 1
    assert isinstance(via_kind, RunSnapshot) and via_kind == got


async def test_a_run_not_started_has_no_tree_and_a_failing_read_raises(world: World) -> None:
    run_id = run_in(world, "Initialized")
    sim = create_app(world)
    async with client_for(sim) as client:
        got = await fetch_run_snapshot(client, run_id)
        assert got.root is None
        sim.faults = FaultPlan.parse("GetPipelineRunNode:error5xx=1.0", seed=1)
        with pytest.raises(PaiError):
            await fetch_run_snapshot(client, run_in(world, "Running"))


# --- the side calls' clocks (requests cost money: a running job's detail stays under 40 a minute) ---

async def test_a_running_jobs_detail_costs_at_most_40_requests_a_minute(world: World) -> None:
    job_id = running_gpu_job(world)
    requests: Counter = Counter()
    statuses = set()
    async with client_for(create_app(world), on_request=requests) as client:
        got: JobSnapshot | None = None
        for _ in range(30):  # one minute of polls at the detail interval (2 s)
            got = await snapshot(client, world, job_id, got)
            statuses.add(got.job.status)
            world.clock.advance(2)
    assert got is not None and got.events and got.metrics and got.pod_events is not None  # panels kept filled
    assert requests["GetJob"] == 30 and sum(requests.values()) <= 40
    if len(statuses) == 1:  # no phase change in that minute: exactly the clocks
        assert requests["GetJobMetrics"] == len(METRIC_TYPES)  # the 1 h window's 1 min step: once
        assert requests["GetJobEvents"] == requests["GetPodEvents"] == 2  # every 30 s


async def test_a_status_change_reads_the_events_at_once(world: World) -> None:
    job_id = running_gpu_job(world)
    requests: Counter = Counter()
    async with client_for(create_app(world), on_request=requests) as client:
        before = await snapshot(client, world, job_id)
        requests.clear()
        world.clock.advance(2)
        await snapshot(client, world, job_id, before)
        assert dict(requests) == {"GetJob": 1}  # nothing else is due after 2 s
        requests.clear()
        earlier = replace(before, job=before.job.model_copy(update={"status": "EnvPreparing"}))
        await snapshot(client, world, job_id, earlier)
    assert requests["GetJobEvents"] == requests["GetPodEvents"] == 1 and requests["GetJobMetrics"] == 0


async def test_a_refresh_a_window_change_and_a_pod_change_read_their_panels_at_once(world: World) -> None:
    job_id = running_gpu_job(world)
    requests: Counter = Counter()
    async with client_for(create_app(world), on_request=requests) as client:
        before = await snapshot(client, world, job_id)
        requests.clear()
        await snapshot(client, world, job_id, before, everything=True)  # ``r``
        assert requests["GetJobEvents"] == requests["GetPodEvents"] == 1
        assert requests["GetJobMetrics"] == len(METRIC_TYPES)
        requests.clear()
        narrower = await snapshot(client, world, job_id, before, window=WINDOWS[0])
        assert dict(requests) == {"GetJob": 1, "GetJobMetrics": len(METRIC_TYPES)}
        assert narrower.metrics_window == WINDOWS[0].label
        requests.clear()
        other = await snapshot(client, world, job_id, before, selected_pod=("no-such-pod", None))
        assert dict(requests) == {"GetJob": 1, "GetPodEvents": 1} and other.pod == ("no-such-pod", None)


async def test_panels_not_due_keep_their_data_and_their_marks(world: World) -> None:
    job_id = running_gpu_job(world)
    sim = create_app(world)
    async with client_for(sim, refuse={"GetPodEvents"}) as client:
        before = await snapshot(client, world, job_id)
        world.clock.advance(60)
        sim.faults = FaultPlan.parse("GetJobEvents:error5xx=1.0", seed=1)
        failed = await snapshot(client, world, job_id, before)
        sim.faults = None
        world.clock.advance(2)  # nothing but GetJob is due: the marks stay until the panels are asked again
        later = await snapshot(client, world, job_id, failed)
        assert later.stale_code("events") == failed.stale_code("events") is not None
        assert later.events == before.events and later.metrics == failed.metrics and later.metrics
        assert later.unavailable == ("pod-events",) == failed.unavailable
        world.clock.advance(30)
        healed = await snapshot(client, world, job_id, later)
    assert healed.stale_code("events") is None and healed.events


async def test_the_snapshot_of_a_finished_job_reads_everything(world: World) -> None:
    job_id = running_gpu_job(world)
    requests: Counter = Counter()
    async with client_for(create_app(world), on_request=requests) as client:
        before = await snapshot(client, world, job_id)
        end = world.dlc.job(job_id).end_time
        assert end is not None
        world.clock.advance(end - world.clock.now().timestamp() + 1)
        requests.clear()
        final = await snapshot(client, world, job_id, before)
    assert job_phase(final.job.status) in ("succeeded", "failed", "stopped")
    assert requests["GetJobEvents"] == 1 and requests["GetJobMetrics"] == len(METRIC_TYPES)
