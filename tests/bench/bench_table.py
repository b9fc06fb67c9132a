"""ResourceTable vs Textual's DataTable on 10,000 rows — run: `python tests/bench/bench_table.py`.

Not a pytest test. In one run, for each table, it measures (headless, 120×40):

* first paint — `set_rows` (DataTable: `add_row` × n) until the first frame is composed;
* full load   — the same start until all rows are navigable: cursor jumped to the last row and painted;
* diff tick   — 100 changed rows (1 %, some on screen) applied until the next frame
                (DataTable: `update_cell` per changed cell inside `batch_update`, DESIGN's advice);
* filter      — a filter keystroke (parse + apply) until the next frame
                (DataTable has no row hiding: `clear()` + re-add the matching rows).

"wall" is perf_counter from the call to the frame (includes Textual's frame scheduling);
"cpu" is process CPU time over the same span — the UI time the event loop was busy.
Every number printed is measured in this run.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from paitui.live.filtering import parse_filter
from paitui.ui.widgets import Column, ResourceTable

ROWS = 10_000
CHANGED = 100
SIZE = (120, 40)
REPEATS = 5
TARGETS = {"first paint": 0.5, "full load": 3.0, "diff tick": 0.050, "filter": 0.100}
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


async def bench_resource_table(jobs: list[Job]) -> Result:
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
        for tick in range(REPEATS):
            await settle()
            changed = [
                replace(jobs[i], status=STATUSES[(i + tick + 1) % len(STATUSES)])
                for i in range(0, ROWS, ROWS // CHANGED)
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


async def bench_data_table(jobs: list[Job]) -> Result:
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
        for tick in range(REPEATS):
            await settle()
            changed = [
                replace(jobs[i], status=STATUSES[(i + tick + 1) % len(STATUSES)])
                for i in range(0, ROWS, ROWS // CHANGED)
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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


async def main() -> None:
    jobs = make_jobs(ROWS)
    ours = await bench_resource_table(jobs)
    baseline = await bench_data_table(jobs)
    print(f"{ROWS:,} rows, {SIZE[0]}×{SIZE[1]} headless; diff = {CHANGED} changed rows; medians of {REPEATS}")
    print(
        f"{'':12} {'ResourceTable wall':>19} {'cpu':>12} {'DataTable wall':>15} {'cpu':>12} "
        f"{'target':>12}  {'speed-up':>8}  ok"
    )
    for name, target in TARGETS.items():
        (wall, cpu), (base_wall, base_cpu) = ours[name], baseline[name]
        ok = "yes" if wall <= target else "NO"
        print(
            f"{name:12} {ms(wall):>19} {ms(cpu):>12} {ms(base_wall):>15} {ms(base_cpu):>12} "
            f"{'≤' + ms(target).strip():>12}  {base_wall / wall:7.1f}×  {ok}"
        )


if __name__ == "__main__":
    asyncio.run(main())
