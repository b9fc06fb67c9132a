"""Benchmark: stream 1,000,000 simulator log lines end to end into the log view.

    python tests/bench/bench_logs.py [--lines 1000000] [--max-lines 50000]

Tailer (GetPodLogs through the real client and the in-process simulated cloud) → spool → LogView, in a
headless app (``run_test``). While the stream runs, keys are pressed every ~50 ms (cursor up/down, follow,
timestamps toggle); a key's latency is the time from posting it to its action having run. Prints lines/s,
peak RSS (VmHWM from /proc/self/status) and p95 key latency next to the targets. Nothing here is asserted:
numbers are measured, the script only reports them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TZ", "UTC")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from paitui.ui.app import make_app
from paitui.ui.screens.logs import LogScreen
from paitui.ui.widgets.log_view import LogView

# A PyTorch job of the seed-7 world (workspace "sandbox") that logs every 250 ms for ~71 hours: ten simulated
# hours on, its worker-0 has written ~1.06 million lines and is still running (no restart on the way).
JOB = "dlcsu1nczm27zi4da"
POD = f"{JOB}-worker-0"
WORKSPACE = "264904"
ADVANCE_HOURS = 10
KEYS = ("k", "j", "f", "t", "t")
TARGETS = {"lines/s": ">= 100,000", "peak RSS": "<= 250 MB", "key p95": "<= 100 ms"}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(lines: int, max_lines: int, page_lines: int | None = None) -> dict[str, float]:
    settings = Settings(demo=True, workspace=WORKSPACE, sim={"seed": 7, "jobs": 400})
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    app = make_app(settings, open_backend(settings, world=world))
    handled: list[float] = []

    # record when each benchmarked key's action has run
    def stamp(cls: type, name: str) -> None:
        original = getattr(cls, name)

        def wrapper(self: object, *args: object) -> object:
            result = original(self, *args)
            handled.append(time.perf_counter())
            return result

        setattr(cls, name, wrapper)

    stamp(LogView, "action_cursor")
    stamp(LogScreen, "action_follow")
    stamp(LogScreen, "action_toggle")

    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        world.clock.advance(ADVANCE_HOURS * 3600)
        options = {"page_lines": page_lines} if page_lines else {}
        screen = LogScreen.for_pod(JOB, POD, job_name="bench", since_key="all", max_lines=max_lines, **options)
        start = time.perf_counter()
        app.push_detail(screen)
        await pilot.pause()
        latencies: list[float] = []
        k = 0
        while screen.view.total < lines:
            if screen.tailer is not None and screen.tailer.done:
                break
            before = len(handled)
            sent = time.perf_counter()
            app.simulate_key(KEYS[k % len(KEYS)])
            k += 1
            while len(handled) == before and time.perf_counter() - sent < 5:
                await asyncio.sleep(0.001)
            if len(handled) > before:
                latencies.append(handled[-1] - sent)
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - start
        total = screen.view.total
        kept = screen.view.kept
        spooled = screen.spool.count
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies, default=0.0)
    return {"lines": total, "kept": kept, "spooled": spooled, "seconds": elapsed, "lines/s": total / elapsed,
            "peak RSS": peak_rss_mb(), "key p95": p95 * 1000, "key p50": statistics.median(latencies) * 1000,
            "keys": len(latencies), "worst": sorted(latencies)[-5:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--max-lines", type=int, default=50_000)
    parser.add_argument("--page-lines", type=int, default=None, help="GetPodLogs MaxLines per page")
    args = parser.parse_args()
    r = asyncio.run(run(args.lines, args.max_lines, args.page_lines))
    print(f"streamed {r['lines']:,.0f} lines in {r['seconds']:.2f} s "
          f"(view keeps {r['kept']:,.0f}, spool holds {r['spooled']:,.0f})")
    print(f"  throughput  {r['lines/s']:>12,.0f} lines/s   target {TARGETS['lines/s']}")
    print(f"  peak RSS    {r['peak RSS']:>12,.1f} MB        target {TARGETS['peak RSS']}")
    print(f"  key p95     {r['key p95']:>12,.1f} ms        target {TARGETS['key p95']}  "
          f"(p50 {r['key p50']:.1f} ms over {r['keys']:.0f} keys; slowest "
          f"{', '.join(f'{x * 1000:.0f}' for x in r['worst'])} ms)")


if __name__ == "__main__":
    main()
