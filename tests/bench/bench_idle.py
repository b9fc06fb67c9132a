"""What paitui costs while nobody touches it (issue 13, "a request budget"), next to a bare Textual app.

    python tests/bench/bench_idle.py [--jobs 5000] [--seconds 30] [--json PATH] [--tiny]

The demo app (the in-process simulated cloud on a real clock, as ``paitui --demo``) with N jobs, its jobs
list widened to every job of the workspace (``t`` to "all"), is left idle for ``--seconds`` of real time on
each screen in turn — the jobs list, the detail of a running job, the runs list — after its first load. For
each it prints the CPU used (``time.process_time`` delta over the wall time: % of one core, the simulator
included, since the demo runs it in the same process) and the requests made per minute, per operation. The
baseline, measured in the same run and printed beside it: a bare Textual app with one DataTable of 100 rows,
idle for as long. ``--tiny`` runs the same at a toy size and short intervals, so CI exercises it
(``tests/ui/test_bench_idle.py``); its numbers mean nothing. Nothing here is a pass/fail assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.runs import RunsScreen

SIZE = (160, 48)
WORKSPACE = "264901"


@dataclass
class Idle:
    """One screen left alone: CPU as % of one core, requests per minute (all, and per operation)."""

    screen: str
    seconds: float
    cpu_percent: float
    requests_per_min: float = 0.0
    by_action: dict[str, float] = field(default_factory=dict)


class Requests(Counter[str]):
    def __call__(self, action: str, _elapsed: float) -> None:
        self[action] += 1


async def _idle(name: str, seconds: float, requests: Requests | None = None) -> Idle:
    if requests is not None:
        requests.clear()
    c0, t0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)  # the app's loop runs on meanwhile: timers, polls, repaints
    wall = time.perf_counter() - t0
    cpu = (time.process_time() - c0) / wall * 100
    if requests is None:
        return Idle(name, wall, cpu)
    per_min = {action: count / wall * 60 for action, count in sorted(requests.items())}
    return Idle(name, wall, cpu, sum(per_min.values()), per_min)


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


def running_job(app: PaiTuiApp) -> str:
    world: Any = app.backend.world
    now = world.clock.now().timestamp()
    for job in reversed(world.dlc.all_jobs()):  # the newest running one: a long-lived detail
        if job.workspace_id == WORKSPACE and job.status_at(now) == "Running" and job.gpu_total > 0:
            return str(job.job_id)
    raise LookupError("no running GPU job in the simulated world")


async def paitui_screens(jobs: int, seconds: float, *, tiny: bool) -> list[Idle]:
    intervals: dict[str, float] = {"list_interval": 0.3, "detail_interval": 0.3} if tiny else {}
    config = Settings(demo=True, workspace=WORKSPACE, sim={"seed": 7, "jobs": jobs}, **intervals)
    requests = Requests()
    app = make_app(config, open_backend(config, on_request=requests))
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
        results.append(await _idle(f"jobs list ({rows:,} jobs)", seconds, requests))

        detail = JobDetailScreen(running_job(app))
        app.push_detail(detail)
        await _until(lambda: detail.snapshot is not None, "the job detail")
        await pilot.pause()
        results.append(await _idle("job detail, running job", seconds, requests))

        app.open_view("runs")
        await _until(lambda: isinstance(app.screen, RunsScreen) and app.screen.loaded, "the runs list")
        await pilot.pause()
        runs = app.screen.table.row_count if isinstance(app.screen, RunsScreen) else 0
        results.append(await _idle(f"runs list ({runs:,} runs)", seconds, requests))
    return results


async def measure(jobs: int, seconds: float, *, tiny: bool = False) -> dict[str, Any]:
    baseline = await bare_baseline(seconds)
    screens = await paitui_screens(jobs, seconds, tiny=tiny)
    return {"jobs": jobs, "seconds": seconds, "baseline": asdict(baseline), "screens": [asdict(s) for s in screens]}


def report(result: dict[str, Any]) -> str:
    base = result["baseline"]
    lines = [f"idle {result['seconds']:g} s of real time per screen, demo world of {result['jobs']:,} jobs",
             f"{'screen':34} {'CPU % of a core':>16} {'baseline':>9} {'requests/min':>13}  per operation",
             f"{base['screen']:34} {base['cpu_percent']:16.2f} {'':>9} {'—':>13}"]
    for s in result["screens"]:
        ops = ", ".join(f"{action} {rate:.1f}" for action, rate in s["by_action"].items()) or "—"
        lines.append(f"{s['screen']:34} {s['cpu_percent']:16.2f} {base['cpu_percent']:9.2f} "
                     f"{s['requests_per_min']:13.1f}  {ops}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--tiny", action="store_true", help="a toy size and short intervals (CI: it runs)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.jobs, args.seconds = 60, 1.0
    result = asyncio.run(measure(args.jobs, args.seconds, tiny=args.tiny))
    print(report(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=2)
    return result


if __name__ == "__main__":
    main()
