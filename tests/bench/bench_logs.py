"""Benchmark: stream 1,000,000 simulator log lines end to end into the log view, and LogView vs Textual's Log.

    python -m tests.bench.bench_logs [--lines 1000000] [--ingest-lines 200000] [--max-lines 50000] [--runs 3]

End to end: tailer (GetPodLogs through the real client, over HTTP, from the simulated cloud served by a child
process: the cost a user pays against the real cloud, the simulator's own CPU outside it) → spool → LogView,
in a headless app (``run_test``); ``--port`` picks the served simulator's port (0: any free one). While the
stream runs, keys are pressed every ~50 ms (cursor up/down, follow, timestamps toggle); a key's latency is the
time from posting it to its action having run. Gives
lines/s, peak RSS (VmHWM from /proc/self/status) and p95 key latency, next to their goals (no peer streams
from PAI, so no baseline).

Ingest, against Textual's ``Log`` (the baseline): the same simulator log lines appended in pages of 1,000
(one poll's batch) to a following LogView and to a ``Log`` with the same ``max_lines``, the event loop let run
between pages, until the last page is drawn: lines/s, CPU and peak RSS.

Every part runs in its own process, interleaved, medians of ``--runs``. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("TZ", "UTC")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Log  # noqa: E402

from paitui.backend import open_backend  # noqa: E402
from paitui.config import Settings  # noqa: E402
from paitui.sim.clock import SimClock  # noqa: E402
from paitui.sim.world import World  # noqa: E402
from paitui.ui.app import make_app  # noqa: E402
from paitui.ui.screens.jobs import JobsScreen  # noqa: E402
from paitui.ui.screens.logs import LogScreen  # noqa: E402
from paitui.ui.widgets.log_view import LogView  # noqa: E402
from tests.bench.report import Figure, Report, arguments, column, interleaved, print_sample, runs_of  # noqa: E402

# A PyTorch job of the seed-7 world (workspace "sandbox") that logs every 250 ms for ~71 hours: ten simulated
# hours on, its worker-0 has written ~1.06 million lines and is still running (no restart on the way).
JOB = "dlcsu1nczm27zi4da"
POD = f"{JOB}-worker-0"
WORKSPACE = "264904"
ADVANCE_HOURS = 10
KEYS = ("k", "j", "f", "t", "t")
PAGE = 1000  # lines per ingest page: one poll's batch


@dataclass(frozen=True)
class Size:
    lines: int  # streamed end to end
    ingest_lines: int  # appended to each widget
    max_lines: int  # kept in the view (and in Textual's Log)


FULL = Size(lines=1_000_000, ingest_lines=200_000, max_lines=50_000)
TINY = Size(lines=5_000, ingest_lines=5_000, max_lines=2_000)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_world(port: int) -> None:
    """The child process: the benchmark's world, ten simulated hours on, served until stdin closes."""
    from paitui.sim.serve import start_in_thread

    world = World(seed=7, jobs=400, clock=SimClock.manual())
    world.clock.advance(ADVANCE_HOURS * 3600)
    with start_in_thread(world, port=port) as handle:
        print(f"ready:{handle.port}", flush=True)
        sys.stdin.read()


@contextmanager
def served_world(port: int) -> Iterator[str]:
    """``serve_world`` in a child process (its CPU is not paitui's); yields its base URL once it listens."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        if not ready.startswith("ready:"):
            raise RuntimeError(f"the simulator exited ({proc.wait()}) before accepting connections")
        yield f"http://127.0.0.1:{ready.split(':', 1)[1].strip()}"
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def run(lines: int, max_lines: int, page_lines: int | None = None, port: int = 0) -> dict[str, float]:
    with served_world(port) as url, tempfile.TemporaryDirectory() as home:
        # no credentials (an empty environment and home): the client holds the simulator's public demo key
        settings = Settings(workspace=WORKSPACE, endpoints={"*": url}, rate_limit=1_000_000)
        return await _stream(make_app(settings, open_backend(settings, env={}, home=Path(home))), lines,
                             max_lines, page_lines)


async def _stream(app: Any, lines: int, max_lines: int, page_lines: int | None) -> dict[str, float]:
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
        deadline = time.monotonic() + 60
        while not isinstance(app.screen, JobsScreen):  # the start settled (over HTTP it takes a few polls)
            if time.monotonic() > deadline:
                raise TimeoutError("the jobs list never came up")
            await asyncio.sleep(0.05)
        await pilot.pause()
        options = {"page_lines": page_lines} if page_lines else {}
        screen = LogScreen.for_pod(JOB, POD, job_name="bench", since_key="all", max_lines=max_lines, **options)
        start = time.perf_counter()
        app.push_detail(screen)
        await pilot.pause()
        latencies: list[float] = []
        k = 0
        while k == 0 or screen.view.total < lines:  # at least one key, even when one page was enough
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
    if not latencies:
        raise RuntimeError("no key was handled while the log streamed")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies)
    return {"lines": total, "kept": kept, "spooled": spooled, "seconds": elapsed, "lines/s": total / elapsed,
            "peak RSS": peak_rss_mb(), "key p95": p95 * 1000, "key p50": statistics.median(latencies) * 1000,
            "keys": len(latencies), "worst": sorted(latencies)[-5:]}


# --- ingest: LogView vs Textual's Log -------------------------------------------------------------------------


def simulator_lines(count: int) -> list[str]:
    """``count`` lines of the benchmark job's worker log, as GetPodLogs would serve them (built before timing)."""
    from paitui.sim.dlc.logs import read_lines, stream
    from paitui.sim.dlc.model import pod_slots, segments
    from paitui.sim.dlc.wire import instances_now

    world = World(seed=7, jobs=400, clock=SimClock.manual())
    world.clock.advance(ADVANCE_HOURS * 3600)
    job = world.dlc.jobs[JOB]
    now = world.now().timestamp()
    insts = instances_now(job, pod_slots(job)[0], now, segments(job))
    source = stream(job, insts, len(insts) - 1, "pytorch")
    assert source is not None, "the benchmark job's worker never started"
    lines = read_lines([source], 0, 10**15, count)
    assert len(lines) == count, f"the worker wrote {len(lines)} lines, fewer than {count}"
    return lines


