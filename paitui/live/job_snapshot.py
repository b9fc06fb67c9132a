"""One consistent snapshot of a DLC job for its detail screen (no Textual).

GetJob, then in parallel the side calls that are due: the job's events, the four metric series of the
window, the sanity-check results (only when the job enables them, or while it is pending and they may be
running) and the selected pod's events. The error policy (docs/ARCHITECTURE.md "Error policy"):

* GetJob fails → the error propagates: the watch keeps the last snapshot and marks the screen stale;
* a side call is refused for good (forbidden, not found, invalid parameter) → that panel is *unavailable*;
* a side call fails for now (throttled, 5xx, a malformed body …) → that panel keeps what the previous
  snapshot showed and is listed in ``stale`` with the error code, instead of the whole screen going stale.

Clocks (requests cost money; see ``due_calls``): GetJob is read at every poll (the detail interval, 2 s);
events, pod events and sanity checks every ``EVENTS_EVERY`` (30 s) and at once when the job's status
changes; metrics every time step of the window (a 1 h window at 1 min steps gains a point a minute). A
panel that is not due keeps the previous snapshot's data and its unavailable/stale marks; a failed side
call is asked again at its next tick, not sooner (a throttled service is not asked harder). Everything is
fetched at once on the first snapshot, on an explicit refresh (``everything``, the ``r`` key) and when the
job is over (that snapshot is the last); a pod change re-reads the pod's events at once (the metrics of
every pod are already held). A running job's detail costs 30 + 2 + 2 + 4 (+ 2 with sanity checks) = 38–40
requests a minute at the default 1 h window, against 210–240 when everything followed GetJob.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.api.errors import ForbiddenError, InvalidParameterError, NotFoundError, PaiError, describe
from paitui.api.models.dlc import JobItem, PodItem, SanityCheckResultItem
from paitui.live.job_metrics import METRIC_TYPES, Window
from paitui.live.pod_metrics import MetricSeries, pod_series
from paitui.live.status import is_terminal_job, job_phase
from paitui.live.why.culprit import culprit_of

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

PodRef = tuple[str, str | None]  # (PodId, PodUid)
EVENTS_MAX = 500  # MaxEventsNum: a long job's full history is not needed on screen
PERMANENT = (ForbiddenError, NotFoundError, InvalidParameterError)  # retrying cannot fix these
EVENTS_EVERY = timedelta(seconds=30)  # events, pod events, sanity checks (see the module notes)
METRICS = "metrics"  # the clock of the four metric series, asked together
SIDE_CALLS = ("events", METRICS, "sanity", "pod-events")


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
    pod: PodRef | None = None  # the pod whose events were asked for
    metrics_window: str | None = None  # the window (label) the metrics were asked for
    # when each side call (``SIDE_CALLS``) was last asked, answered or not: the clocks, not what is shown
    asked: Mapping[str, datetime] = field(default_factory=dict, compare=False)

    def stale_code(self, *names: str) -> str | None:
        return next((code for name, code in self.stale if name in names), None)


def first_pod(job: JobItem) -> PodRef | None:
    """The pod a detail (its logs, its metrics) shows before the user picks one: a failed job's culprit — the
    pod that failed first (``live.why.culprit``) — else the job's first pod."""
    pods: list[PodItem] = list(job.pods or ())
    if not pods or not pods[0].pod_id:
        return None
    blamed = culprit_of(job)
    if blamed is not None:
        pod = next((p for p in pods if p.pod_id == blamed), None)
        if pod is not None and pod.pod_id:
            return pod.pod_id, pod.pod_uid
    return pods[0].pod_id, pods[0].pod_uid


async def pod_events(client: PaiClient, job_id: str, pod: PodRef) -> tuple[str, ...]:
    """One pod incarnation's events (GetPodEvents), oldest first."""
    answer = await client.dlc.get_pod_events(job_id, pod[0], pod_uid=pod[1], max_events_num=EVENTS_MAX)
    return tuple(answer.events or ())


def due_calls(previous: JobSnapshot | None, job: JobItem, *, window: Window, pod: PodRef | None,
              now: datetime, everything: bool = False) -> set[str]:
    """The side calls (``SIDE_CALLS``) this snapshot asks for; see the module notes."""
    if previous is None or everything or is_terminal_job(job.status):
        return set(SIDE_CALLS)

    def late(name: str, every: timedelta) -> bool:
        asked = previous.asked.get(name)
        return asked is None or now - asked >= every

    moved = previous.job.status != job.status  # a new phase brings events
    due = {name for name in ("events", "sanity", "pod-events") if moved or late(name, EVENTS_EVERY)}
    if pod != previous.pod:
        due.add("pod-events")
    if previous.metrics_window != window.label or late(METRICS, window.period):
        due.add(METRICS)
    return due


