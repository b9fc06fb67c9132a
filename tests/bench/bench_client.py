"""paitui's client against the official SDK on the same served simulator (a script, not a pytest test):

    python -m tests.bench.bench_client [--runs 5] [--pages 40] [--calls 1000] [--concurrency 50] [--json PATH]
    python -m tests.bench.bench_client --tiny      # each measure once at a tiny size (CI: it must not rot)

Serves the simulated cloud in a subprocess (``paitui sim serve --qps 100000``), so the CPU measured here is the
client's alone (``time.process_time`` of this process), and measures, interleaved round by round, for
``paitui.api.client.PaiClient`` and for the official ``alibabacloud_pai_dlc20201203`` clients:

  (a) CPU per ListJobs page (PageSize 100), sequential — paitui ``dlc.list_jobs`` (full models) and
      ``dlc.list_job_rows`` (the slim rows the jobs list reads) vs the SDK's sync ``list_jobs_with_options``;
  (b) CPU per GetJob at concurrency 50 — paitui vs the SDK's async ``get_job_with_options_async``;
  (c) calls/s at concurrency 50 (the same run as (b)).

The full-model figure (a) builds every field of every job, as the SDK's ``from_map`` does: nothing is parsed
lazily. paitui reads a body with CPython's cyclic collector paused (``api/client.py``); the collection those
allocations call for runs right after, inside the measured time.

paitui's client-side rate limiter (100/s by default, PAI's own limit) is raised like the server's, so both
clients run as fast as they can. ``--runs`` is the number of interleaved rounds (one served simulator for all:
the clients are what is measured, each round in this process). Prints the medians (``tests/bench/report.py``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from paitui.api.client import PaiClient  # noqa: E402
from paitui.api.credentials import StaticProvider  # noqa: E402
from paitui.config import Settings  # noqa: E402
from paitui.sim.identity import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET  # noqa: E402
from tests.bench.report import Figure, Report, arguments, runs_of  # noqa: E402

# every job the world ever made: the window the SDK and paitui both send
WINDOW = {"start_time": "2000-01-01T00:00:00Z", "end_time": "2100-01-01T00:00:00Z"}


@dataclass(frozen=True)
class Size:
    rounds: int
    pages: int  # ListJobs pages per measure
    calls: int  # GetJob calls per concurrent measure
    concurrency: int
    jobs: int  # jobs in the served world


FULL = Size(rounds=5, pages=40, calls=1000, concurrency=50, jobs=2000)
TINY = Size(rounds=1, pages=2, calls=10, concurrency=5, jobs=250)


# --- the served simulator -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_simulator(jobs: int) -> Iterator[str]:
    """``paitui sim serve`` in a subprocess (its CPU is not ours); yields ``127.0.0.1:PORT`` once it accepts."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    cmd = [sys.executable, "-m", "paitui", "sim", "serve", "--port", str(port), "--qps", "100000",
           "--jobs", str(jobs), "--seed", "7"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ready:"):
                break
        else:
            raise RuntimeError(f"the simulator exited ({proc.wait()}) before accepting connections")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- the two clients --------------------------------------------------------------------------------------


def paitui_client(endpoint: str) -> PaiClient:
    provider = StaticProvider.ak(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, description="bench")
    return PaiClient(Settings(endpoints={"*": f"http://{endpoint}"}, rate_limit=1_000_000), credentials=provider)


def sdk_client(endpoint: str) -> Any:
    from alibabacloud_pai_dlc20201203.client import Client
    from alibabacloud_tea_openapi.models import Config

    return Client(Config(endpoint=endpoint, protocol="http", region_id="cn-hangzhou",
                         access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET))


