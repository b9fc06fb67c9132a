"""What the log screen reads and how it moves between sources: the ``LogSource`` (a pod, a previous attempt,
a sidecar, all pods merged, or a PAIFlow node), the tailer that reads it, and the next pod / attempt /
container the ``[`` ``]`` ``m`` ``p`` ``C`` and ``0``–``5`` keys switch to, and ``LogSourceActions``, the log
screen's actions that switch (each restarts the tail on the new source)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from paitui.live.tail import MergedPodTailer, NodeLogTailer, PodLogTailer, PodRef, Since, since

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.live.tail import Now, Pace
    from paitui.ui.screens.base import PaiScreen

    _Screen = PaiScreen
else:
    _Screen = object  # a plain mixin at runtime, like ``paitui.ui.behaviours.actions.ActionsMixin`` (same reason)

Tailer = PodLogTailer | MergedPodTailer | NodeLogTailer
SINCE_BY_KEY = {"0": "tail", "1": "1m", "2": "5m", "3": "15m", "4": "1h", "5": "all"}


@dataclass(frozen=True, slots=True)
class LogSource:
    """What the screen reads. ``kind`` pod: ``job_id`` + ``pod_id`` (None: the first pod); node: ``run_id`` +
    ``node_id``."""

    kind: str
    job_id: str = ""
    pod_id: str | None = None
    pod_uid: str | None = None
    job_name: str | None = None
    run_id: str = ""
    node_id: str = ""
    run_name: str | None = None
    node_name: str | None = None
    merged: bool = False
    container: str | None = None


def make_tailer(s: LogSource, client: PaiClient, *, since_: Since, interval: float, page_lines: int,
                batch_lines: int, now: Now, pace: Pace) -> Tailer:
    """The tailer for ``s``: a node's, all pods merged, or one pod's (``s.pod_id`` must be known)."""
    if s.kind == "node":
        return NodeLogTailer(client, s.run_id, s.node_id, since_=since_, interval=interval,
                             page_size=1000, batch_lines=batch_lines, now=now, pace=pace)
    if s.merged:
        return MergedPodTailer(client, s.job_id, container=s.container, since_=since_,
                               interval=interval, page_lines=page_lines,
                               batch_lines=batch_lines, now=now, pace=pace)
    assert s.pod_id is not None
    return PodLogTailer(client, s.job_id, s.pod_id, pod_uid=s.pod_uid, container=s.container,
                        since_=since_, interval=interval, page_lines=page_lines,
                        batch_lines=batch_lines, now=now, pace=pace)


def attempts_of(s: LogSource, pods: Sequence[PodRef]) -> list[PodRef]:
    """The source pod's incarnations: the current one first, then the earlier ones (newest first)."""
    ref = next((r for r in pods if r.pod_id == s.pod_id), None)
    return [ref, *ref.history] if ref is not None else []


def next_pod(s: LogSource, pods: Sequence[PodRef], delta: int) -> str:
    """The pod ``delta`` places after the source's in the job's order, wrapping around (``pods`` not empty)."""
    ids = [ref.pod_id for ref in pods]
    at = ids.index(s.pod_id) if s.pod_id in ids else -1
    return ids[(at + delta) % len(ids)]


def next_attempt_uid(s: LogSource, attempts: Sequence[PodRef]) -> str | None:
    """Cycle current (None) → previous attempt → older … → current (HistoryPods, read by PodUid)."""
    uids = [None, *[ref.uid for ref in attempts[1:]]]
    at = uids.index(s.pod_uid) if s.pod_uid in uids else 0
    return uids[(at + 1) % len(uids)]


def next_container(s: LogSource, main: str, sidecars: Sequence[str]) -> str:
    """The container after the source's: main → each sidecar → main."""
    names = [main, *sidecars]
    current = s.container or main
    return names[(names.index(current) + 1) % len(names)] if current in names else main


class LogSourceActions(_Screen):
    """The log screen's source switching: ``[``/``]`` pod, ``m`` all pods merged, ``p`` previous attempt,
    ``C`` container, ``0``–``5`` since window, ``r`` poll now."""

    source: LogSource
    pods: list[PodRef]
    containers: tuple[str, list[str]] | None
    since: Since
    tail_lines: int

    if TYPE_CHECKING:
        def _restart(self) -> None: ...
        def poll_now(self) -> None: ...

    def _switch(self, **changes: Any) -> None:
        self.source = replace(self.source, **changes)
        self._restart()

    def action_pod(self, delta: int) -> None:
        if self.source.kind != "pod" or not self.pods:
            return
        target = next_pod(self.source, self.pods, delta)
        self._switch(pod_id=target, pod_uid=None, merged=False)
        self.notify(f"pod {target}", markup=False, timeout=1.5)

    def action_merge(self) -> None:
        if self.source.kind != "pod":
            return
        self._switch(merged=not self.source.merged, pod_uid=None)

    def _attempts(self) -> list[PodRef]:
        return attempts_of(self.source, self.pods)

    def action_attempt(self) -> None:
        """Cycle current → previous attempt → older … → current (HistoryPods, read by PodUid)."""
        if self.source.kind != "pod" or self.source.merged:
            return
        attempts = self._attempts()
        if len(attempts) < 2:
            self.notify("this pod has no previous attempt", markup=False)
            return
        self._switch(pod_uid=next_attempt_uid(self.source, attempts))

    def action_container(self) -> None:
        if self.source.kind != "pod" or not self.containers:
            return
        main, sidecars = self.containers
        if not sidecars:
            self.notify(f"only one container: {main}", markup=False)
            return
        target = next_container(self.source, main, sidecars)
        self._switch(container=None if target == main else target)
        self.notify(f"container {target}", markup=False, timeout=1.5)

    def action_since(self, key: str) -> None:
        self.since = since(key, tail_lines=self.tail_lines)
        self._restart()

    def action_refresh(self) -> None:
        self.poll_now()
