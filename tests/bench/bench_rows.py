"""Compact list rows (issue 13): memory per held job row, parse CPU per page, and the 50k-job demo load.

    python -m tests.bench.bench_rows [--jobs 20000] [--load-jobs 50000] [--runs 3] [--json PATH]
    python tests/bench/bench_rows.py --tiny      # each measure once at a tiny size (CI: it must not rot)

Every figure is printed next to a baseline measured in the same run: for the rows, the pydantic ``JobRow`` the
lists held before (``JobFields`` minus the pods, unknown keys ignored; ``BaselineRow`` below), reading the
same pages; for the load, the simulator in the app's own loop (below).

(a) rows: N jobs of one workspace are listed through the client against the in-process simulator (window
    all, PageSize 100) and the raw pages recorded once; then, in a fresh process per reading and run, after
    one warm-up page:
    * parse CPU per page: ``time.process_time`` of reading every page, divided by the pages;
    * RSS growth per row over that first parse (the rows held), as a cross-check;
    * bytes per row: what ``tracemalloc`` finds still allocated once every page is parsed again and only the
      rows are held (shared strings included), divided by N.
(b) load: the dashboard (160x48 headless) on a world whose first workspace holds M jobs: ``:jobs`` to all
    rows loaded and drawn with the app idle, while ``j``/``k`` are posted every ~50 ms from when the table has
    focus; a key's latency is the time from posting it to its cursor action having run (p95 and max; the next
    key is posted once one is answered). Two readings: the simulated cloud in a child process (``child``,
    what ``paitui --demo`` does with a big world; its CPU and peak RSS read from ``/proc``) against the
    baseline of the simulator in the app's own loop (``in-process``, ``bench_dashboard``'s app, as the tests
    run it). Both worlds are seeded before the clock starts and both simulators' caches are cold.

Medians of ``--runs`` separate processes per figure, the four readings (rows: compact and baseline; load:
child and in-process) interleaved. The goals (4 KB a row, 50k loaded in 5 s, key p95 50 ms) are on the
compact rows and the child; the load's goal is meant for 50,000 jobs. Nothing here is asserted: it measures
and reports.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from pydantic import ConfigDict  # noqa: E402

from paitui.api.models.common import Int, Str, WireModel, wire  # noqa: E402
from paitui.api.models.dlc import JobFields  # noqa: E402
from paitui.api.models.job_row import read_job_rows  # noqa: E402
from paitui.api.operations import operation  # noqa: E402
from tests.bench.report import Figure, Report, arguments, column, interleaved, print_sample, runs_of  # noqa: E402


class BaselineRow(JobFields):
    """The pydantic row the lists held before the compact one: a ListJobs item without its pods."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class BaselineRows(WireModel):
    jobs: list[BaselineRow] | None = wire("Jobs")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


READERS: dict[str, Callable[[bytes], Any]] = {
    "compact": read_job_rows,
    "baseline": BaselineRows.model_validate_json,
}


@dataclass(frozen=True)
class Size:
    jobs: int  # jobs whose rows are measured in (a)
    load_jobs: int  # jobs of the workspace loaded in (b)


FULL = Size(jobs=20_000, load_jobs=50_000)
TINY = Size(jobs=300, load_jobs=300)
WORKSPACE = ("264901", "llm_pretrain")  # the seed world's first workspace: 5/13 of all jobs


def world_jobs(jobs: int) -> int:
    return jobs * 13 // 5 + 13  # so that the first workspace alone holds at least `jobs`


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


# --- (a) rows ---------------------------------------------------------------------------------------------


def record_pages(jobs: int, path: Path) -> int:
    """The first ``jobs`` jobs of the workspace as raw ListJobs pages (PageSize 100), written to ``path``."""
    from paitui.backend import open_backend
    from paitui.config import Settings
    from paitui.live.windows import ALL_START
    from paitui.sim.clock import SimClock
    from paitui.sim.world import World

    async def main() -> list[bytes]:
        world = World(seed=7, jobs=world_jobs(jobs), clock=SimClock.manual())
        backend = open_backend(Settings(demo=True, rate_limit=1e6), world=world)
        op = operation("dlc", "ListJobs")
        pages: list[bytes] = []
        async with backend.client as client:
            for number in range(1, (jobs + 99) // 100 + 1):
                params = {"WorkspaceId": WORKSPACE[0], "StartTime": ALL_START,
                          "EndTime": "2100-01-01T00:00:00Z", "PageSize": 100, "PageNumber": number,
                          "SortBy": "GmtCreateTime", "Order": "desc"}
                pages.append(await client.invoke_read(op, params, bytes))
        return pages

    pages = asyncio.run(main())
    path.write_text(json.dumps([page.decode() for page in pages]))
    return len(pages)


def measure_rows(reader: str, path: Path) -> dict[str, float]:
    """One reading of the recorded pages in this (fresh) process: memory first, then CPU."""
    pages = [page.encode() for page in json.loads(path.read_text())]
    read = READERS[reader]
    read(pages[0])  # warm: the reader's schema, pydantic's caches
    gc.collect()
    rss, cpu = rss_bytes(), time.process_time()
    held = [row for page in pages for row in read(page).jobs or ()]
    cpu = time.process_time() - cpu
    grown = rss_bytes() - rss
    rows = len(held)
    del held
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [row for page in pages for row in read(page).jobs or ()]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"rows": rows, "bytes per row": (after - before) / rows, "parse CPU per page (ms)": cpu / len(pages) * 1000,
            "RSS growth per row (bytes)": grown / rows, "pages": len(pages), "kept": len(held)}