class IngestApp(App[None]):
    def __init__(self, widget: LogView | Log) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def ingest(widget_name: str, size: Size) -> dict[str, float]:
    lines = simulator_lines(size.ingest_lines)
    widget: LogView | Log = (LogView(max_lines=size.max_lines) if widget_name == "LogView"
                             else Log(max_lines=size.max_lines, auto_scroll=True))
    app = IngestApp(widget)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        start, cpu = time.perf_counter(), time.process_time()
        for at in range(0, len(lines), PAGE):
            page = lines[at:at + PAGE]
            if isinstance(widget, LogView):
                widget.append(page)
            else:
                widget.write_lines(page)
            await asyncio.sleep(0)  # the tailer yields between polls: the app may draw
        await pilot.pause()  # the last page drawn
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"lines/s": len(lines) / wall, "cpu per 10k": cpu / len(lines) * 10_000 * 1000, "peak RSS": peak_rss_mb()}


PARTS = ["e2e", "ingest LogView", "ingest Log"]


def measure_part(part: str, size: Size, page_lines: int | None, port: int) -> dict[str, Any]:
    if part == "e2e":
        return asyncio.run(run(size.lines, size.max_lines, page_lines, port))
    return asyncio.run(ingest(part.removeprefix("ingest "), size))


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=3)
    parser.add_argument("--lines", type=int, default=FULL.lines)
    parser.add_argument("--ingest-lines", type=int, default=FULL.ingest_lines)
    parser.add_argument("--max-lines", type=int, default=FULL.max_lines)
    parser.add_argument("--page-lines", type=int, default=None, help="GetPodLogs MaxLines per page")
    parser.add_argument("--port", type=int, default=0, help="the served simulator's port (0: any free one)")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve_world(args.serve)
        return 0
    size = TINY if args.tiny else Size(args.lines, args.ingest_lines, args.max_lines)
    if args.sample:
        print_sample(measure_part(args.sample, size, args.page_lines, args.port))
        return 0
    runs = runs_of(args)
    sizing = ["--tiny"] if args.tiny else [
        "--lines", str(size.lines), "--ingest-lines", str(size.ingest_lines), "--max-lines", str(size.max_lines),
        *(["--page-lines", str(args.page_lines)] if args.page_lines else [])]
    sizing += ["--port", str(args.port)]
    samples = interleaved(__file__, PARTS, sizing, runs)
    e2e, ours, theirs = samples["e2e"], samples["ingest LogView"], samples["ingest Log"]
    log = "Textual Log"
    figures = [
        Figure("end to end: throughput", "lines/s", column(e2e, "lines/s"), better="higher", goal="≥ 100,000"),
        Figure("end to end: peak RSS", "MB", column(e2e, "peak RSS"), goal="≤ 250 MB"),
        Figure("end to end: key latency p95", "ms", column(e2e, "key p95"), goal="≤ 100 ms"),
        Figure("end to end: key latency p50", "ms", column(e2e, "key p50")),
        Figure("ingest: throughput", "lines/s", column(ours, "lines/s"), better="higher",
               baseline_name=log, baseline_samples=column(theirs, "lines/s")),
        Figure("ingest: CPU per 10k lines", "ms", column(ours, "cpu per 10k"),
               baseline_name=log, baseline_samples=column(theirs, "cpu per 10k")),
        Figure("ingest: peak RSS", "MB", column(ours, "peak RSS"),
               baseline_name=log, baseline_samples=column(theirs, "peak RSS")),
    ]
    streamed = statistics.median(column(e2e, "lines"))
    notes = [f"end to end: {streamed:,.0f} lines streamed (view keeps {size.max_lines:,}), "
             f"{statistics.median(column(e2e, 'keys')):,.0f} keys",
             "end to end: the simulated cloud served by a child process over HTTP (its CPU not counted)",
             f"ingest: {size.ingest_lines:,} lines in pages of {PAGE:,}, max_lines {size.max_lines:,}",
             f"medians of {runs} process(es) per part, interleaved"]
    Report("bench_logs", figures, notes).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
