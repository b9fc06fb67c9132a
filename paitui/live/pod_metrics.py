"""Which metric samples a pod's sparklines may call "now" (no Textual).

GetJobMetrics answers per ``PodId``, not per incarnation: after a restart the samples of the earlier
attempts come back under the same id. So the samples are assigned to the incarnation that was up at their
time (GetJob's ``Pods[]`` and ``HistoryPods`` give each one's start and finish), and:

* the current incarnation, running: only its own samples; the latest is ``now`` (``end`` once the pod or
  the job is over); earlier attempts' samples are not passed off as its values;
* the current incarnation, Pending (not started): no ``now`` at all; earlier attempts' samples are shown as
  what they are: ``last`` value, labelled with their attempt and the time of that last sample;
* an earlier attempt (picked in the pods table): its own samples, ``end``, labelled with the attempt and the
  time it ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from paitui.api.models.dlc import GetJobMetricsResponse, JobItem, PodItem
from paitui.live.status import is_terminal_pod, pod_phase

Sample = tuple[datetime, float]
# metric type -> pod id -> samples in time order
MetricSeries = dict[str, dict[str, list[Sample]]]


def pod_series(response: GetJobMetricsResponse) -> dict[str, list[Sample]]:
    """``PodMetrics`` as ``{pod_id: [(time, value)…]}`` sorted by time; samples without a value are skipped."""
    out: dict[str, list[Sample]] = {}
    for pod in response.pod_metrics or ():
        if not pod.pod_id:
            continue
        points = [(m.time, float(m.value)) for m in pod.metrics or () if m.value is not None and m.time is not None]
        out.setdefault(pod.pod_id, []).extend(sorted(points, key=lambda p: p[0]))
    return out


@dataclass(frozen=True, slots=True)
class Incarnation:
    pod_id: str
    uid: str | None
    attempt: int  # 1 = the first; the current one has the highest number
    current: bool
    status: str | None
    started: datetime | None
    finished: datetime | None

    def holds(self, moment: datetime) -> bool:
        return self.started is not None and self.started <= moment and (
            self.finished is None or moment < self.finished)


def incarnations(job: JobItem, pod_id: str) -> list[Incarnation]:
    """Every incarnation of ``pod_id``, oldest first (HistoryPods come newest first)."""
    pod: PodItem | None = next((p for p in job.pods or () if p.pod_id == pod_id), None)
    if pod is None:
        return []
    history = list(reversed(pod.history_pods or ()))
    out = [Incarnation(pod_id, h.pod_uid, n, False, h.status, h.gmt_start_time, h.gmt_finish_time)
           for n, h in enumerate(history, 1)]
    out.append(Incarnation(pod_id, pod.pod_uid, len(history) + 1, True, pod.status, pod.gmt_start_time,
                           pod.gmt_finish_time))
    return out


@dataclass(frozen=True, slots=True)
class Reading:
    """What one sparkline shows: its ``values``, the word before the latest (``now``/``end``/``last``, or
    ``""`` with no values) and a ``note`` naming the attempt and time when the values are not current."""

    values: tuple[float, ...]
    head: str
    note: str = ""
    empty_why: str = "no data"


def _clock(moment: datetime | None) -> str:
    return f"{moment.astimezone():%H:%M:%S}" if moment is not None else "?"


def reading(samples: Sequence[Sample], incs: Sequence[Incarnation], selected_uid: str | None, *,
            job_over: bool) -> Reading:
    """The reading for the selected incarnation (``selected_uid`` None or the current uid: the current one)."""
    if not incs:  # the pod is not in GetJob (any more): samples as they are, nothing called "now"
        values = tuple(v for _, v in samples)
        return Reading(values, "last" if values else "", f"{_clock(samples[-1][0])}" if samples else "")
    current = incs[-1]
    chosen = next((i for i in incs if i.uid and i.uid == selected_uid), current)
    if not chosen.current:  # an earlier attempt: its own samples, as they ended
        own = tuple(v for t, v in samples if chosen.holds(t))
        note = f"attempt {chosen.attempt} · ended {_clock(chosen.finished)}"
        return Reading(own, "end" if own else "", note, "no samples of this attempt in the window")
    if chosen.started is None or pod_phase(chosen.status) == "pending":  # not started: what earlier ones left
        return _earlier(samples, incs)
    started = chosen.started
    own = tuple(v for t, v in samples if t >= started)
    over = job_over or is_terminal_pod(chosen.status)
    earlier = len(own) < len(samples)
    return Reading(own, ("end" if over else "now") if own else "", "",
                   "no samples of this attempt yet" if earlier else "no data")


def _earlier(samples: Sequence[Sample], incs: Sequence[Incarnation]) -> Reading:
    if not samples:
        return Reading((), "", "", "the pod is pending: no samples yet")
    last_time = samples[-1][0]
    owner = next((i for i in reversed(incs) if i.started is not None and i.started <= last_time
                  and (i.finished is None or last_time <= i.finished)), None)
    label = f"attempt {owner.attempt}" if owner is not None else "an earlier attempt"
    return Reading(tuple(v for _, v in samples), "last", f"{label} · {_clock(last_time)}")


def readings(job: JobItem, selected: tuple[str, str | None] | None, series: MetricSeries, metrics: Sequence[str],
             *, job_over: bool) -> dict[str, Reading]:
    """The reading of every metric for the selected pod (``(pod_id, uid)``; None: nothing selected)."""
    if selected is None:
        return {metric: Reading((), "", "", "no pod") for metric in metrics}
    pod_id, uid = selected
    incs = incarnations(job, pod_id)
    return {metric: reading(series.get(metric, {}).get(pod_id, []), incs, uid, job_over=job_over)
            for metric in metrics}