# --- (b) the dashboard load -------------------------------------------------------------------------------


def child_app(jobs: int) -> tuple[Any, Any]:
    """The dashboard as ``paitui --demo`` runs a big world: the simulated cloud in a child process (``open_backend``
    chooses one from ``CHILD_FROM_JOBS``; asked for here, so that ``--tiny`` measures the same), its world as
    big as ``new_app``'s (and seeded before timing, as there)."""
    from paitui.backend import open_backend
    from paitui.config import Settings
    from paitui.live.gc_pacing import freeze_startup
    from paitui.ui.app import make_app

    # the first ListJobs waits for the child's seeding of its jobs (tens of seconds for this world, on its
    # thread from the start): untimed, so the deadlines are stretched for it
    settings = Settings(demo=True, sim={"jobs": world_jobs(jobs)}, list_interval=3600, read_timeout=900,
                        request_deadline=900)
    backend = open_backend(settings, simulator="process")
    freeze_startup()
    return make_app(settings, backend), backend


async def measure_load(simulator: str, jobs: int, tiny: bool) -> dict[str, float]:
    """``:jobs`` on a cold simulator with ``jobs`` jobs in the workspace, keys posted meanwhile; the simulator
    in a child process (``child``, what ``paitui --demo`` does) or in the app's own loop (``in-process``)."""
    from paitui.ui.screens.jobs import JobsScreen
    from paitui.ui.widgets.resource_table import ResourceTable
    from tests.bench.bench_dashboard import GcTimer, new_app, wait_for

    handled: list[float] = []
    for name in ("action_cursor_down", "action_cursor_up"):
        original = getattr(ResourceTable, name)

        def stamped(self: ResourceTable, original: Callable[[ResourceTable], None] = original) -> None:
            original(self)
            handled.append(time.perf_counter())

        setattr(ResourceTable, name, stamped)

    child = None
    if simulator == "child":
        app, backend = child_app(jobs)
        child = backend.client._transport.child
        # wait for the child's background seeding of every store (new_app's world is seeded before it
        # measures): a request waits for its product's store
        await backend.client.dlc.list_jobs(workspace_id=WORKSPACE[0], page_size=1)
        await backend.client.flow.list_pipeline_runs(workspace_id=WORKSPACE[0], page_size=1)
        await backend.client.plugin.list_schedules(page_size=1)
    else:
        app = new_app(jobs)
    latencies: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        app.set_workspace(*WORKSPACE)
        screen = JobsScreen()
        screen.window = "all"
        done = False
        focused: list[float] = []

        async def keys() -> None:
            k = 0
            # keys count from when the table can take them (mounted and focused), as a user's first key would
            while not (screen.is_mounted and app.focused is screen.table) and not done:
                await asyncio.sleep(0.001)
            focused.append(time.perf_counter() - start)
            while not done or (tiny and len(latencies) < 3):
                before, sent = len(handled), time.perf_counter()
                app.simulate_key("j" if k % 2 == 0 else "k")
                k += 1
                while len(handled) == before and time.perf_counter() - sent < 10:
                    await asyncio.sleep(0.001)
                if len(handled) > before:
                    latencies.append(handled[-1] - sent)
                await asyncio.sleep(0.05)

        gc_time = GcTimer()
        start, cpu = time.perf_counter(), time.process_time()
        child_cpu = process_cpu(child.pid) if child else 0.0
        with gc_time:
            app.current_view = "jobs"
            app.push_screen(screen)
            presser = asyncio.create_task(keys())
            await wait_for(pilot, lambda: screen.is_mounted and screen.loaded, timeout=600)
            await pilot.pause()
            drawn, cpu = time.perf_counter() - start, time.process_time() - cpu
            child_cpu = process_cpu(child.pid) - child_cpu if child else 0.0
            done = True
            await presser
        rows = screen.table.row_count
        child_rss = peak_rss_mb(child.pid) if child else 0.0
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies, default=float("nan"))
    return {"rows loaded": rows, "all rows loaded and drawn (s)": drawn, "  CPU of the process (s)": cpu,
            "  CPU of the simulator's process (s)": child_cpu,
            "  of which garbage collection (s)": gc_time.total, "key p95 during the load (ms)": p95 * 1000,
            "key max during the load (ms)": max(latencies, default=float("nan")) * 1000, "keys": len(latencies),
            "peak RSS (MB)": peak_rss_mb(), "peak RSS of the simulator's process (MB)": child_rss,
            "table focused after (s)": focused[0] if focused else float("nan")}


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of another process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the run ------------------------------------------------------------------------------------------------

