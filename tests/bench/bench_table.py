"""ResourceTable vs Textual's DataTable on 10,000 rows (a script, not a pytest test):

    python -m tests.bench.bench_table [--rows 10000] [--runs 3] [--json PATH] [--tiny]

Each table is measured in its own process, the two interleaved, medians of ``--runs`` processes of each
(headless, 120×40):

* first paint — `set_rows` (DataTable: `add_row` × n) until the first frame is composed;
* full load   — the same start until all rows are navigable: cursor jumped to the last row and painted;
* diff tick   — 100 changed rows (1 %, some on screen) applied until the next frame
                (DataTable: `update_cell` per changed cell inside `batch_update`, DESIGN's advice);
* filter      — a filter keystroke (parse + apply) until the next frame
                (DataTable has no row hiding: `clear()` + re-add the matching rows).

"wall" is perf_counter from the call to the frame (includes Textual's frame scheduling);
"cpu" is process CPU time over the same span — the UI time the event loop was busy.
DataTable is the baseline; the goals are on ResourceTable's wall time.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from rich.text import Text  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from paitui.live.filtering import parse_filter  # noqa: E402
from paitui.ui.widgets import Column, ResourceTable  # noqa: E402
from tests.bench.report import Figure, Report, arguments, column, interleaved, print_sample, runs_of  # noqa: E402


@dataclass(frozen=True)
class Size:
    rows: int
    changed: int  # rows changed by one diff tick
    repeats: int  # diff ticks measured (their median)


FULL = Size(rows=10_000, changed=100, repeats=5)
TINY = Size(rows=300, changed=10, repeats=2)
SIZE = (120, 40)
# goals on ResourceTable's wall time (ms)
GOALS = {"first paint": "≤ 500 ms", "full load": "≤ 3000 ms", "diff tick": "≤ 50 ms", "filter": "≤ 100 ms"}
STATUSES = ("Running", "Succeeded", "Failed", "Queuing", "Stopped")
FILTERS = ["status:Running", "train-1", "!status:Failed", "owner:alice llama", ""]


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    status: str
    owner: str
    workspace: str
    gpus: int
    created: str


def make_jobs(count: int) -> list[Job]:
    return [
        Job(
            id=f"dlc{i:08x}",
            name=f"{'llama' if i % 3 else 'train'}-{i}-{'sft' if i % 2 else 'eval'}",
            status=STATUSES[i % len(STATUSES)],
            owner=("alice", "bob", "carol", "dave")[i % 4],
            workspace=f"ws-{i % 17}",
            gpus=i % 8,
            created=f"2025-01-{1 + i % 28:02d} 12:{i % 60:02d}",
        )
        for i in range(count)
    ]


CELLS: list[tuple[str, Callable[[Job], str]]] = [
    ("name", lambda j: j.name),
    ("id", lambda j: j.id),
    ("status", lambda j: j.status),
    ("owner", lambda j: j.owner),
    ("workspace", lambda j: j.workspace),
    ("gpus", lambda j: str(j.gpus)),
    ("created", lambda j: j.created),
]
FIELDS = {"status": lambda j: j.status, "owner": lambda j: j.owner, "text": lambda j: j.name}


class Frames:
    """Timestamps the frames the app composes (works headless: `_display` is still called)."""

    def __init__(self, app: App[Any]) -> None:
        self.event = asyncio.Event()
        self.wall = self.cpu = 0.0
        display = app._display

        def counted(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.wall, self.cpu = time.perf_counter(), time.process_time()
                self.event.set()

        app._display = counted  # type: ignore[method-assign]

    def arm(self) -> tuple[float, float]:
        self.event.clear()
        return time.perf_counter(), time.process_time()

    async def wait(self, start: tuple[float, float]) -> tuple[float, float]:
        await asyncio.wait_for(self.event.wait(), timeout=60)
        return self.wall - start[0], self.cpu - start[1]


class BenchApp(App[None]):
    def __init__(self, widget_factory: Callable[[], Any]) -> None:
        super().__init__()
        self.widget_factory = widget_factory

    def compose(self) -> ComposeResult:
        yield self.widget_factory()


Result = dict[str, tuple[float, float]]


async def settle() -> None:
    await asyncio.sleep(0.2)
    gc.collect()


async def bench_resource_table(jobs: list[Job], size: Size) -> Result:
    columns = [Column(key, key.upper(), render, flex=key == "name") for key, render in CELLS]
    app = BenchApp(lambda: ResourceTable(columns, key=lambda j: j.id))
    result: Result = {}
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        frames = Frames(app)
        await settle()

        start = frames.arm()
        table.set_rows(jobs)
        result["first paint"] = await frames.wait(start)
        frames.event.clear()
        table.action_cursor_last()
        result["full load"] = await frames.wait(start)
        table.action_cursor_first()
        await pilot.pause()

        ticks = []
        for tick in range(size.repeats):
            await settle()
            changed = [
                replace(jobs[i], status=STATUSES[(i + tick + 1) % len(STATUSES)])
                for i in range(0, size.rows, size.rows // size.changed)
            ]
            start = frames.arm()
            table.apply_diff(changed=changed)
            ticks.append(await frames.wait(start))
        result["diff tick"] = median(ticks)

        keystrokes = []
        for text in FILTERS:
            await settle()
            start = frames.arm()
            flt = parse_filter(text, FIELDS)
            table.set_filter(None if flt.is_empty else flt)
            keystrokes.append(await frames.wait(start))
        result["filter"] = median(keystrokes)
    return result


async def bench_data_table(jobs: list[Job], size: Size) -> Result:
    app = BenchApp(lambda: DataTable(cursor_type="row"))
    result: Result = {}

    def add(table: DataTable[Any], rows: list[Job]) -> None:
        for job in rows:
            table.add_row(*(Text(render(job)) for _, render in CELLS), key=job.id)

    async with app.run_test(size=SIZE) as pilot:
        table: DataTable[Any] = app.query_one(DataTable)
        for key, _ in CELLS:
            table.add_column(key.upper(), key=key, width=10 if key == "status" else None)
        frames = Frames(app)
        await settle()

        start = frames.arm()
        with app.batch_update():
            add(table, jobs)
        result["first paint"] = await frames.wait(start)
        frames.event.clear()
        table.action_scroll_bottom()
        result["full load"] = await frames.wait(start)
        table.action_scroll_top()
        await pilot.pause()

        ticks = []
        for tick in range(size.repeats):
            await settle()
            changed = [
                replace(jobs[i], status=STATUSES[(i + tick + 1) % len(STATUSES)])
                for i in range(0, size.rows, size.rows // size.changed)
            ]
            start = frames.arm()
            with app.batch_update():
                for job in changed:
                    table.update_cell(job.id, "status", Text(job.status))
            ticks.append(await frames.wait(start))
        result["diff tick"] = median(ticks)

        keystrokes = []
        for text in FILTERS:
            await settle()
            start = frames.arm()
            flt = parse_filter(text, FIELDS)
            with app.batch_update():
                table.clear()
                add(table, [job for job in jobs if flt(job)])
            keystrokes.append(await frames.wait(start))
        result["filter"] = median(keystrokes)
    return result


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


SIDES = {"ResourceTable": bench_resource_table, "DataTable": bench_data_table}


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=3)
    parser.add_argument("--rows", type=int, default=FULL.rows)
    args = parser.parse_args(argv)
    size = TINY if args.tiny else replace(FULL, rows=args.rows)
    if args.sample:  # one table in this process
        result = asyncio.run(SIDES[args.sample](make_jobs(size.rows), size))
        print_sample({f"{name} {kind}": value for name, (wall, cpu) in result.items()
                      for kind, value in (("wall", wall * 1000), ("cpu", cpu * 1000))})
        return 0
    runs = runs_of(args)
    sizing = ["--tiny"] if args.tiny else ["--rows", str(size.rows)]
    samples = interleaved(__file__, list(SIDES), sizing, runs)
    ours, theirs = samples["ResourceTable"], samples["DataTable"]
    figures = []
    for name, goal in GOALS.items():
        figures.append(Figure(f"{name}, wall", "ms", column(ours, f"{name} wall"), goal=goal,
                              baseline_name="Textual DataTable", baseline_samples=column(theirs, f"{name} wall")))
        figures.append(Figure(f"{name}, UI CPU", "ms", column(ours, f"{name} cpu"),
                              baseline_name="Textual DataTable", baseline_samples=column(theirs, f"{name} cpu")))
    notes = [f"ResourceTable vs DataTable, {size.rows:,} rows, {SIZE[0]}×{SIZE[1]} headless",
             f"diff tick = {size.changed} changed rows (median of {size.repeats}), filter = median of "
             f"{len(FILTERS)} keystrokes", f"medians of {runs} process(es) per table, interleaved"]
    Report("bench_table", figures, notes).emit(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
