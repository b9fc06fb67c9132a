"""Dashboard numbers for issue 4, end to end through the real app on the simulated cloud (one run).

    python tests/bench/bench_dashboard.py [--jobs 10000]

Measures, with a world holding N jobs listed in one jobs view (window "all", one workspace):
  * ``:jobs`` → first rows painted, → all rows loaded (every ListJobs page fetched and parsed), and → all
    rows drawn with the app idle again (so a garbage collection the load left behind is counted too), with
    the time the garbage collector took in that span;
  * UI time of a refresh tick in which 1 % of the rows changed (diff applied and the next frame drawn);
  * UI time of a filter keystroke (key → table re-filtered and drawn).
"UI time" is the CPU time the app spends on the event and the frame (time.process_time: the app is
otherwise idle). Wall time through Pilot is printed too, for reference: Pilot.press waits for the process
to look idle in 20 ms steps, so it adds time no user sees. Prints what it measured next to the targets;
nothing here is a pass/fail assertion.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.live.diff import RowDiff
from paitui.live.watch import PollResult
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import make_app
from paitui.ui.screens.jobs import JobsScreen


class GcTimer:
    """Time spent in CPython's collector while active (gc.callbacks), and how many full passes it ran."""

    def __init__(self) -> None:
        self.total = 0.0
        self.full = 0
        self._began = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.total += time.perf_counter() - self._began
        self.full += info["generation"] == 2

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


async def wait_for(pilot, predicate, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition never held")
        await pilot.pause(0.005)


async def measure(jobs: int) -> dict[str, float]:
    # the world is sized so that the first workspace (5/13 of all jobs) alone holds `jobs` jobs
    world_jobs = jobs * 13 // 5
    settings = Settings(demo=True, sim={"jobs": world_jobs}, list_interval=3600)
    world = World(seed=7, jobs=world_jobs, clock=SimClock.manual())
    app = make_app(settings, open_backend(settings, world=world))
    results: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        app.set_workspace("264901", "llm_pretrain")
        screen = JobsScreen()
        screen.window = "all"
        gc_time = GcTimer()
        start = time.perf_counter()
        with gc_time:
            app.current_view = "jobs"
            app.push_screen(screen)
            await wait_for(pilot, lambda: screen.is_mounted and screen.loaded)
            await pilot.pause()
            on_screen = time.perf_counter()
        # the screen stamps when rows first reached the table and when the last page was in
        results["first rows painted (s)"] = screen.first_rows_at - start
        results["all rows loaded (s)"] = screen.loaded_at - start
        results["all rows loaded and drawn, app idle (s)"] = on_screen - start
        results["  of which garbage collection (s)"] = gc_time.total
        results["  full collections"] = gc_time.full
        results["rows"] = screen.table.row_count

        # a tick in which 1 % of the rows changed status
        rows = screen.watch.rows
        changed_keys = [job.job_id for job in rows[:: max(1, len(rows) // 100)]][: max(1, len(rows) // 100)]
        ticks, tick_cpu = [], []
        for round_ in range(5):
            value = dict(screen.watch.value)
            for key in changed_keys:
                value[key] = value[key].model_copy(update={"status": "Failed" if round_ % 2 == 0 else "Running"})
            diff = RowDiff(changed=list(changed_keys), status_changes={k: ("Running", "Failed") for k in changed_keys})
            screen.watch.value = value
            result = PollResult(True, value, app.backend.now(), changed=True, diff=diff)
            t0, c0 = time.perf_counter(), time.process_time()
            screen._on_result(result)
            await pilot.pause()
            ticks.append(time.perf_counter() - t0)
            tick_cpu.append(time.process_time() - c0)
        results["refresh tick, 1% changed: UI time (ms, median)"] = statistics.median(tick_cpu) * 1000
        results["refresh tick, 1% changed: wall via Pilot (ms)"] = statistics.median(ticks) * 1000

        keystrokes, key_cpu = [], []
        await pilot.press("slash")
        for char in "llama3":
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press(char)
            keystrokes.append(time.perf_counter() - t0)
            key_cpu.append(time.process_time() - c0)
        results["filter keystroke: UI time (ms, median)"] = statistics.median(key_cpu) * 1000
        results["filter keystroke: UI time (ms, max)"] = max(key_cpu) * 1000
        results["filter keystroke: wall via Pilot (ms, median)"] = statistics.median(keystrokes) * 1000
        results["rows after filter"] = screen.table.visible_count
    return results


TARGETS = {
    "first rows painted (s)": "≤ 0.5",
    "all rows loaded (s)": "≤ 3",
    "all rows loaded and drawn, app idle (s)": "≤ 3",
    "refresh tick, 1% changed: UI time (ms, median)": "≤ 50",
    "filter keystroke: UI time (ms, median)": "≤ 100",
    "filter keystroke: UI time (ms, max)": "≤ 100",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    args = parser.parse_args()
    results = asyncio.run(measure(args.jobs))
    print(f"dashboard benchmark, {args.jobs:,}-job world, 160x48 headless")
    for name, value in results.items():
        target = TARGETS.get(name, "")
        print(f"  {name:48} {value:10.3f}  {('target ' + target) if target else ''}")


if __name__ == "__main__":
    main()
