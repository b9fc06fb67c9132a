"""All pods of a DLC job merged by time, each line prefixed ``[worker-3]`` after its timestamp (no Textual).

A line is only released once every pod has been read past its time (a watermark), so the merge never
reorders: each pod is read by its own ``PodLogTailer`` (exact, see ``paitui.live.pod_tail``), all from one
GetJob per poll.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from paitui.api.errors import NotFoundError, PaiError
from paitui.live.logsearch import has_ts
from paitui.live.pod_tail import PodLogTailer
from paitui.live.tail_common import Now, Pace, Since, TailBatch, TailerBase, pods_of, since, utcnow, yield_now

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobResponse


def _ms_key(moment: datetime) -> str:
    """``moment`` in the log lines' own timestamp format (so keys compare as strings)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class MergedPodTailer(TailerBase):
    """All current pods of a job, merged by time, each line prefixed ``[worker-3]`` after its timestamp.

    Lines are held back until every live pod has been read up to their time (the poll's moment is the
    watermark: anything at or before it has been fetched from every pod), then released in time order.
    """

    def __init__(self, client: PaiClient, job_id: str, *, container: str | None = None,
                 since_: Since | None = None, interval: float = 1.0, page_lines: int = 5000,
                 batch_lines: int = 50_000, now: Now = utcnow, pace: Pace = yield_now,
                 from_time: datetime | None = None) -> None:
        super().__init__(client, since_=since_, interval=interval, batch_lines=batch_lines, now=now, pace=pace)
        self.from_time = from_time  # every pod from this moment (a whole-log save), not `since`
        self.job_id = job_id
        self.container = container
        self.page_lines = page_lines
        self.children: dict[str, PodLogTailer] = {}
        self._held: list[tuple[str, int, str]] = []  # (time key, sequence, line) waiting for the watermark
        self._seq = 0
        self._trimmed = False
        self._more = False
        self._job: GetJobResponse | None = None
        self.container_info: tuple[str, list[str]] | None = None

    def release_held(self) -> list[str]:
        """Every line still waiting for a later watermark, in time order (a save's snapshot ends here)."""
        held, self._held = sorted(self._held), []
        return [line for _, _, line in held]

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
            except PaiError as exc:
                return self._error_batch(exc)
        self._job = job
        watermark = self._now()
        tail_lines = self.since.lines
        per_pod = since("tail", tail_lines=tail_lines) if tail_lines else self.since
        for ref in pods_of(job):
            if ref.pod_id not in self.children:
                self.children[ref.pod_id] = PodLogTailer(
                    self.client, self.job_id, ref.pod_id, container=self.container, since_=per_pod,
                    page_lines=self.page_lines, batch_lines=max(1000, self.batch_lines // 4), now=self._now,
                    label=ref.label, pace=self.pace, from_time=self.from_time)
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