async def fetch_job_snapshot(client: PaiClient, job_id: str, *, previous: JobSnapshot | None, window: Window,
                             selected_pod: PodRef | None, now: datetime, everything: bool = False) -> JobSnapshot:
    """A snapshot of ``job_id`` (see the module notes); ``previous`` fills the panels not asked for now or
    whose call failed just now; the metrics window ends at ``now``, or at the job's finish once it is over."""
    dlc = client.dlc
    job: JobItem = await dlc.get_job(job_id)
    job = job.model_copy(update={"request_id": None})  # a new RequestId per call is not a change
    end = job.gmt_finish_time if is_terminal_job(job.status) and job.gmt_finish_time else now
    pod = selected_pod or first_pod(job)
    due = due_calls(previous, job, window=window, pod=pod, now=now, everything=everything)
    calls: dict[str, Awaitable[Any]] = {}
    if "events" in due:
        calls["events"] = dlc.get_job_events(job_id, max_events_num=EVENTS_MAX)
    if METRICS in due:
        calls.update({metric: dlc.get_job_metrics(job_id, metric, start_time=end - window.span, end_time=end,
                                                  time_step=window.step) for metric in METRIC_TYPES})
    wants_sanity = (job.settings is not None and job.settings.enable_sanity_check) or job_phase(job.status) == "pending"
    if wants_sanity and "sanity" in due:
        calls["sanity"] = dlc.list_job_sanity_check_results(job_id)
    if pod is not None and "pod-events" in due:
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
    if previous is not None:  # the panels not asked for now keep their data and their marks
        asked_now = {_clock(name) for name in calls}
        unavailable += [n for n in previous.unavailable if _clock(n) not in asked_now and _kept(n, wants_sanity)]
        stale += [(n, c) for n, c in previous.stale if _clock(n) not in asked_now and _kept(n, wants_sanity)]
    merged = _merge(job, pod, got, previous, selected_pod, tuple(unavailable), tuple(stale),
                    {_clock(name) for name in calls}, wants_sanity)
    clocks = {**(previous.asked if previous is not None else {}), **{name: now for name in due}}
    return replace(merged, pod=pod, metrics_window=window.label if METRICS in due or previous is None
                   else previous.metrics_window, asked=clocks)


def _clock(name: str) -> str:
    """The clock a side call runs on (the four metric series share one)."""
    return METRICS if name in METRIC_TYPES else name


def _kept(name: str, wants_sanity: bool) -> bool:
    return name != "sanity" or wants_sanity


def _merge(job: JobItem, pod: PodRef | None, got: dict[str, Any], before: JobSnapshot | None,
           selected_pod: PodRef | None, unavailable: tuple[str, ...],
           stale: tuple[tuple[str, str], ...], asked: set[str], wants_sanity: bool) -> JobSnapshot:
    """The new answers; where a call failed just now, or was not asked for now, what the previous snapshot
    showed."""
    failed = {name for name, _ in stale} if before is not None else set()
    carried = set() if before is None else {n for n in SIDE_CALLS if n not in asked}
    metrics = {metric: pod_series(got[metric]) for metric in METRIC_TYPES if metric in got}
    if before is not None and METRICS in carried:
        metrics = dict(before.metrics)
    elif before is not None and pod == selected_pod:  # the same pod's earlier samples
        metrics.update({m: before.metrics[m] for m in failed if m in before.metrics})
    events: tuple[str, ...] = ()
    if "events" in got:
        events = tuple(got["events"].events or ())
    elif before is not None and ("events" in failed or "events" in carried):
        events = before.events
    sanity: tuple[tuple[SanityCheckResultItem, ...], ...] = ()
    if "sanity" in got:
        sanity = tuple(tuple(check) for check in (got["sanity"].sanity_check_results or ()))
    elif before is not None and wants_sanity and ("sanity" in failed or "sanity" in carried):
        sanity = before.sanity
    shown_pod_events: tuple[PodRef, tuple[str, ...]] | None = None
    if pod is not None and "pod-events" in got:
        shown_pod_events = (pod, got["pod-events"])
    elif (before is not None and ("pod-events" in failed or "pod-events" in carried)
          and before.pod_events is not None and before.pod_events[0] == pod):
        shown_pod_events = before.pod_events
    return JobSnapshot(job=job, events=events, metrics=metrics, sanity=sanity, pod_events=shown_pod_events,
                       unavailable=unavailable, stale=stale)
