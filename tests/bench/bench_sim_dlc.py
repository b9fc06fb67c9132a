"""Benchmark of the simulated pai-dlc product at scale (a script, not a pytest test):

    python -m tests.bench.bench_sim_dlc [--jobs 50000] [--calls 200] [--runs 3] [--json PATH] [--tiny]

Builds a World with 50,000 jobs, reports the RSS growth (from /proc/self/status VmRSS), then the median and
p95 latency of ListJobs PageSize=100 through the ASGI app in-process (httpx.ASGITransport), plus a few
variants and the log generation rate. Targets: RSS growth ≤ 500 MB, ListJobs median ≤ 20 ms. Each run is a
separate process (medians of ``--runs``); the simulator has no peer to measure against, so no baseline.

The clock-advancing variants are what a demo does: the simulated clock moves between calls, so running jobs'
Durations tick and jobs change phase. "full list" reads every page of all workspaces' last 7 days, as the
jobs screen does, and reports the server CPU per job item. Only the public simulator API is used, so the same
script measures another checkout (``PYTHONPATH=<checkout> python tests/bench/bench_sim_dlc.py``: the report
module is imported from this file's own folder, so the checkout measured needs none).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World

# by this file's folder, not as tests.bench.report: PYTHONPATH may point at another checkout, measured
sys.path.append(str(Path(__file__).resolve().parent))
from report import Figure, Report, arguments, column, interleaved, print_sample, runs_of


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


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


def latency(times: list[float]) -> tuple[float, float]:
    """(median, p95) in ms."""
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("ListJobs PageSize=100 (default workspace, 7-day window)", {"PageSize": 100}),
    ("  + ShowOwn, FromAllWorkspaces", {"PageSize": 100, "ShowOwn": "true", "FromAllWorkspaces": "true"}),
    ("  + Status=Running (a scan)", {"PageSize": 100, "Status": "Running"}),
    ("  + SortBy=DisplayName", {"PageSize": 100, "SortBy": "DisplayName", "Order": "asc"}),
]
TICKING = ["ListJobs PageSize=100, clock +1 s per call", "ListJobs PageSize=100, clock +60 s per call",
           "GetJob of a running job, clock +2 s per call"]
FULL_LIST = "full list (30 days), clock +5 s per round: CPU per item"


async def bench(world: World, calls: int) -> dict[str, float]:
    """Every latency (median and p95, ms) and the full list's CPU per item (µs)."""
    app = create_app(world, verify_auth=False)
    transport = httpx.ASGITransport(app=app)
    out: dict[str, float] = {}

    def keep(label: str, times: list[float]) -> None:
        out[f"{label} median"], out[f"{label} p95"] = latency(times)

    async with httpx.AsyncClient(transport=transport, base_url="http://pai-dlc.cn-hangzhou.aliyuncs.com") as client:
        for label, params in VARIANTS:
            times, total = await time_calls(client, params, calls)
            keep(label, times)
            out[f"{label} TotalCount"] = total
        keep(TICKING[0], await time_ticking(client, world, "/api/v1/jobs", {"PageSize": 100}, calls, 1.0))
        keep(TICKING[1], await time_ticking(client, world, "/api/v1/jobs", {"PageSize": 100}, calls, 60.0))
        running = [j.job_id for j in world.dlc.all_jobs() if j.status_at(world.now().timestamp()) == "Running"]
        keep(TICKING[2], await time_ticking(client, world, f"/api/v1/jobs/{running[-1]}", {}, calls, 2.0))
        out[FULL_LIST], out["full list items"] = await full_list(client, world, 3, 5.0)
    return out


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


def measure(jobs: int, calls: int) -> dict[str, float]:
    before = rss_mb()
    started = time.perf_counter()
    world = World(seed=7, jobs=jobs, clock=SimClock.manual())
    # each product's store is seeded on first use: touch them all, or the figure measures an empty shell
    for store in (world.workspace, world.dlc, world.flow, world.plugin):
        assert store is not None
    assert set(world.seeded()) >= {"workspace", "dlc", "flow", "plugin"}, world.seeded()
    out = {"world built": time.perf_counter() - started, "RSS growth": rss_mb() - before}
    out |= asyncio.run(bench(world, calls))
    out["log lines"], out["log rate"] = log_rate(world)
    out["RSS after the calls"] = rss_mb() - before
    return out


TINY_JOBS, TINY_CALLS = 500, 5


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=3)
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args(argv)
    jobs, calls = (TINY_JOBS, TINY_CALLS) if args.tiny else (args.jobs, args.calls)
    if args.sample:
        print_sample(measure(jobs, calls))
        return 0
    runs = runs_of(args)
    samples = interleaved(__file__, ["world"], ["--jobs", str(jobs), "--calls", str(calls)], runs)["world"]
    figures = [Figure(f"World(jobs={jobs}) built (all products)", "s", column(samples, "world built")),
               Figure("RSS growth of the world", "MB", column(samples, "RSS growth"), goal="≤ 500 MB")]
    for number, (label, _) in enumerate(VARIANTS + [(name, {}) for name in TICKING]):
        figures.append(Figure(f"{label}: median", "ms", column(samples, f"{label} median"),
                              goal="≤ 20 ms" if number == 0 else None))
        figures.append(Figure(f"{label}: p95", "ms", column(samples, f"{label} p95")))
    figures += [Figure(FULL_LIST, "µs", column(samples, FULL_LIST)),
                Figure("GetPodLogs generation", "lines/s", column(samples, "log rate"), better="higher",
                       goal="≥ 200,000"),
                Figure("RSS after the calls, above the start", "MB", column(samples, "RSS after the calls"))]
    totals = ", ".join(f"{statistics.median(column(samples, f'{label} TotalCount')):,.0f}" for label, _ in VARIANTS)
    notes = [f"simulated pai-dlc, World(seed=7, jobs={jobs:,}), {calls} calls per latency",
             f"TotalCount of the four ListJobs variants {totals}",
             f"median of {runs} process(es)"]
    Report("bench_sim_dlc", figures, notes).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
