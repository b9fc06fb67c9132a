"""Tailers against the simulated cloud on its manual clock: every line exactly once (overlap de-duplication,
same-millisecond bursts, pages cut inside a burst), since windows, restarts (HistoryPods), the merge of all
pods, PAIFlow Offset paging, the final fetch and stop, and errors with backoff. No sleeps: time moves only
when a test advances the world's clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paitui.api.client import PaiClient
from paitui.api.errors import ThrottledError
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.logsearch import has_ts
from paitui.live.tail import (
    MergedPodTailer,
    NodeLogTailer,
    PodLogTailer,
    TailBatch,
    _Dedup,
    pods_of,
    since,
)
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World

WS = "264901"


def sim_client(world: World, faults: str | None = None) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    plan = FaultPlan.parse(faults, seed=1) if faults else None
    return PaiClient(settings, credentials=demo_credentials(), region=region,
                     transport=SimTransport(create_app(world, faults=plan)))


@pytest.fixture
def world() -> World:
    return World(seed=7, clock=SimClock.manual())


@pytest.fixture
async def client(world: World) -> Any:
    async with sim_client(world) as c:
        yield c


async def find_job(client: PaiClient, predicate: Callable[[Any], bool]) -> Any:
    async for item in client.dlc.iter_jobs(workspace_id=WS, page_size=100):
        job = await client.dlc.get_job(item.job_id)
        if predicate(job):
            return job
    raise AssertionError("no such job in this world")


async def truth(client: PaiClient, job_id: str, pod_id: str, pod_uid: str | None = None,
                container: str | None = None) -> list[str]:
    """The pod's whole log as it is now, in one query (the sim caps MaxLines at 100,000)."""
    response = await client.dlc.get_pod_logs(job_id, pod_id, pod_uid=pod_uid, max_lines=100_000,
                                              start_time="2026-01-01T00:00:00Z", containers=container)
    assert len(response.logs or []) < 100_000
    return list(response.logs or [])


def is_torch_running(job: Any) -> bool:
    return job.status == "Running" and job.job_type == "PyTorchJob" and bool(job.pods)


async def drain(tailer: Any, world: World, steps: list[float]) -> tuple[list[str], list[TailBatch]]:
    out: list[str] = []
    batches: list[TailBatch] = []
    for step in steps:
        while True:
            batch = await tailer.poll()
            batches.append(batch)
            out.extend(batch.lines)
            if not batch.more:
                break
        world.clock.advance(step)
    while True:  # catch up with the last step
        batch = await tailer.poll()
        batches.append(batch)
        out.extend(batch.lines)
        if not batch.more:
            return out, batches


# --- the de-dup core, without the network ---

def test_dedup_multiset_keeps_identical_lines_of_one_burst() -> None:
    burst = ["2026-03-02T08:00:01.500Z W overflow"] * 3
    d = _Dedup("2026-03-02T08:00:00", overlap=0)
    first = d.absorb(["2026-03-02T08:00:00.100Z a", *burst[:2]])  # a page cut inside the burst
    assert first == ["2026-03-02T08:00:00.100Z a", *burst[:2]]
    assert d.start == "2026-03-02T08:00:01"
    # the next query from 08:00:01 returns the whole burst and a new line: only the third copy is new
    second = d.absorb([*burst, "2026-03-02T08:00:01.900Z b"])
    assert second == [burst[0], "2026-03-02T08:00:01.900Z b"]


def test_dedup_keeps_lines_a_short_page_did_not_reach() -> None:
    d = _Dedup(None, overlap=0)
    lines = [f"2026-03-02T08:00:05.{i:03d}Z x" for i in range(5)]
    assert d.absorb(lines) == lines
    assert d.absorb(lines[:2]) == []  # a truncated answer: the other three stay remembered
    assert d.absorb([*lines, "2026-03-02T08:00:05.999Z y"]) == ["2026-03-02T08:00:05.999Z y"]


