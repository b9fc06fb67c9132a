"""Saving a whole log (``ctrl+s`` in the log view), no Textual: read it again from PAI, from its beginning, into
a file written atomically (``paitui.live.atomic``), whatever the view's since window.

* A DLC pod: GetPodLogs pages from the **job's creation** (no pod of it can have logged earlier) with the
  same time-window paging and exact de-duplication as the live tail (``PodLogTailer`` with ``from_time``);
  all pods merged the same way per pod, merged by time (``MergedPodTailer``). Without a creation time the
  only honest thing left is GetPodLogs' default window (the last 7 days): the file's first line and the
  result then say exactly which window was saved.
* A PAIFlow node: ListPipelineRunNodeLogs from ``Offset`` 0 to ``TotalCount``: always the whole log.

A failed page is retried with backoff (``retries`` times from ``retry_base`` seconds, doubling; the server's
retry-after honoured); the lines read
so far are never lost or repeated (the tailers keep their place). If it keeps failing the error is raised
and nothing is left under the target name.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from paitui.api.errors import PaiError
from paitui.live.atomic import AtomicFile
from paitui.live.merged_tail import MergedPodTailer
from paitui.live.node_tail import NodeLogTailer
from paitui.live.pod_tail import PodLogTailer
from paitui.live.tail_common import Backoff, Now, Pace, since, utcnow, yield_now

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

Sleep = Callable[[float], Awaitable[None]]
PAGE_LINES = 20_000
DEFAULT_WINDOW = timedelta(days=7)  # GetPodLogs' StartTime default (docs/WIRE.md §6.1)


@dataclass(slots=True)
class Export:
    """What a save wrote: ``whole`` unless ``window`` says which part, with anything else to know."""

    path: Path
    lines: int = 0
    whole: bool = True
    window: str = ""  # "" for the whole log; else e.g. "GetPodLogs' default window 2026-… – 2026-… UTC"
    until: datetime | None = None  # the moment the log was read up to (a running source goes on)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The toast: ``saved the whole log (1,234 lines) to …`` or the window that was saved instead."""
        what = "the whole log" if self.whole else f"only {self.window} (not the whole log)"
        text = f"saved {what}: {self.lines:,} lines to {self.path}"
        return text + "".join(f"; {note}" for note in self.notes)


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


async def _retrying(step: Callable[[], Awaitable[Any]], backoff: Backoff, retries: int, sleep: Sleep) -> Any:
    while True:
        try:
            result = await step()
        except PaiError as error:
            backoff.failed(error)
            if backoff.failures > retries:
                raise
            await sleep(backoff.delay())
            continue
        backoff.ok()
        return result


def _write(file: BinaryIO, lines: list[str]) -> None:
    if lines:
        file.write(("\n".join(line.replace("\n", "\\n") for line in lines) + "\n").encode("utf-8"))


async def export_pod_log(client: PaiClient, target: Path, job_id: str, pod_id: str | None, *,
                         job_created: datetime | None, pod_uid: str | None = None, container: str | None = None,
                         merged: bool = False, now: Now = utcnow, pace: Pace = yield_now,
                         page_lines: int = PAGE_LINES, retries: int = 5, retry_base: float = 1.0,
                         sleep: Sleep = asyncio.sleep) -> Export:
    """One pod's log (or every pod's, ``merged``) from the job's creation up to now, into ``target``."""
    started = now()
    result = Export(Path(target), until=started)
    header: str | None = None
    if job_created is None:  # the API's default window is all that can be asked for
        result.whole = False
        result.window = f"GetPodLogs' default window {_stamp(started - DEFAULT_WINDOW)} – {_stamp(started)}"
        header = f"# paitui: {result.window}; the job's creation time was unknown, so earlier lines may be missing"
    backoff = Backoff(retry_base)
    async with _atomically(result.path) as file:
        if header:
            _write(file, [header])
        if merged:
            await _export_merged(client, file, result, job_id, container, job_created, now, pace, page_lines,
                                 retries, sleep, backoff)
        else:
            assert pod_id is not None
            tailer = PodLogTailer(client, job_id, pod_id, pod_uid=pod_uid, container=container, since_=since("all"),
                                  page_lines=page_lines, batch_lines=page_lines, now=now, pace=pace,
                                  from_time=job_created, follow_restarts=False)
            await _drain(tailer.fetch, file, result, _skipped, pace, backoff, retries, sleep)
    return result


@contextlib.asynccontextmanager
async def _atomically(path: Path) -> AsyncIterator[BinaryIO]:
    """Write ``path`` through a temp file beside it: renamed into place only when everything was written."""
    atomic = AtomicFile(path)
    file = atomic.open()
    try:
        yield file
        await asyncio.to_thread(atomic.commit)
    except BaseException:
        atomic.discard()
        raise


async def _drain(fetch: Callable[[], Awaitable[tuple[list[str], bool, list[str]]]], file: BinaryIO, result: Export,
                 on_notes: Callable[[Export, list[str]], None], pace: Pace, backoff: Backoff, retries: int,
                 sleep: Sleep) -> None:
    """Fetch pages (each retried with backoff) into ``file`` until the tailer says there is no more."""
    while True:
        lines, more, notes = await _retrying(fetch, backoff, retries, sleep)
        _write(file, lines)
        result.lines += len(lines)
        on_notes(result, notes)
        if not more:
            return
        await pace()


def _skipped(result: Export, notes: list[str]) -> None:
    if notes:  # more than 100,000 lines in one second: the API cannot page inside it
        result.whole = False
        result.window = result.window or "the log with gaps"
        result.notes.extend(notes)


async def _export_merged(client: PaiClient, file: BinaryIO, result: Export, job_id: str, container: str | None,
                         job_created: datetime | None, now: Now, pace: Pace, page_lines: int, retries: int,
                         sleep: Sleep, backoff: Backoff) -> None:
    tailer = MergedPodTailer(client, job_id, container=container, since_=since("all"), page_lines=page_lines,
                             batch_lines=page_lines * 4, now=now, pace=pace, from_time=job_created)
    failures = 0
    while True:
        batch = await tailer.poll()
        _write(file, batch.lines)
        result.lines += len(batch.lines)
        _skipped(result, batch.notes)
        if batch.error is not None:
            failures += 1
            if failures > retries:
                raise batch.error
            await sleep(tailer.next_delay())
            continue
        failures = 0
        if batch.done or not batch.more:
            break
        await pace()
    held = tailer.release_held()  # caught up: what waits for a later watermark belongs in this snapshot
    _write(file, held)
    result.lines += len(held)


async def export_node_log(client: PaiClient, target: Path, run_id: str, node_id: str, *, now: Now = utcnow,
                          pace: Pace = yield_now, page_size: int = 1000, retries: int = 5, retry_base: float = 1.0,
                          sleep: Sleep = asyncio.sleep) -> Export:
    """A PAIFlow node's whole log (Offset 0 to TotalCount) into ``target``."""
    result = Export(Path(target), until=now())
    tailer = NodeLogTailer(client, run_id, node_id, since_=since("all"), page_size=page_size,
                           batch_lines=page_size, now=now, pace=pace)
    async with _atomically(result.path) as file:
        await _drain(tailer.fetch, file, result, lambda r, notes: r.notes.extend(notes), pace,
                     Backoff(retry_base), retries, sleep)
    return result
