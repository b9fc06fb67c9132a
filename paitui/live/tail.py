"""Log tailers: turn polling APIs into an exact stream of new lines (no Textual).

* ``PodLogTailer`` — DLC GetPodLogs has no cursor. Each poll asks for ``StartTime`` = the second of the last
  line seen minus ``overlap`` seconds (the wire has second precision) and removes the lines it already
  emitted with a multiset (see ``_Dedup``), so nothing is repeated or lost, even for bursts of identical
  lines in one millisecond, or a page that ``MaxLines`` cut in the middle of such a burst.
* ``MergedPodTailer`` — every pod of a job, merged by time with a ``[worker-3]`` prefix; a line is only
  released once every pod has been read past its time (a watermark), so the merge never reorders.
* ``NodeLogTailer`` — PAIFlow node logs page by ``Offset``/``PageSize`` using ``TotalCount``.

A tailer's ``poll()`` returns one ``TailBatch`` and never raises ``PaiError``: the error rides in the batch,
the lines already shown stay, and ``next_delay()`` backs off (modelled on ``paitui.live.watch``). It polls
every ``interval`` while the source runs, at once while there is a backlog (``more``), makes one final fetch
after it sees the source end, and is then ``done``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from paitui.api.errors import NotFoundError, PaiError
from paitui.live.logsearch import datetime_to_sec, has_ts, sec_key, sec_to_datetime
from paitui.live.status import is_terminal_job, is_terminal_node
from paitui.live.watch import MAX_BACKOFF

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobResponse, PodItem

State = Literal["starting", "waiting", "live", "ended", "gone"]
Now = Callable[[], datetime]
Pace = Callable[[], Awaitable[None]]  # awaited between pages: a UI lets pending input run first

MAX_LINES_CAP = 100_000  # GetPodLogs refuses more per call
POD_TERMINAL = frozenset({"succeeded", "failed"})


def _utcnow() -> datetime:
    return datetime.now(UTC)


async def _yield() -> None:
    await asyncio.sleep(0)


# --- since windows ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Since:
    """Where a tail starts, like k9s: the last ``lines`` lines, the last ``seconds``, or everything."""

    key: str  # "tail", "1m", "5m", "15m", "1h", "all"
    seconds: int | None = None
    lines: int | None = None

    def start(self, now: datetime) -> datetime | None:
        return now - timedelta(seconds=self.seconds) if self.seconds is not None else None

    @property
    def label(self) -> str:
        return f"tail {self.lines}" if self.key == "tail" else self.key


def since(key: str, *, tail_lines: int = 1000) -> Since:
    windows = {"1m": 60, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600}
    if key == "tail":
        return Since("tail", lines=tail_lines)
    if key in windows:
        return Since(key, seconds=windows[key])
    if key == "all":
        return Since("all")
    raise ValueError(f"unknown since window {key!r}")


SINCE_KEYS = ("tail", "1m", "5m", "15m", "1h", "all")


# --- results ------------------------------------------------------------------------------------------

@dataclass(slots=True)
class TailBatch:
    lines: list[str]
    state: State
    more: bool = False  # a backlog remains: poll again at once
    done: bool = False  # the source ended and its last lines are in; stop polling
    error: PaiError | None = None
    notes: list[str] = field(default_factory=list)  # things the user should know (a gap, a restart)
    detail: Any = None  # the object the status came from (GetJob / GetPipelineRunNode response)


class _Backoff:
    """Interval while healthy; doubling per consecutive failure; at least the server's ``retry_after``."""

    def __init__(self, interval: float, max_backoff: float = MAX_BACKOFF) -> None:
        self.interval = interval
        self.max_backoff = max(max_backoff, interval)
        self.failures = 0
        self.error: PaiError | None = None

    def ok(self) -> None:
        self.failures = 0
        self.error = None

    def failed(self, error: PaiError) -> None:
        self.failures += 1
        self.error = error

    def delay(self) -> float:
        if self.failures == 0:
            return self.interval
        delay = min(self.max_backoff, self.interval * 2 ** self.failures)
        retry_after = self.error.retry_after if self.error is not None else None
        return max(delay, retry_after) if retry_after is not None else delay