def test_dedup_overlap_reads_back_earlier_seconds_without_repeats() -> None:
    d = _Dedup(None, overlap=2)
    a = ["2026-03-02T08:00:01.000Z a", "2026-03-02T08:00:03.000Z b"]
    assert d.absorb(a) == a
    assert d.start == "2026-03-02T08:00:01"
    late = "2026-03-02T08:00:02.000Z late"  # ingested late, between lines already shown
    assert d.absorb([a[0], late, a[1]]) == [late]


@settings(max_examples=150, deadline=None)
@given(gaps=st.lists(st.sampled_from([0, 0, 1, 7, 400, 999, 1000, 2500]), min_size=1, max_size=60),
       copies=st.lists(st.integers(1, 4), min_size=60, max_size=60),
       polls=st.lists(st.integers(0, 60), max_size=20), page=st.integers(1, 6), overlap=st.integers(0, 2))
def test_dedup_is_exact_for_any_log_and_any_polling(gaps: list[int], copies: list[int], polls: list[int],
                                                    page: int, overlap: int) -> None:
    """A model of GetPodLogs (lines in [StartTime s, now], earliest first, at most MaxLines) over a log with
    same-millisecond bursts of identical lines: the concatenated output is the log, exactly."""
    ms, log = 0, []
    for gap, n in zip(gaps, copies, strict=False):
        ms += gap
        stamp = f"2026-03-02T08:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}Z"
        log += [f"{stamp} line {ms % 3}"] * n  # texts repeat across times too
    d, out, seen_until = _Dedup(None, overlap), [], 0
    for cut in [*sorted(polls), len(log)]:
        visible = log[:max(cut, seen_until)]
        seen_until = len(visible)
        for _ in range(10 * len(log) + 10):
            window = [line for line in visible if d.start is None or line[:19] >= d.start]
            response = window[:page]
            new = d.absorb(response)
            out += new
            if len(response) < page:
                break
            if not new:
                page *= 4
    assert out == log


# --- DLC pod tailing against the simulator ---

@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_pod_tail_is_exact_under_random_polling(client: PaiClient, world: World, seed: int) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    rng = random.Random(seed)
    # tiny pages force truncation (also inside same-millisecond bursts) and the overlap path on every poll
    tailer = PodLogTailer(client, job.job_id, pod.pod_id, since_=since("5m"), page_lines=rng.choice([3, 4, 7]),
                          now=world.clock.now)
    start = world.clock.now() - timedelta(minutes=5)
    steps = [rng.choice([0.0, 0.1, 0.25, 0.5, 1.0, 1.0, 3.0, 7.5]) for _ in range(60)]
    got, _ = await drain(tailer, world, steps)
    want = [line for line in await truth(client, job.job_id, pod.pod_id, pod.pod_uid)
            if line[:19] >= start.strftime("%Y-%m-%dT%H:%M:%S")]
    assert got == want
    assert len(got) > 50


async def test_bursts_of_identical_lines_arrive_whole(client: PaiClient, world: World) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    tailer = PodLogTailer(client, job.job_id, pod.pod_id, page_lines=2, now=world.clock.now)
    got, _ = await drain(tailer, world, [1.0] * 5)
    want = await truth(client, job.job_id, pod.pod_id, pod.pod_uid)
    assert got == want
    bursts = [i for i in range(len(got) - 2) if got[i] == got[i + 1] == got[i + 2]]
    assert bursts, "the simulator's gradient-overflow bursts are in the log"


async def test_tail_n_is_the_last_n_lines(client: PaiClient, world: World) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    tailer = PodLogTailer(client, job.job_id, pod.pod_id, since_=since("tail", tail_lines=120),
                          page_lines=50, now=world.clock.now)
    got, _ = await drain(tailer, world, [])
    assert got == (await truth(client, job.job_id, pod.pod_id))[-120:]
    world.clock.advance(10)
    more, _ = await drain(tailer, world, [])
    assert got + more == (await truth(client, job.job_id, pod.pod_id))[-120 - len(more):]


