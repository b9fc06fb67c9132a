"""Benchmark of the simulated pai-dlc product at scale (a script, not a pytest test):

    python tests/bench/bench_sim_dlc.py [--jobs 50000] [--calls 200]

Builds a World with 50,000 jobs, reports the RSS growth (from /proc/self/status VmRSS), then the median and
p95 latency of ListJobs PageSize=100 through the ASGI app in-process (httpx.ASGITransport), plus a few
variants and the log generation rate. Targets: RSS growth ≤ 500 MB, ListJobs median ≤ 20 ms.

The clock-advancing variants are what a demo does: the simulated clock moves between calls, so running jobs'
Durations tick and jobs change phase. "full list" reads every page of all workspaces' last 7 days, as the
jobs screen does, and reports the server CPU per job item. Only the public simulator API is used, so the same
script measures another checkout (``PYTHONPATH=<checkout> python tests/bench/bench_sim_dlc.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import timedelta
from typing import Any

import httpx

from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World

RSS_TARGET_MB = 500.0
MEDIAN_TARGET_MS = 20.0


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def verdict(value: float, target: float) -> str:
    return f"{'OK  ' if value <= target else 'OVER'} (target ≤ {target:g})"


async def time_calls(client: httpx.AsyncClient, params: dict[str, Any], calls: int) -> tuple[list[float], int]:
    times, total = [], 0
    for i in range(calls):
        started = time.perf_counter()
        resp = await client.get("/api/v1/jobs", params={**params, "PageNumber": 1 + i % 10})
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, resp.text
        total = resp.json()["TotalCount"]
    return times, total


async def time_ticking(client: httpx.AsyncClient, world: World, path: str, params: dict[str, Any], calls: int,
                       step: float) -> list[float]:
    """Like ``time_calls``, with the simulated clock advanced ``step`` seconds before each call."""
    times = []
    for i in range(calls):
        world.clock.advance(step)
        started = time.perf_counter()
        resp = await client.get(path, params={**params, "PageNumber": 1 + i % 10})
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, resp.text
    return sorted(times)


async def full_list(client: httpx.AsyncClient, world: World, rounds: int, step: float) -> tuple[float, int]:
    """Every page (PageSize 100, the default workspace, created in the last 30 days) ``rounds`` times, the
    clock ``step`` s on between rounds: process CPU in µs per job item served, and the items per round."""
    items = 0
    cpu = 0.0
    for _ in range(rounds):
        world.clock.advance(step)
        items, page = 0, 1
        while True:
            started = time.process_time()
            start = (world.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
            resp = await client.get("/api/v1/jobs", params={"PageSize": 100, "PageNumber": page,
                                                            "StartTime": start})
            cpu += time.process_time() - started
            body = resp.json()
            items += len(body["Jobs"])
            if page * 100 >= body["TotalCount"]:
                break
            page += 1
    return cpu / max(items * rounds, 1) * 1e6, items


def report(label: str, times: list[float]) -> float:
    times = sorted(times)
    med = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:58s} median {med:6.2f} ms  p95 {p95:6.2f} ms")
    return med


async def bench(world: World, calls: int) -> float:
    app = create_app(world, verify_auth=False)
    transport = httpx.ASGITransport(app=app)
    median = float("nan")
    async with httpx.AsyncClient(transport=transport, base_url="http://pai-dlc.cn-hangzhou.aliyuncs.com") as client:
        variants: list[tuple[str, dict[str, Any]]] = [
            ("ListJobs PageSize=100 (default workspace, 7-day window)", {"PageSize": 100}),
            ("  + ShowOwn, FromAllWorkspaces", {"PageSize": 100, "ShowOwn": "true", "FromAllWorkspaces": "true"}),
            ("  + Status=Running (a scan)", {"PageSize": 100, "Status": "Running"}),
            ("  + SortBy=DisplayName", {"PageSize": 100, "SortBy": "DisplayName", "Order": "asc"}),
        ]
        for label, params in variants:
            times, total = await time_calls(client, params, calls)
            times.sort()
            med = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{label:58s} median {med:6.2f} ms  p95 {p95:6.2f} ms  (TotalCount {total})")
            if label.startswith("ListJobs"):
                median = med
        report("ListJobs PageSize=100, clock +1 s per call", await time_ticking(
            client, world, "/api/v1/jobs", {"PageSize": 100}, calls, 1.0))
        report("ListJobs PageSize=100, clock +60 s per call", await time_ticking(
            client, world, "/api/v1/jobs", {"PageSize": 100}, calls, 60.0))
        running = [j.job_id for j in world.dlc.all_jobs() if j.status_at(world.now().timestamp()) == "Running"]
        report("GetJob of a running job, clock +2 s per call", await time_ticking(
            client, world, f"/api/v1/jobs/{running[-1]}", {}, calls, 2.0))
        per_item, items = await full_list(client, world, 3, 5.0)
        print(f"{'full list (30 days), clock +5 s per round':58s} "
              f"{per_item:6.1f} µs CPU per item  ({items} items, 3 rounds)")
    return median


def log_rate(world: World) -> tuple[int, float]:
    from paitui.sim.dlc.logs import read_lines, stream
    from paitui.sim.dlc.model import pod_slots, segments
    from paitui.sim.dlc.wire import instances_now

    now = world.genesis.timestamp()
    job = next(j for j in reversed(world.dlc.all_jobs()) if j.job_type == "PyTorchJob" and j.end_time
               and j.end_time < now and j.outcome == "succeeded" and j.planned_run > 86400)
    slot = pod_slots(job)[0]
    insts = instances_now(job, slot, now, segments(job))
    source = stream(job, insts, len(insts) - 1, "pytorch")
    assert source is not None
    started = time.perf_counter()
    lines = read_lines([source], 0, 10**15, 1_000_000)
    return len(lines), len(lines) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    before = rss_mb()
    started = time.perf_counter()
    world = World(seed=7, jobs=args.jobs, clock=SimClock.manual())
    built = time.perf_counter() - started
    grown = rss_mb() - before
    print(f"World(jobs={args.jobs}) built in {built:.1f} s (all products); "
          f"{len(world.dlc.jobs)} dlc jobs, {len(world.dlc.tensorboards.items)} tensorboards")
    print(f"RSS growth {grown:7.1f} MB   {verdict(grown, RSS_TARGET_MB)}")
    median = asyncio.run(bench(world, args.calls))
    print(f"ListJobs PageSize=100 median {median:.2f} ms   {verdict(median, MEDIAN_TARGET_MS)}")
    count, rate = log_rate(world)
    print(f"GetPodLogs generation: {count} lines at {rate:,.0f} lines/s (target ≥ 200,000)")
    print(f"RSS after the calls {rss_mb() - before:7.1f} MB above the start")


if __name__ == "__main__":
    main()
