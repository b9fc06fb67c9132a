"""The pai-dlc product's store: every job, the creation-time index, arrivals, tensorboards, templates, tokens.

Seeded jobs are generated once at world creation; jobs "submitted" after genesis are produced lazily by
``sync(now)`` from a deterministic arrival stream (one every 40–90 simulated seconds), so a running demo
keeps changing while two worlds with the same seed still answer identically. Nothing ticks: every status is
derived from the job's plan at request time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from paitui.sim.dlc.caches import DlcCaches
from paitui.sim.dlc.catalog import JOB_TYPES, STATUSES
from paitui.sim.dlc.model import Job
from paitui.sim.dlc.seed import JobFactory
from paitui.sim.dlc.templates import TemplateStore
from paitui.sim.dlc.tensorboards import TensorboardStore
from paitui.sim.errors import not_found

if TYPE_CHECKING:
    from paitui.sim.world import World

ARRIVAL_GAP = (40.0, 90.0)  # simulated seconds between two jobs submitted after genesis


class DlcState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.factory = JobFactory(world)
        self.genesis = world.genesis.timestamp()
        self.jobs: dict[str, Job] = {}
        self.caches = DlcCaches()  # derived wire forms: this world's own, bounded
        self._order: list[Job] = []  # sorted by creation time: the ListJobs window is a bisect
        self._created: list[float] = []
        n = world.job_count
        per_status = 2 if n >= 200 else 1
        anchors = [STATUSES[k % len(STATUSES)] for k in range(min(n, per_status * len(STATUSES)))]
        seeded: list[Job] = []
        for i in range(n):
            k = n - 1 - i  # anchors sit at the end of the index range, forced types at the start
            anchor = anchors[k] if k < len(anchors) else None
            forced = JOB_TYPES[i] if i < len(JOB_TYPES) else None
            seeded.append(self.factory.seeded(i, anchor=anchor, job_type=forced))
        seeded.sort(key=lambda j: j.created)
        for job in seeded:
            self.jobs[job.job_id] = job
        self._order = seeded
        self._created = [j.created for j in seeded]
        # the same index per workspace: ListJobs almost always names one
        self._ws_order: dict[str, list[Job]] = {}
        for job in seeded:
            self._ws_order.setdefault(job.workspace_id, []).append(job)
        self._ws_created = {ws: [j.created for j in jobs] for ws, jobs in self._ws_order.items()}
        self._arrivals = world.rng("dlc.arrivals")
        self._next_index = n
        self._next_arrival = self.genesis + self._arrivals.uniform(*ARRIVAL_GAP)
        self.deleted: set[str] = set()
        self.tensorboards = TensorboardStore(self)
        self.templates = TemplateStore(self)
        self.tokens: dict[str, tuple[str, str, float]] = {}  # token → (TargetType, TargetId, expiry)

    # --- time ---

    def sync(self, now: float) -> None:
        """Materialise every job submitted (by the simulated users) up to ``now``."""
        while self._next_arrival <= now:
            job = self.factory.arrival(self._next_index, self._next_arrival)
            self._next_index += 1
            self._next_arrival += self._arrivals.uniform(*ARRIVAL_GAP)
            if job.job_id not in self.jobs:
                self.add(job)

    # --- jobs ---

    def job(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise not_found("NotFound.Job", "job", job_id)
        return job

    def add(self, job: Job) -> None:
        self.jobs[job.job_id] = job
        _insert(self._created, self._order, job)
        _insert(self._ws_created.setdefault(job.workspace_id, []), self._ws_order.setdefault(job.workspace_id, []),
                job)

    def remove(self, job: Job) -> None:
        del self.jobs[job.job_id]
        self.deleted.add(job.job_id)
        _delete(self._created, self._order, job)
        _delete(self._ws_created[job.workspace_id], self._ws_order[job.workspace_id], job)

    def window(self, start: float | None, end: float | None, workspace: str | None = None) -> list[Job]:
        """Jobs created in [start, end] (of one workspace), oldest first: O(log n) + the slice."""
        if workspace is None:
            created, order = self._created, self._order
        else:
            created, order = self._ws_created.get(workspace, []), self._ws_order.get(workspace, [])
        lo = 0 if start is None else bisect_left(created, start)
        hi = len(created) if end is None else bisect_right(created, end)
        return order[lo:hi]

    def all_jobs(self) -> list[Job]:
        return self._order



def _insert(created: list[float], order: list[Job], job: Job) -> None:
    if not created or job.created >= created[-1]:  # the usual case: a job submitted now
        created.append(job.created)
        order.append(job)
        return
    i = bisect_right(created, job.created)
    created.insert(i, job.created)
    order.insert(i, job)


def _delete(created: list[float], order: list[Job], job: Job) -> None:
    i = bisect_left(created, job.created)
    while order[i] is not job:
        i += 1
    del order[i]
    del created[i]
