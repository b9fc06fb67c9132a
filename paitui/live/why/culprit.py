"""Which pod broke a failed job: the one that failed first.

When one rank dies the others fail after it (a peer gone, a collective aborted), so every pod of a failed job
says Failed; the first to finish failing is the cause. Earlier incarnations (``HistoryPods``) count: a pod
restarted after a node loss failed first in its earlier life.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol


class PodLike(Protocol):
    @property
    def pod_id(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def gmt_finish_time(self) -> datetime | None: ...
    @property
    def history_pods(self) -> Sequence[PodLike] | None: ...


def _lives(pods: Iterable[PodLike]) -> Iterable[PodLike]:
    for pod in pods:
        yield pod
        yield from _lives(pod.history_pods or ())


def culprit(pods: Sequence[PodLike]) -> str | None:
    """The id of the pod that failed first (earliest finish time; a failed pod without one sorts last, then by
    the order given); None when no pod failed."""
    failed = [(i, p) for i, p in enumerate(_lives(pods)) if (p.status or "") == "Failed" and p.pod_id]
    if not failed:
        return None

    def key(item: tuple[int, PodLike]) -> tuple[float, int]:
        index, pod = item
        when = pod.gmt_finish_time
        return (when.timestamp() if when is not None else float("inf"), index)

    return min(failed, key=key)[1].pod_id
