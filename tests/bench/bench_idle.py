"""What paitui costs while nobody touches it (issue 13, "a request budget"), next to a bare Textual app.

    python -m tests.bench.bench_idle [--jobs 5000] [--seconds 30] [--runs 1] [--json PATH] [--tiny]

The demo app with N jobs, its simulated cloud served from a child process (as ``paitui --demo`` does for a
big world), its jobs list widened to every job of the workspace (``t`` to "all"), is left idle for
``--seconds`` of real time on each screen in turn — the jobs list, the detail of a running job, the runs list —
after its first load. For each it prints the CPU paitui used (% of one core: ``time.process_time`` over the
wall time: against the real cloud a user pays paitui's process alone), the simulator's CPU apart (the child's),
and the requests made per minute, per operation, and per list refresh. The baseline, measured in the same
run and printed beside the CPU: a bare Textual app with one DataTable of 100 rows, idle for as long. Goals
(issue 13): ≤ 1 % of a core and ≤ 1 list request per refresh on the jobs list; ≤ 40 requests a minute on a
running job's detail. Each side runs in a fresh process, the two interleaved, medians of ``--runs``
processes each. ``--tiny`` runs the same at a toy size and short intervals (polls every 0.3 s), so CI
exercises it (``python -m tests.bench --tiny``); its numbers mean nothing.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from paitui.backend import open_backend  # noqa: E402
from paitui.config import Settings  # noqa: E402
from paitui.ui.app import PaiTuiApp, make_app  # noqa: E402
from paitui.ui.screens.job import JobDetailScreen  # noqa: E402
from paitui.ui.screens.jobs import JobsScreen  # noqa: E402
from paitui.ui.screens.runs import RunsScreen  # noqa: E402
from tests.bench.report import Figure, Report, arguments, interleaved, print_sample, runs_of  # noqa: E402

SIZE = (160, 48)
WORKSPACE = "264901"


@dataclass
class Idle:
    """One screen left alone: CPU as % of one core, requests per minute (all, and per operation)."""

    screen: str
    seconds: float
    cpu_percent: float  # paitui's own: the process less the simulator's thread
    sim_percent: float = 0.0  # the simulated cloud's (its thread, or a child process serving it)
    requests_per_min: float = 0.0
    by_action: dict[str, float] = field(default_factory=dict)
    size: str = ""  # how much the screen holds ("60 jobs"): a note, not part of the figure's name


class Requests(Counter[str]):
    def __call__(self, action: str, _elapsed: float) -> None:
        self[action] += 1


def simulator_cpu() -> float:
    """CPU seconds the simulated cloud's child process has used so far (0 without one)."""
    used = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


async def _idle(name: str, seconds: float, requests: Requests | None = None) -> Idle:
    if requests is not None:
        requests.clear()
    c0, s0, t0 = time.process_time(), simulator_cpu(), time.perf_counter()
    await asyncio.sleep(seconds)  # the app's loop runs on meanwhile: timers, polls, repaints
    wall = time.perf_counter() - t0
    sim = simulator_cpu() - s0  # the child's CPU is not in this process's process_time
    cpu = max(0.0, time.process_time() - c0) / wall * 100
    if requests is None:
        return Idle(name, wall, cpu)
    per_min = {action: count / wall * 60 for action, count in sorted(requests.items())}
    return Idle(name, wall, cpu, sim / wall * 100, sum(per_min.values()), per_min)


