"""One consistent snapshot of a DLC job for its detail screen (no Textual).

GetJob, then in parallel the job's events, the four metric series of the window, the sanity-check results
(only when the job enables them, or while it is pending and they may be running) and the selected pod's
events. The error policy (docs/ARCHITECTURE.md "Error policy"):

* GetJob fails → the error propagates: the watch keeps the last snapshot and marks the screen stale;
* a side call is refused for good (forbidden, not found, invalid parameter) → that panel is *unavailable*;
* a side call fails for now (throttled, 5xx, a malformed body …) → that panel keeps what the previous
  snapshot showed and is listed in ``stale`` with the error code, instead of the whole screen going stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paitui.api.errors import ForbiddenError, InvalidParameterError, NotFoundError, PaiError, describe
from paitui.api.models.dlc import JobItem, PodItem, SanityCheckResultItem
from paitui.live.job_metrics import METRIC_TYPES, Window
from paitui.live.pod_metrics import MetricSeries, pod_series
from paitui.live.status import is_terminal_job, job_phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

PodRef = tuple[str, str | None]  # (PodId, PodUid)
EVENTS_MAX = 500  # MaxEventsNum: a long job's full history is not needed on screen
PERMANENT = (ForbiddenError, NotFoundError, InvalidParameterError)  # retrying cannot fix these


@dataclass(frozen=True)
class JobSnapshot:
    job: JobItem
    events: tuple[str, ...] = ()
    metrics: MetricSeries = field(default_factory=dict)
    sanity: tuple[tuple[SanityCheckResultItem, ...], ...] = ()
    pod_events: tuple[PodRef, tuple[str, ...]] | None = None
    unavailable: tuple[str, ...] = ()  # optional panels the service refused (e.g. metrics forbidden)
    # side calls that failed just now (throttled, 5xx, bad body …): name -> error code; their panels keep
    # the previous data, marked stale, rather than the whole screen going stale for one of six calls
    stale: tuple[tuple[str, str], ...] = ()

    def stale_code(self, *names: str) -> str | None:
        return next((code for name, code in self.stale if name in names), None)


def first_pod(job: JobItem) -> PodRef | None:
    """The pod a detail shows before the user picks one: the job's first."""
    pods: list[PodItem] = list(job.pods or ())
    if not pods or not pods[0].pod_id:
        return None
    return pods[0].pod_id, pods[0].pod_uid


async def pod_events(client: PaiClient, job_id: str, pod: PodRef) -> tuple[str, ...]:
    """One pod incarnation's events (GetPodEvents), oldest first."""
    answer = await client.dlc.get_pod_events(job_id, pod[0], pod_uid=pod[1], max_events_num=EVENTS_MAX)
    return tuple(answer.events or ())


async def fetch_job_snapshot(client: PaiClient, job_id: str, *, previous: JobSnapshot | None, window: Window,
                             selected_pod: PodRef | None, now: datetime) -> JobSnapshot:
    """A snapshot of ``job_id`` (see the module notes); ``previous`` fills the panels whose call failed just
    now; the metrics window ends at ``now``, or at the job's finish once it is over."""
    dlc = client.dlc
    job: JobItem = await dlc.get_job(job_id)
    job = job.model_copy(update={"request_id": None})  # a new RequestId per call is not a change
    end = job.gmt_finish_time if is_terminal_job(job.status) and job.gmt_finish_time else now
    pod = selected_pod or first_pod(job)
    calls: dict[str, Awaitable[Any]] = {
        "events": dlc.get_job_events(job_id, max_events_num=EVENTS_MAX),
        **{metric: dlc.get_job_metrics(job_id, metric, start_time=end - window.span, end_time=end,
                                       time_step=window.step) for metric in METRIC_TYPES},
    }
    if (job.settings is not None and job.settings.enable_sanity_check) or job_phase(job.status) == "pending":
        calls["sanity"] = dlc.list_job_sanity_check_results(job_id)
    if pod is not None:
        calls["pod-events"] = pod_events(client, job_id, pod)
    answers = await asyncio.gather(*calls.values(), return_exceptions=True)
    got: dict[str, Any] = {}
    unavailable: list[str] = []
    stale: list[tuple[str, str]] = []
    for name, answer in zip(calls, answers, strict=True):
        if isinstance(answer, PERMANENT):
            unavailable.append(name)
        elif isinstance(answer, PaiError):  # transient: the panel keeps what it showed (below)
            stale.append((name, getattr(answer, "code", None) or describe(answer)))
        elif isinstance(answer, BaseException):
            raise answer  # a bug, not the service
        else:
            got[name] = answer
    return _merge(job, pod, got, previous, selected_pod, tuple(unavailable), tuple(stale))


def _merge(job: JobItem, pod: PodRef | None, got: dict[str, Any], before: JobSnapshot | None,
           selected_pod: PodRef | None, unavailable: tuple[str, ...],
           stale: tuple[tuple[str, str], ...]) -> JobSnapshot:
    """The new answers, and where a call failed just now, what the previous snapshot showed."""
    failed = {name for name, _ in stale} if before is not None else set()
    metrics = {metric: pod_series(got[metric]) for metric in METRIC_TYPES if metric in got}
    if before is not None and pod == selected_pod:  # the same pod's earlier samples
        metrics.update({m: before.metrics[m] for m in failed if m in before.metrics})
    events: tuple[str, ...] = ()
    if "events" in got:
        events = tuple(got["events"].events or ())
    elif before is not None and "events" in failed:
        events = before.events
    sanity: tuple[tuple[SanityCheckResultItem, ...], ...] = ()
    if "sanity" in got:
        sanity = tuple(tuple(check) for check in (got["sanity"].sanity_check_results or ()))
    elif before is not None and "sanity" in failed:
        sanity = before.sanity
    shown_pod_events: tuple[PodRef, tuple[str, ...]] | None = None
    if pod is not None and "pod-events" in got:
        shown_pod_events = (pod, got["pod-events"])
    elif (before is not None and "pod-events" in failed and before.pod_events is not None
          and before.pod_events[0] == pod):
        shown_pod_events = before.pod_events
    return JobSnapshot(job=job, events=events, metrics=metrics, sanity=sanity, pod_events=shown_pod_events,
                       unavailable=unavailable, stale=stale)