# --- DLC: time window + multiset de-duplication -----------------------------------------------------

class _Dedup:
    """Exactly-once over a cursor-less, time-windowed, earliest-first API.

    Invariant between polls: ``seen`` is the multiset of emitted lines whose second is ≥ ``start`` — exactly
    the lines a query from ``start`` will return again. The log only grows (a line never changes once
    written, new lines are not older than old ones), so a response from ``start`` holds every line of
    ``seen``; taking a line out of the multiset for each occurrence in the response and emitting the rest is
    exact — identical lines are interchangeable, so n copies already seen and m ≥ n returned means m − n
    are new. Lines of ``seen`` that a truncated response did not reach stay in it (``leftover``).
    """

    __slots__ = ("overlap", "seen", "start")

    def __init__(self, start: str | None, overlap: int) -> None:
        self.start = start  # "YYYY-MM-DDTHH:MM:SS" or None (the server's default window)
        self.overlap = overlap  # extra seconds re-read each poll (tolerates late log ingestion)
        self.seen: Counter[str] = Counter()

    def absorb(self, logs: Sequence[str]) -> list[str]:
        seen = self.seen
        if seen:
            pending = sum(seen.values())
            new: list[str] = []
            append = new.append
            for i, line in enumerate(logs):
                if seen[line] > 0:
                    seen[line] -= 1
                    pending -= 1
                    if pending == 0:  # the overlap is used up: the rest is new wholesale
                        new.extend(logs[i + 1:])
                        break
                else:
                    append(line)
            leftover = +seen  # drop the zero counts
        else:
            new, leftover = list(logs), Counter()
        self._advance(logs, leftover)
        return new

    def _advance(self, logs: Sequence[str], leftover: Counter[str]) -> None:
        last = next((k for line in reversed(logs) if (k := sec_key(line)) is not None), None)
        if last is None:
            self.seen = leftover + Counter(logs)  # no timestamps: the window cannot move; remember all
            return
        start = datetime_to_sec(sec_to_datetime(last) - timedelta(seconds=self.overlap))
        if self.start is not None and start < self.start:
            start = self.start  # never move back
        tail = _lines_from(logs, start)
        kept = Counter({line: n for line, n in leftover.items() if (sec_key(line) or start) >= start})
        kept.update(tail)
        self.seen = kept
        self.start = start


def _lines_from(logs: Sequence[str], start: str) -> list[str]:
    """The lines of ``logs`` (earliest first) whose second is ≥ ``start``; an untimed line belongs to the
    timed line before it."""
    out: list[str] = []
    pending: list[str] = []
    for line in reversed(logs):
        if not has_ts(line):
            pending.append(line)
            continue
        if line[:19] < start:
            return out[::-1]
        out.extend(pending)
        pending.clear()
        out.append(line)
    out.extend(pending)  # untimed lines at the very start: keep them (conservative)
    return out[::-1]


@dataclass(frozen=True, slots=True)
class PodRef:
    """One pod incarnation to read: ``uid`` None = the current incarnation of ``pod_id``."""

    pod_id: str
    uid: str | None = None
    status: str | None = None
    label: str = ""
    role: str | None = None
    started: datetime | None = None
    history: tuple[PodRef, ...] = ()

    @property
    def terminal(self) -> bool:
        return (self.status or "").lower() in POD_TERMINAL


def pod_label(job_id: str, pod_id: str) -> str:
    """``dlc1abc-worker-3`` → ``worker-3``."""
    prefix = f"{job_id}-"
    return pod_id[len(prefix):] if pod_id.startswith(prefix) else pod_id