class BareTable(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable()
        table.add_columns("NAME", "STATUS", "CREATED")
        table.add_rows([(f"job-{i}", "Running", "5m ago") for i in range(100)])
        yield table


async def bare_baseline(seconds: float) -> Idle:
    app = BareTable()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return await _idle("bare Textual app, one DataTable", seconds)


async def _until(predicate: Any, what: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def running_job(app: PaiTuiApp) -> str:
    """The newest running GPU job of the workspace (a long-lived detail), read from the simulated cloud."""
    page = await app.backend.client.dlc.list_jobs(workspace_id=WORKSPACE, status="Running", page_size=100)
    for job in page.jobs or ():
        if (job.gpu_count or 0) > 0 and job.job_id:
            return job.job_id
    raise LookupError("no running GPU job in the simulated world")


async def paitui_screens(jobs: int, seconds: float, *, tiny: bool) -> list[Idle]:
    intervals: dict[str, float] = {"list_interval": 0.3, "detail_interval": 0.3} if tiny else {}
    config = Settings(demo=True, workspace=WORKSPACE, sim={"seed": 7, "jobs": jobs}, **intervals)
    requests = Requests()
    app = make_app(config, open_backend(config, on_request=requests, simulator="process"))
    results: list[Idle] = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, "the jobs list")
        jobs_screen = app.screen
        assert isinstance(jobs_screen, JobsScreen)
        while jobs_screen.window != "all":  # every job of the workspace, not only the last 7 days
            await pilot.press("t")
        await _until(lambda: jobs_screen.lister.total is not None and jobs_screen.loaded
                     and jobs_screen.table.row_count == jobs_screen.lister.total, "every job listed")
        await pilot.pause()
        rows = jobs_screen.table.row_count if isinstance(jobs_screen, JobsScreen) else 0
        results.append(await _idle("jobs list", seconds, requests))
        results[-1].size = f"{rows:,} jobs"

        detail = JobDetailScreen(await running_job(app))
        app.push_detail(detail)
        await _until(lambda: detail.snapshot is not None, "the job detail")
        await pilot.pause()
        results.append(await _idle("job detail, running job", seconds, requests))

        app.open_view("runs")
        await _until(lambda: isinstance(app.screen, RunsScreen) and app.screen.loaded, "the runs list")
        await pilot.pause()
        runs = app.screen.table.row_count if isinstance(app.screen, RunsScreen) else 0
        results.append(await _idle("runs list", seconds, requests))
        results[-1].size = f"{runs:,} runs"
    return results


SCREENS = ("jobs list", "job detail, running job", "runs list")
BARE = "bare Textual app, one DataTable"


def sample(part: str, jobs: int, seconds: float, *, tiny: bool) -> dict[str, Any]:
    """One side in this (fresh) process: ``bare`` or ``paitui`` (every screen), as flat numbers."""
    if part == "bare":
        return {"cpu": asyncio.run(bare_baseline(seconds)).cpu_percent}
    found: dict[str, Any] = {"list interval": 0.3 if tiny else Settings().list_interval}
    for idle in asyncio.run(paitui_screens(jobs, seconds, tiny=tiny)):
        found[f"{idle.screen}: cpu"] = idle.cpu_percent
        found[f"{idle.screen}: sim cpu"] = idle.sim_percent
        found[f"{idle.screen}: requests"] = idle.requests_per_min
        found.update({f"{idle.screen}: {action}": rate for action, rate in idle.by_action.items()})
        if idle.size:
            found[f"{idle.screen}: size"] = idle.size
    return found


CPU_GOALS = {"jobs list": "≤ 1 %"}
REQUEST_GOALS = {"job detail, running job": "≤ 40 /min"}
LIST_REQUESTS = {"jobs list": "ListJobs", "runs list": "ListPipelineRuns"}  # a list screen's own operation


def figures(ours: list[dict[str, Any]], bare: list[dict[str, Any]]) -> list[Figure]:
    found = []
    for screen in SCREENS:
        found.append(Figure(f"{screen}, CPU (paitui alone)", "% of a core", [s[f"{screen}: cpu"] for s in ours],
                            baseline_name=BARE, baseline_samples=[s["cpu"] for s in bare],
                            goal=CPU_GOALS.get(screen)))
        found.append(Figure(f"{screen}, simulator CPU", "% of a core", [s[f"{screen}: sim cpu"] for s in ours]))
        found.append(Figure(f"{screen}, requests", "/min", [s[f"{screen}: requests"] for s in ours],
                            goal=REQUEST_GOALS.get(screen)))
        if screen in LIST_REQUESTS:  # per refresh interval: what an unchanged list costs
            found.append(Figure(f"{screen}, {LIST_REQUESTS[screen]} per refresh", "requests",
                                [s.get(f"{screen}: {LIST_REQUESTS[screen]}", 0.0) * s["list interval"] / 60
                                 for s in ours], goal="≤ 1" if screen == "jobs list" else None))
        prefix = f"{screen}: "
        actions = sorted({key[len(prefix):] for s in ours for key in s if key.startswith(prefix)}
                         - {"cpu", "sim cpu", "requests", "size"})
        found += [Figure(f"{screen}, {action}", "/min", [s.get(prefix + action, 0.0) for s in ours])
                  for action in actions]  # an operation a run did not make counts 0 in it
    return found


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=1)
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0, help="idle seconds of real time per screen")
    args = parser.parse_args(argv)
    if args.tiny:
        args.jobs, args.seconds = 60, 1.0
    if args.sample:
        print_sample(sample(args.sample, args.jobs, args.seconds, tiny=args.tiny))
        return 0
    runs = runs_of(args)
    sizing = ["--tiny"] if args.tiny else ["--jobs", str(args.jobs), "--seconds", str(args.seconds)]
    samples = interleaved(__file__, ["paitui", "bare"], sizing, runs)
    ours = samples["paitui"]
    sizes = ", ".join(f"{screen} {ours[0][f'{screen}: size']}" for screen in SCREENS
                      if f"{screen}: size" in ours[0])
    notes = [f"idle {args.seconds:g} s of real time per screen, demo world of {args.jobs:,} jobs ({sizes})",
             "CPU (paitui alone): paitui's process; the simulated cloud runs in a child process, whose CPU is "
             "its own figure; requests per minute, all and per operation, and the list's per refresh interval",
             f"medians of {runs} process(es) per side, interleaved"]
    Report("bench_idle", figures(ours, samples["bare"]), notes).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
