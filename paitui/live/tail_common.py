"""What every log tailer shares (no Textual): the since windows, the ``TailBatch`` a poll returns, the
backoff after errors, the pod references a job lists, and ``TailerBase`` (the client, clock, pacing, since
window, backoff, state and error handling common to the pod, merged and node tailers)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from paitui.api.errors import NotFoundError, PaiError
from paitui.live.status import is_terminal_pod
from paitui.live.watch import MAX_BACKOFF

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobResponse, PodItem

State = Literal["starting", "waiting", "live", "ended", "gone"]
Now = Callable[[], datetime]
Pace = Callable[[], Awaitable[None]]  # awaited between pages: a UI lets pending input run first



def utcnow() -> datetime:
    return datetime.now(UTC)


async def yield_now() -> None:
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


# --- results and backoff ------------------------------------------------------------------------------

@dataclass(slots=True)
class TailBatch:
    lines: list[str]
    state: State
    more: bool = False  # a backlog remains: poll again at once
    done: bool = False  # the source ended and its last lines are in; stop polling
    error: PaiError | None = None
    notes: list[str] = field(default_factory=list)  # things the user should know (a gap, a restart)
    detail: Any = None  # the object the status came from (GetJob / GetPipelineRunNode response)


class Backoff:
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


class TailerBase:
    """The part of a tailer that is the same for every source: what it reads with (``client``, ``now``,
    ``pace``), from where (``since``), how much per poll (``batch_lines``), when to poll again
    (``backoff``/``next_delay``), and the state it reports — plus the two ways a poll fails."""

    def __init__(self, client: PaiClient, *, since_: Since | None, interval: float, batch_lines: int,
                 now: Now, pace: Pace) -> None:
        self.client = client
        self.pace = pace
        self.since = since_ or since("all")
        self.batch_lines = batch_lines
        self._now = now
        self.backoff = Backoff(interval)
        self.state: State = "starting"
        self.done = False

    def _gone(self, error: PaiError) -> TailBatch:
        """The source no longer exists: nothing more to read, ever."""
        self.state, self.done = "gone", True
        return TailBatch([], "gone", done=True, error=error)

    def _failed(self, error: PaiError) -> TailBatch:
        """A failed request: keep the state, back off, and let the error ride in the batch."""
        self.backoff.failed(error)
        return TailBatch([], self.state, error=error)

    def _error_batch(self, error: PaiError) -> TailBatch:
        """A failed request as a batch: a source not found is gone; any other error backs off."""
        return self._gone(error) if isinstance(error, NotFoundError) else self._failed(error)

    def next_delay(self) -> float:
        return self.backoff.delay()


# --- the pods of a DLC job ----------------------------------------------------------------------------

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
        return is_terminal_pod(self.status)


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