def _ref(job_id: str, item: PodItem) -> PodRef:
    return PodRef(item.pod_id or "", item.pod_uid, item.status, pod_label(job_id, item.pod_id or ""), item.type,
                  item.gmt_start_time,
                  tuple(_ref(job_id, h) for h in (item.history_pods or ())))


def pods_of(job: GetJobResponse) -> list[PodRef]:
    """The job's current pods in the service's order, each with its earlier incarnations (newest first)."""
    return [_ref(job.job_id or "", p) for p in (job.pods or ()) if p.pod_id]


class PodLogTailer:
    """Tails one pod incarnation's log (one container, or a comma list of containers)."""

    def __init__(self, client: PaiClient, job_id: str, pod_id: str, *, pod_uid: str | None = None,
                 container: str | None = None, since_: Since | None = None, interval: float = 1.0,
                 overlap: int = 1, page_lines: int = 5000, batch_lines: int = 50_000,
                 now: Now = _utcnow, label: str | None = None, follow_restarts: bool | None = None,
                 pace: Pace = _yield) -> None:
        self.client = client
        self.pace = pace
        self.job_id = job_id
        self.pod_id = pod_id
        self.pod_uid = pod_uid
        self.container = container
        self.since = since_ or since("all")
        self.label = label or pod_label(job_id, pod_id)
        self.overlap = overlap
        self.page_lines = page_lines
        self.batch_lines = batch_lines
        self._now = now
        self.backoff = _Backoff(interval)
        # a history pod (explicit uid) is read once; the current pod follows a restart to the new incarnation
        self.follow_restarts = pod_uid is None if follow_restarts is None else follow_restarts
        self.container_info: tuple[str, list[str]] | None = None  # (main, sidecars) once known
        self.state: State = "starting"
        self.done = False
        self.fetched = 0
        self.last_ts: str | None = None  # timestamp of the newest line read (the merge's watermark)
        self._dedup: _Dedup | None = None
        self._max_lines = page_lines
        self._backlog = False
        self._tail_pending = self.since.lines  # "tail N": trim the first catch-up to the last N lines
        self._tail_buffer: list[str] = []

    # --- status ---

    def ref_in(self, job: GetJobResponse) -> PodRef | None:
        for ref in pods_of(job):
            if ref.pod_id != self.pod_id:
                continue
            if self.pod_uid is None or ref.uid == self.pod_uid:
                return ref
            return next((h for h in ref.history if h.uid == self.pod_uid), None) or \
                PodRef(self.pod_id, self.pod_uid, "Failed", self.label)
        return None

    async def poll(self) -> TailBatch:
        """Status (GetJob), then the new lines; a terminal status seen *before* the fetch makes it final.

        While a backlog remains the status is not asked again: that fetch cannot be the final one anyway
        (the final fetch is the first caught-up fetch after a terminal status)."""
        if self._backlog:
            return await self._fetch_or_error(final=False)
        try:
            job = await self.client.dlc.get_job(self.job_id)
        except NotFoundError as error:
            return self._gone(error)
        except PaiError as error:
            self.backoff.failed(error)
            return TailBatch([], self.state, error=error)
        return await self.poll_with(job)

    async def poll_with(self, job: GetJobResponse) -> TailBatch:
        ref = self.ref_in(job)
        notes: list[str] = []
        # a pod missing from a job that lists its pods was removed: read what is left, then stop
        terminal = is_terminal_job(job.status) or (ref.terminal if ref is not None else job.pods is not None)
        if ref is not None and self.follow_restarts and self.pod_uid is None and ref.uid:
            self.pod_uid = ref.uid  # pin the incarnation: a restart is seen as a uid change
        elif ref is not None and self.follow_restarts and ref.uid and ref.uid != self.pod_uid:
            notes.append(f"pod {self.pod_id} restarted: new incarnation {ref.uid}")
            batch = await self._fetch_or_error(final=True)  # the old incarnation's last lines first
            if batch.error is not None:
                return batch
            self.pod_uid, self._dedup, self._tail_pending, self._tail_buffer = ref.uid, None, None, []
            self.since = since("all")
            more = await self._fetch_or_error(final=terminal)
            more.lines[:0] = batch.lines
            more.notes[:0] = notes
            more.detail = job
            return more
        if ref is not None and (ref.status or "").lower() == "pending" and self.fetched == 0:
            self.backoff.ok()
            self.state = "waiting"
            return TailBatch([], "waiting", detail=job)
        batch = await self._fetch_or_error(final=terminal)
        batch.detail = job
        return batch

    def _gone(self, error: PaiError) -> TailBatch:
        self.state, self.done = "gone", True
        self.backoff.ok()
        return TailBatch([], "gone", done=True, error=error)

    # --- fetching ---

    async def _fetch_or_error(self, *, final: bool) -> TailBatch:
        try:
            lines, more, notes = await self.fetch()
        except NotFoundError as error:
            return self._gone(error)
        except PaiError as error:
            self.backoff.failed(error)
            return TailBatch([], self.state, error=error)
        self.backoff.ok()
        self._backlog = more
        done = final and not more
        if done:
            self.done = True
        if self.fetched or lines:
            self.state = "ended" if done else "live"
        else:
            self.state = "ended" if done else "waiting"
        return TailBatch(lines, self.state, more=more, done=done, notes=notes)

    async def _first_start(self) -> str | None:
        """The StartTime of the first query for the since window (``tail N`` probes backwards)."""
        now = self._now()
        if self.since.seconds is not None:
            return datetime_to_sec(now - timedelta(seconds=self.since.seconds))
        if self.since.lines is None:
            return None  # all: the server's default window (the last 7 days)
        want = self.since.lines
        for seconds in (30, 120, 600, 3600, 6 * 3600, 86400):
            logs = await self._get(datetime_to_sec(now - timedelta(seconds=seconds)), want)
            if len(logs) >= want:
                return datetime_to_sec(now - timedelta(seconds=seconds))
        return None

    async def _get(self, start: str | None, max_lines: int) -> list[str]:
        response = await self.client.dlc.get_pod_logs(
            self.job_id, self.pod_id, pod_uid=self.pod_uid, start_time=f"{start}Z" if start else None,
            max_lines=max_lines, containers=self.container)
        if response.container_info is not None and self.container_info is None:
            info = response.container_info
            self.container_info = (info.main_container or "", list(info.sidecar_containers or ()))
        return response.logs or []

    async def fetch(self) -> tuple[list[str], bool, list[str]]:
        """New lines since the last call: pages until caught up or ``batch_lines`` (then ``more``)."""
        if self._dedup is None:
            self._dedup = _Dedup(await self._first_start(), self.overlap)
        dedup, out, notes = self._dedup, [], []
        while True:
            logs = await self._get(dedup.start, self._max_lines)
            new = dedup.absorb(logs)
            out.extend(new)
            full = len(logs) >= self._max_lines
            if full and not new:
                if self._max_lines < MAX_LINES_CAP:  # one second holds more than a page: ask for more
                    self._max_lines = min(MAX_LINES_CAP, self._max_lines * 4)
                    continue
                # > 100,000 lines in one second: the API cannot page inside it; skip ahead and say so
                assert dedup.start is not None
                dedup.start = datetime_to_sec(sec_to_datetime(dedup.start) + timedelta(seconds=1))
                dedup.seen.clear()
                notes.append(f"more than {MAX_LINES_CAP} lines in one second at {dedup.start}: some skipped")
                continue
            if not full or len(out) >= self.batch_lines:
                break
            await self.pace()  # between pages: let the event loop (a UI) run
        if self._tail_pending is not None:  # "tail N": read up to now, then keep the last N
            self._tail_buffer.extend(out)
            if full:
                return [], True, notes
            out, self._tail_buffer = self._tail_buffer[-self._tail_pending:], []
            self._tail_pending = None
        self.fetched += len(out)
        if out:
            self.last_ts = out[-1][:24] if has_ts(out[-1]) else self.last_ts
        return out, full, notes

    def next_delay(self) -> float:
        return self.backoff.delay()