def _cpu(run: Callable[[], int]) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, calls) of ``run``."""
    cpu, wall = time.process_time(), time.perf_counter()
    calls = run()
    return time.process_time() - cpu, time.perf_counter() - wall, calls


def _page_numbers(size: Size, total: int) -> list[int]:
    last = max(1, total // 100)
    return [1 + i % last for i in range(size.pages)]


def paitui_pages(endpoint: str, size: Size, total: int, *, rows: bool) -> float:
    """ms of CPU per ListJobs page (PageSize 100), sequential."""
    async def main() -> tuple[float, float, int]:
        async with paitui_client(endpoint) as client:
            read = client.dlc.list_job_rows if rows else client.dlc.list_jobs
            page = await read(page_size=100, **WINDOW)  # warm: connection, imports, caches
            assert len(page.jobs) == min(100, total)

            async def pages() -> int:
                for number in _page_numbers(size, total):
                    await read(page_size=100, page_number=number, **WINDOW)
                return size.pages

            cpu, wall = time.process_time(), time.perf_counter()
            calls = await pages()
            return time.process_time() - cpu, time.perf_counter() - wall, calls

    cpu, _, calls = asyncio.run(main())
    return cpu / calls * 1000


def sdk_pages(endpoint: str, size: Size, total: int) -> float:
    from alibabacloud_pai_dlc20201203 import models as dlc
    from darabonba.runtime import RuntimeOptions

    client = sdk_client(endpoint)

    def page(number: int) -> Any:
        request = dlc.ListJobsRequest(page_size=100, page_number=number, **WINDOW)
        return client.list_jobs_with_options(request, {}, RuntimeOptions()).body

    assert len(page(1).jobs) == min(100, total)

    def run() -> int:
        for number in _page_numbers(size, total):
            page(number)
        return size.pages

    cpu, _, calls = _cpu(run)
    return cpu / calls * 1000


async def _concurrently(call: Callable[[str], Any], ids: list[str], size: Size) -> int:
    queue = iter(range(size.calls))

    async def worker() -> None:
        for i in queue:
            await call(ids[i % len(ids)])

    await asyncio.gather(*(worker() for _ in range(size.concurrency)))
    return size.calls


def paitui_getjob(endpoint: str, size: Size, ids: list[str]) -> tuple[float, float]:
    """(ms of CPU per GetJob, calls per second) at ``size.concurrency``."""
    async def main() -> tuple[float, float, int]:
        async with paitui_client(endpoint) as client:
            async def call(job_id: str) -> None:
                await client.dlc.get_job(job_id)

            await _concurrently(call, ids, Size(1, 1, size.concurrency, size.concurrency, 0))  # warm the pool
            cpu, wall = time.process_time(), time.perf_counter()
            calls = await _concurrently(call, ids, size)
            return time.process_time() - cpu, time.perf_counter() - wall, calls

    cpu, wall, calls = asyncio.run(main())
    return cpu / calls * 1000, calls / wall


def sdk_getjob(endpoint: str, size: Size, ids: list[str]) -> tuple[float, float]:
    from alibabacloud_pai_dlc20201203 import models as dlc
    from darabonba.runtime import RuntimeOptions

    client = sdk_client(endpoint)

    async def main() -> tuple[float, float, int]:
        async def call(job_id: str) -> None:
            await client.get_job_with_options_async(job_id, dlc.GetJobRequest(), {}, RuntimeOptions())

        await _concurrently(call, ids, Size(1, 1, size.concurrency, size.concurrency, 0))
        cpu, wall = time.process_time(), time.perf_counter()
        calls = await _concurrently(call, ids, size)
        return time.process_time() - cpu, time.perf_counter() - wall, calls

    cpu, wall, calls = asyncio.run(main())
    return cpu / calls * 1000, calls / wall


def _world_facts(endpoint: str) -> tuple[int, list[str]]:
    async def main() -> tuple[int, list[str]]:
        async with paitui_client(endpoint) as client:
            page = await client.dlc.list_job_rows(page_size=100, **WINDOW)
            return page.total_count or 0, [job.job_id for job in page.jobs]

    return asyncio.run(main())


# --- the run ------------------------------------------------------------------------------------------------


def measure(size: Size) -> dict[str, dict[str, list[float]]]:
    samples: dict[str, dict[str, list[float]]] = {
        name: {"paitui": [], "sdk": []} for name in ("page", "rows", "getjob", "throughput")}
    with served_simulator(size.jobs) as endpoint:
        total, ids = _world_facts(endpoint)
        for round_number in range(size.rounds):
            # alternate who goes first, so neither always meets a warmer (or busier) server
            order = ("paitui", "sdk") if round_number % 2 == 0 else ("sdk", "paitui")
            for who in order:
                if who == "paitui":
                    samples["page"]["paitui"].append(paitui_pages(endpoint, size, total, rows=False))
                    samples["rows"]["paitui"].append(paitui_pages(endpoint, size, total, rows=True))
                    cpu, rate = paitui_getjob(endpoint, size, ids)
                else:
                    samples["page"]["sdk"].append(sdk_pages(endpoint, size, total))
                    cpu, rate = sdk_getjob(endpoint, size, ids)
                samples["getjob"][who].append(cpu)
                samples["throughput"][who].append(rate)
            print(f"round {round_number + 1}/{size.rounds} done", file=sys.stderr, flush=True)
    samples["rows"]["sdk"] = samples["page"]["sdk"]  # the SDK has no slimmer reading: same baseline
    return samples


SYNC, ASYNC = "official SDK, sync", "official SDK, async"
FIGURES = [
    # key, label, unit, better, goal (on the ratio paitui/SDK), the SDK client it is measured against
    ("page", "client CPU per ListJobs page (PageSize 100), sequential, full models", "ms", "lower", "≤ 0.8×", SYNC),
    ("rows", "  the same, read as compact JobRow (what the jobs list uses)", "ms", "lower", "≤ 0.8×", SYNC),
    ("getjob", "client CPU per GetJob at concurrency 50", "ms", "lower", "≤ 1.0×", ASYNC),
    ("throughput", "throughput at concurrency 50 (limiters raised)", "calls/s", "higher", "≥ 1.5×", ASYNC),
]


def report(samples: dict[str, dict[str, list[float]]], size: Size) -> Report:
    figures = [Figure(label.replace("50", str(size.concurrency)), unit, samples[key]["paitui"], better=better,
                      goal=goal, baseline_name=sdk, baseline_samples=samples[key]["sdk"])
               for key, label, unit, better, goal, sdk in FIGURES]
    notes = [f"paitui client vs official SDK, served simulator ({size.jobs} jobs)",
             f"medians of {size.rounds} interleaved round(s)",
             f"concurrency {size.concurrency}, {size.calls} GetJob calls, {size.pages} pages",
             # what the full-model figure includes, so it stays comparable with the SDK's from_map
             "full models: every job and pod built whole (nothing lazy), the collector's deferred run included"]
    return Report("bench_client", figures, notes)


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=FULL.rounds)
    parser.add_argument("--pages", type=int, default=FULL.pages)
    parser.add_argument("--calls", type=int, default=FULL.calls)
    parser.add_argument("--concurrency", type=int, default=FULL.concurrency)
    parser.add_argument("--jobs", type=int, default=FULL.jobs)
    args = parser.parse_args(argv)
    rounds = runs_of(args)
    size = TINY if args.tiny else Size(rounds, args.pages, args.calls, args.concurrency, args.jobs)
    size = Size(rounds, size.pages, size.calls, size.concurrency, size.jobs)
    report(measure(size), size).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
