"""Tailing one DLC pod: GetPodLogs has no cursor, so each poll asks for ``StartTime`` = the second of the
last line seen minus ``overlap`` seconds (the wire has second precision) and removes the lines it already
emitted with a multiset (``_Dedup``), so nothing is repeated or lost, even for bursts of identical lines in
one millisecond, or a page that ``MaxLines`` cut in the middle of such a burst.

``PodLogTailer.poll()`` returns one ``TailBatch`` and never raises ``PaiError``: the error rides in the
batch, the lines already shown stay, and ``next_delay()`` backs off. It polls every ``interval`` while the
pod runs, at once while there is a backlog (``more``), makes one final fetch after it sees the pod end, and
is then ``done``. A restart (a new pod uid) is followed: the old incarnation's last lines come first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from paitui.api.errors import PaiError
from paitui.live.logsearch import datetime_to_sec, has_ts, sec_key, sec_to_datetime
from paitui.live.status import is_terminal_job
from paitui.live.tail_common import (
    Now,
    Pace,
    PodRef,
    Since,
    TailBatch,
    TailerBase,
    pod_label,
    pods_of,
    since,
    utcnow,
    yield_now,
)

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobResponse

MAX_LINES_CAP = 100_000  # GetPodLogs refuses more per call


# --- time window + multiset de-duplication ------------------------------------------------------------

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


class PodLogTailer(TailerBase):
    """Tails one pod incarnation's log (one container, or a comma list of containers)."""

    def __init__(self, client: PaiClient, job_id: str, pod_id: str, *, pod_uid: str | None = None,
                 container: str | None = None, since_: Since | None = None, interval: float = 1.0,
                 overlap: int = 1, page_lines: int = 5000, batch_lines: int = 50_000,
                 now: Now = utcnow, label: str | None = None, follow_restarts: bool | None = None,
                 pace: Pace = yield_now, from_time: datetime | None = None) -> None:
        super().__init__(client, since_=since_, interval=interval, batch_lines=batch_lines, now=now, pace=pace)
        self.from_time = from_time  # read from this moment (a whole-log save: the job's creation), not `since`
        self.job_id = job_id
        self.pod_id = pod_id
        self.pod_uid = pod_uid
        self.container = container
        self.label = label or pod_label(job_id, pod_id)
        self.overlap = overlap
        self.page_lines = page_lines
        # a history pod (explicit uid) is read once; the current pod follows a restart to the new incarnation
        self.follow_restarts = pod_uid is None if follow_restarts is None else follow_restarts
        self.container_info: tuple[str, list[str]] | None = None  # (main, sidecars) once known
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
        except PaiError as error:
            return self._error_batch(error)
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
        self.backoff.ok()
        return super()._gone(error)

    # --- fetching ---

    async def _fetch_or_error(self, *, final: bool) -> TailBatch:
        try:
            lines, more, notes = await self.fetch()
        except PaiError as error:
            return self._error_batch(error)
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
        if self.from_time is not None:
            return datetime_to_sec(self.from_time)
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
        out: list[str] = []
        notes: list[str] = []
        dedup = self._dedup
        full = False
        while True:
            try:
                logs = await self._get(dedup.start, self._max_lines)
            except PaiError:
                if not out:
                    raise
                # earlier pages of this fetch are absorbed already: hand them out now (as a backlog, so the
                # next poll retries this page at once and reports the error if it lasts), never drop them
                full = True
                break
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