def _ms_key(moment: datetime) -> str:
    """``moment`` in the log lines' own timestamp format (so keys compare as strings)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --- DLC: all pods merged --------------------------------------------------------------------------

class MergedPodTailer:
    """All current pods of a job, merged by time, each line prefixed ``[worker-3]`` after its timestamp.

    Lines are held back until every live pod has been read up to their time (the poll's moment is the
    watermark: anything at or before it has been fetched from every pod), then released in time order.
    """

    def __init__(self, client: PaiClient, job_id: str, *, container: str | None = None,
                 since_: Since | None = None, interval: float = 1.0, page_lines: int = 5000,
                 batch_lines: int = 50_000, now: Now = _utcnow, pace: Pace = _yield) -> None:
        self.client = client
        self.pace = pace
        self.job_id = job_id
        self.container = container
        self.since = since_ or since("all")
        self.page_lines = page_lines
        self.batch_lines = batch_lines
        self._now = now
        self.backoff = _Backoff(interval)
        self.children: dict[str, PodLogTailer] = {}
        self._held: list[tuple[str, int, str]] = []  # (time key, sequence, line) waiting for the watermark
        self._seq = 0
        self._trimmed = False
        self._more = False
        self._job: GetJobResponse | None = None
        self.state: State = "starting"
        self.done = False
        self.container_info: tuple[str, list[str]] | None = None

    @staticmethod
    def prefix(line: str, label: str) -> str:
        if has_ts(line):
            cut = line.find(" ", 19)
            if cut > 0:
                return f"{line[:cut]} [{label}]{line[cut:]}"
        return f"[{label}] {line}"

    async def poll(self) -> TailBatch:
        # while catching up, the last status is reused: it was still seen before this fetch, so a
        # terminal one makes a pod's caught-up fetch final exactly as a fresh one would
        job = self._job if self._more else None
        if job is None:
            try:
                job = await self.client.dlc.get_job(self.job_id)
            except NotFoundError as error:
                self.state, self.done = "gone", True
                return TailBatch([], "gone", done=True, error=error)
            except PaiError as error:
                self.backoff.failed(error)
                return TailBatch([], self.state, error=error)
        self._job = job
        watermark = self._now()
        tail_lines = self.since.lines
        per_pod = since("tail", tail_lines=tail_lines) if tail_lines else self.since
        for ref in pods_of(job):
            if ref.pod_id not in self.children:
                self.children[ref.pod_id] = PodLogTailer(
                    self.client, self.job_id, ref.pod_id, container=self.container, since_=per_pod,
                    page_lines=self.page_lines, batch_lines=max(1000, self.batch_lines // 4), now=self._now,
                    label=ref.label, pace=self.pace)
        notes: list[str] = []
        more = False
        error: PaiError | None = None
        marks = [_ms_key(watermark)]  # every caught-up pod has been read up to the poll's moment
        for child in self.children.values():
            if child.done:
                continue
            batch = await child.poll_with(job)
            if batch.error is not None and not isinstance(batch.error, NotFoundError):
                error = batch.error
                marks.append(child.last_ts or "")  # this pod is only known up to its last line
                continue
            self.container_info = self.container_info or child.container_info
            notes.extend(batch.notes)
            if batch.more:  # a backlog: lines after its last one are not read yet
                more = True
                marks.append(child.last_ts or "")
            fallback = child.last_ts or ""
            for line in batch.lines:
                key = line[:24] if has_ts(line) else fallback
                fallback = key
                self._held.append((key, self._seq, self.prefix(line, child.label)))
                self._seq += 1
        if error is not None:
            self.backoff.failed(error)
        else:
            self.backoff.ok()
        all_done = bool(self.children) and all(c.done for c in self.children.values())
        mark = "\uffff" if all_done else min(marks)
        self._held.sort()
        cut = next((i for i, (k, _, _) in enumerate(self._held) if k > mark), len(self._held))
        out = [line for _, _, line in self._held[:cut]]
        del self._held[:cut]
        if tail_lines and not self._trimmed and out:
            out, self._trimmed = out[-tail_lines:], True
        done = all_done and not self._held
        self.done, self._more = done, more
        states = {c.state for c in self.children.values()}
        self.state = "gone" if states == {"gone"} else "ended" if done else (
            "live" if "live" in states or out else "waiting")
        return TailBatch(out, self.state, more=more, done=done, error=error, notes=notes, detail=job)

    def next_delay(self) -> float:
        return self.backoff.delay()


# --- PAIFlow: Offset paging ------------------------------------------------------------------------

class NodeLogTailer:
    """Tails a pipeline node's log with ``Offset`` = lines received so far (exact: the filtered log only
    grows while the filters stay fixed). ``TotalCount`` says how far to page; a shrinking total means the
    log was reset (a re-run) and reading restarts from the beginning."""

    def __init__(self, client: PaiClient, run_id: str, node_id: str, *, since_: Since | None = None,
                 interval: float = 1.0, page_size: int = 1000, batch_lines: int = 50_000,
                 now: Now = _utcnow, pace: Pace = _yield) -> None:
        self.client = client
        self.pace = pace
        self.run_id = run_id
        self.node_id = node_id
        self.since = since_ or since("all")
        self.page_size = page_size
        self.batch_lines = batch_lines
        self._now = now
        self.backoff = _Backoff(interval)
        self.offset: int | None = None
        self.total = 0
        self.state: State = "starting"
        self.done = False
        self._from: int | None = None

    async def poll(self) -> TailBatch:
        try:
            node = await self.client.flow.get_pipeline_run_node(self.run_id, self.node_id)
            status = node.status_info.status if node.status_info is not None else None
            final = is_terminal_node(status)
            lines, more, notes = await self.fetch()
        except NotFoundError as error:
            self.state, self.done = "gone", True
            return TailBatch([], "gone", done=True, error=error)
        except PaiError as error:
            self.backoff.failed(error)
            return TailBatch([], self.state, error=error)
        self.backoff.ok()
        done = final and not more
        self.done = done
        self.state = "ended" if done else ("live" if self.total or lines else "waiting")
        return TailBatch(lines, self.state, more=more, done=done, notes=notes, detail=node)

    async def _page(self, offset: int, size: int) -> tuple[list[str], int]:
        response = await self.client.flow.list_pipeline_run_node_logs(
            self.run_id, self.node_id, offset=offset, page_size=size, from_time=self._from)
        return response.logs or [], response.total_count or 0

    async def fetch(self) -> tuple[list[str], bool, list[str]]:
        notes: list[str] = []
        if self.offset is None:
            if self.since.seconds is not None:
                self._from = int((self._now() - timedelta(seconds=self.since.seconds)).timestamp())
            self.offset = 0
            if self.since.lines is not None:
                _, total = await self._page(0, 1)
                self.offset = max(0, total - self.since.lines)
        out: list[str] = []
        while True:
            logs, total = await self._page(self.offset, self.page_size)
            if total < self.offset:  # the log got shorter: it was reset (re-run)
                notes.append("the node's log was reset; reading it again from the start")
                self.offset = 0
                continue
            self.total = total
            out.extend(logs)
            self.offset += len(logs)
            if not logs or self.offset >= total or len(out) >= self.batch_lines:
                break
            await self.pace()
        return out, self.offset < self.total, notes

    def next_delay(self) -> float:
        return self.backoff.delay()