async def test_since_window_starts_at_now_minus_window(client: PaiClient, world: World) -> None:
    job = await find_job(client, is_torch_running)
    tailer = PodLogTailer(client, job.job_id, job.pods[0].pod_id, since_=since("1m"), now=world.clock.now)
    batch = await tailer.poll()
    assert batch.lines and batch.state == "live"
    assert batch.lines[0][:19] >= (world.clock.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")


async def test_stops_after_one_final_fetch_when_the_pod_ends(client: PaiClient, world: World) -> None:
    job = await find_job(client, lambda j: j.status == "Running" and j.job_type == "PyTorchJob"
                         and len(j.pods or []) == 1)
    pod = job.pods[0]
    tailer = PodLogTailer(client, job.job_id, pod.pod_id, page_lines=500, now=world.clock.now)
    got: list[str] = []
    for _ in range(400):  # hours of simulated time in big steps until the job finishes
        batch = await tailer.poll()
        got += batch.lines
        if batch.done:
            break
        if not batch.more:
            world.clock.advance(600)
    else:
        pytest.fail("the job never ended")
    assert tailer.done and batch.state == "ended"
    assert got == await truth(client, job.job_id, pod.pod_id, pod.pod_uid)
    final = (await client.dlc.get_job(job.job_id)).status
    assert final in ("Succeeded", "Failed", "Stopped")
    assert "exited with code" in got[-1] or final != "Succeeded"


async def test_history_pod_reads_the_earlier_attempt_once(client: PaiClient, world: World) -> None:
    job = await find_job(client, lambda j: any(p.history_pods for p in j.pods or []))
    ref = next(r for r in pods_of(job) if r.history)
    old = ref.history[0]
    tailer = PodLogTailer(client, job.job_id, ref.pod_id, pod_uid=old.uid, now=world.clock.now)
    batch = await tailer.poll()
    assert (batch.done and batch.state in ("ended", "waiting")) or batch.state == "ended"
    assert batch.lines == await truth(client, job.job_id, ref.pod_id, old.uid)
    current = await truth(client, job.job_id, ref.pod_id)
    assert batch.lines != current  # a different incarnation, a different log
    if batch.lines:
        assert old.uid in batch.lines[0]


async def test_containers_are_listed_and_selectable(client: PaiClient, world: World) -> None:
    job = await find_job(client, lambda j: any(p.history_pods for p in j.pods or []) and j.job_type == "PyTorchJob")
    pod = job.pods[0]
    tailer = PodLogTailer(client, job.job_id, pod.pod_id, now=world.clock.now)
    await tailer.poll()
    assert tailer.container_info is not None
    _main, sidecars = tailer.container_info
    assert sidecars, "the chosen job has no sidecar container"
    side = PodLogTailer(client, job.job_id, pod.pod_id, container=sidecars[0], now=world.clock.now)
    lines = (await side.poll()).lines
    assert lines == await truth(client, job.job_id, pod.pod_id, container=sidecars[0])
    assert all("aimaster" in line for line in lines)


async def test_merged_pods_are_in_time_order_with_prefixes(client: PaiClient, world: World) -> None:
    job = await find_job(client, lambda j: is_torch_running(j) and len(j.pods) >= 3)
    tailer = MergedPodTailer(client, job.job_id, since_=since("5m"), page_lines=40, now=world.clock.now)
    start = (world.clock.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    got, _ = await drain(tailer, world, [0.5, 2.0, 1.0, 5.0, 0.0])
    keys = [line[:24] for line in got]
    assert keys == sorted(keys)
    for ref in pods_of(job):
        mine = [line.replace(f" [{ref.label}]", "", 1) for line in got if f"Z [{ref.label}] " in line[:60]]
        want = [line for line in await truth(client, job.job_id, ref.pod_id) if line[:19] >= start]
        assert mine == want, ref.label


# --- errors ---

class Flaky:
    """Wraps a client: the next ``fail`` GetPodLogs calls raise a throttling error."""

    def __init__(self, client: PaiClient) -> None:
        self._client = client
        self.fail = 0
        self.dlc = self
        self.flow = client.flow

    async def get_job(self, *args: Any, **kw: Any) -> Any:
        return await self._client.dlc.get_job(*args, **kw)

    async def get_pod_logs(self, *args: Any, **kw: Any) -> Any:
        if self.fail:
            self.fail -= 1
            raise ThrottledError("Request was denied due to user flow control.", status=429,
                                 code="Throttling.User", request_id="req-1", retry_after=3.0)
        return await self._client.dlc.get_pod_logs(*args, **kw)


async def test_errors_keep_lines_back_off_and_resume_without_loss(client: PaiClient, world: World) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    flaky = Flaky(client)
    tailer = PodLogTailer(flaky, job.job_id, pod.pod_id, since_=since("1m"), now=world.clock.now)  # type: ignore[arg-type]
    got = (await tailer.poll()).lines
    assert tailer.next_delay() == 1.0
    flaky.fail = 3
    delays = []
    for _ in range(3):
        world.clock.advance(2)
        batch = await tailer.poll()
        assert batch.error is not None and batch.lines == [] and batch.state == "live"
        delays.append(tailer.next_delay())
    assert delays == [3.0, 4.0, 8.0]  # retry_after wins over 2 s, then doubling
    world.clock.advance(2)
    batch = await tailer.poll()
    assert batch.error is None and tailer.next_delay() == 1.0
    got += batch.lines
    start = got[0][:19]
    assert got == [line for line in await truth(client, job.job_id, pod.pod_id) if line[:19] >= start]


async def test_a_deleted_job_is_gone(client: PaiClient, world: World) -> None:
    tailer = PodLogTailer(client, "dlc-no-such-job", "dlc-no-such-job-worker-0", now=world.clock.now)
    batch = await tailer.poll()
    assert batch.state == "gone" and batch.done and batch.error is not None


async def test_a_pending_pod_waits(client: PaiClient, world: World) -> None:
    job = await find_job(client, lambda j: j.status in ("Queuing", "EnvPreparing", "Creating") and j.pods)
    tailer = PodLogTailer(client, job.job_id, job.pods[0].pod_id, now=world.clock.now)
    batch = await tailer.poll()
    assert batch.state == "waiting" and not batch.lines and not batch.done


# --- PAIFlow ---

async def find_node(client: PaiClient, status: str) -> tuple[str, str]:
    async for run in client.flow.iter_pipeline_runs(workspace_id=WS, page_size=100):
        if run.status != status:
            continue
        detail = await client.flow.get_pipeline_run(run.pipeline_run_id)
        root = await client.flow.get_pipeline_run_node(run.pipeline_run_id, detail.node_id, depth=3)
        stack = list(root.children)
        while stack:
            node = stack.pop()
            if node.metadata and node.metadata.node_type == "Task" and node.status_info and \
                    node.status_info.status == "Running":
                return run.pipeline_run_id, node.metadata.node_id or ""
            stack.extend(node.children)
    raise AssertionError("no running task node")


async def node_truth(client: PaiClient, run_id: str, node_id: str) -> list[str]:
    return [line async for line in client.flow.iter_node_logs(run_id, node_id, page_size=1000)]


async def test_node_offset_paging_is_exact_and_stops(client: PaiClient, world: World) -> None:
    run_id, node_id = await find_node(client, "Running")
    tailer = NodeLogTailer(client, run_id, node_id, page_size=3, now=world.clock.now)
    got: list[str] = []
    for _ in range(500):
        batch = await tailer.poll()
        got += batch.lines
        if batch.done:
            break
        if not batch.more:
            world.clock.advance(1.5)
    else:
        pytest.fail("the node never ended")
    assert batch.state == "ended"
    assert got == await node_truth(client, run_id, node_id)
    assert all(has_ts(line) for line in got)


async def test_node_tail_n(client: PaiClient, world: World) -> None:
    run_id, node_id = await find_node(client, "Running")
    world.clock.advance(20)
    tailer = NodeLogTailer(client, run_id, node_id, since_=since("tail", tail_lines=3), now=world.clock.now)
    batch = await tailer.poll()
    assert batch.lines == (await node_truth(client, run_id, node_id))[-3:]