PARTS = ["rows:compact", "rows:baseline", "load:child", "load:in-process"]
# each part's reading and the baseline it is shown against (measured in the same run)
SIDES = {"rows": ("compact", "baseline", "pydantic JobRow"),
         "load": ("child", "in-process", "simulator in the app's loop")}
FIGURES = [
    # part, sample key, figure, unit, scale to the unit, goal on our figure
    ("rows", "bytes per row", "bytes per row", "KB", 1 / 1024, "≤ 4 KB"),
    ("rows", "parse CPU per page (ms)", "parse CPU per page", "ms", 1, None),
    ("rows", "RSS growth per row (bytes)", "RSS growth per row", "B", 1, None),
    ("load", "all rows loaded and drawn (s)", "all rows loaded and drawn", "s", 1, "≤ 5 s"),
    ("load", "  CPU of the process (s)", "load, CPU of the dashboard's process", "s", 1, None),
    ("load", "  CPU of the simulator's process (s)", "load, CPU of the simulator's process", "s", 1, None),
    ("load", "  of which garbage collection (s)", "load, of which garbage collection", "s", 1, None),
    ("load", "key p95 during the load (ms)", "key p95 during the load", "ms", 1, "≤ 50 ms"),
    ("load", "key max during the load (ms)", "key max during the load", "ms", 1, None),
    ("load", "peak RSS (MB)", "load, peak RSS of the dashboard", "MB", 1, None),
    ("load", "peak RSS of the simulator's process (MB)", "load, peak RSS of the simulator's process", "MB", 1, None),
]


def sample(part: str, pages: Path, load_jobs: int, tiny: bool) -> dict[str, float]:
    """One reading in this (fresh) process: ``rows:READER`` or ``load:SIMULATOR``."""
    kind, side = part.split(":")
    if kind == "rows":
        return measure_rows(side, pages)
    return asyncio.run(measure_load(side, load_jobs, tiny))


def figures(samples: dict[str, list[dict[str, Any]]]) -> list[Figure]:
    found = []
    for part, key, name, unit, scale, goal in FIGURES:
        mine, base, base_name = SIDES[part]
        ours = [value * scale for value in column(samples[f"{part}:{mine}"], key)]
        theirs = [value * scale for value in column(samples[f"{part}:{base}"], key)]
        if not any(theirs):  # the simulator's own figures: none when it runs in the app's process
            found.append(Figure(name, unit, ours, goal=goal))
            continue
        found.append(Figure(name, unit, ours, goal=goal, baseline_name=base_name, baseline_samples=theirs))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=3)
    parser.add_argument("--jobs", type=int, default=FULL.jobs, help="rows measured in (a)")
    parser.add_argument("--load-jobs", type=int, default=FULL.load_jobs, help="jobs loaded by the dashboard in (b)")
    parser.add_argument("--pages", type=Path, help=argparse.SUPPRESS)  # a --sample's recorded pages
    args = parser.parse_args(argv)
    size = TINY if args.tiny else Size(args.jobs, args.load_jobs)
    if args.sample:
        print_sample(sample(args.sample, args.pages, size.load_jobs, args.tiny))
        return 0
    runs = runs_of(args)
    with tempfile.TemporaryDirectory() as folder:
        pages = Path(folder) / "pages.json"
        count = record_pages(size.jobs, pages)
        sizing = ["--tiny"] if args.tiny else ["--load-jobs", str(size.load_jobs)]
        samples = interleaved(__file__, PARTS, ["--pages", str(pages), *sizing], runs)
    rows = statistics.median(column(samples["rows:compact"], "rows"))
    loaded = statistics.median(column(samples["load:child"], "rows loaded"))
    keys = statistics.median(column(samples["load:child"], "keys"))
    notes = [f"compact JobRow vs the pydantic JobRow it replaced: {rows:,.0f} rows read from {count} recorded pages",
             f"the dashboard loading {loaded:,.0f} jobs (160×48 headless; the 5 s goal is for 50,000), the simulated "
             "cloud in a child process (as paitui --demo) vs in the app's own loop (as the tests); "
             f"{keys:.0f} keys posted during the child's load (p95 needs 20, else the slowest is shown)",
             f"KB = 1,024 B; medians of {runs} process(es) per reading, interleaved"]
    Report("bench_rows", figures(samples), notes).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
