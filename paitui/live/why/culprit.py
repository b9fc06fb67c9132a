"""Which pod broke a failed job: the one that failed first.

When one rank dies the others fail after it (a peer gone, a collective aborted), so every pod of a failed job
says Failed; the first to finish failing is the cause. Only the last generation is looked at while one of its
pods failed: earlier incarnations (``HistoryPods``) also say Failed when a restart replaced them, but what
ended the job happened in the generation that was running then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol


class PodLike(Protocol):
    @property
    def pod_id(self) -> str | None: ...
    @property
    def pod_uid(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def gmt_finish_time(self) -> datetime | None: ...
    @property
    def history_pods(self) -> Sequence[PodLike] | None: ...


def lives(pods: Iterable[PodLike]) -> Iterable[PodLike]:
    """Every pod and, after each, its earlier incarnations."""
    for pod in pods:
        yield pod
        yield from lives(pod.history_pods or ())


def culprit(pods: Sequence[PodLike], reason: str | None = None) -> str | None:
    """The id of the pod that failed first: the earliest finish time; among pods that finished together, the
    one the job's ``reason`` message names (PAI's "Pod … failed: …"), then the order given; a failed pod
    without a finish time sorts last. None when no pod failed."""
    failed = [(i, p) for i, p in enumerate(pods) if (p.status or "") == "Failed" and p.pod_id]
    if not failed:  # the current pods did not fail (or are gone): the earlier incarnations are all there is
        failed = [(i, p) for i, p in enumerate(lives(pods)) if (p.status or "") == "Failed" and p.pod_id]
    if not failed:
        return None

    def key(item: tuple[int, PodLike]) -> tuple[float, bool, int]:
        index, pod = item
        when = pod.gmt_finish_time
        named = bool(reason and pod.pod_id and re.search(rf"(?<![\w-]){re.escape(pod.pod_id)}(?![\w-])", reason))
        return (when.timestamp() if when is not None else float("inf"), not named, index)

    return min(failed, key=key)[1].pod_id


class JobLike(Protocol):
    @property
    def status(self) -> str | None: ...
    @property
    def reason_message(self) -> str | None: ...
    @property
    def pods(self) -> Sequence[PodLike] | None: ...


def culprit_of(job: JobLike) -> str | None:
    """A failed job's culprit; None for a job that did not fail (or has no failed pod)."""
    from paitui.live.status import job_phase

    if job_phase(job.status) != "failed":
        return None
    return culprit(job.pods or (), job.reason_message)
