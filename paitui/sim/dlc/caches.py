"""The pai-dlc product's caches of forms derived from a job's plan, owned by its state (one set per world).

Everything here is recomputable from the job alone; the caches only spare a long ListJobs the work. Each is
bounded (least recently used out) and keyed by the job object and its ``rev`` (bumped whenever the plan,
roles or settings change), so a changed job is never served from a stale entry.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from paitui.sim.dlc.model import Job, Segment, segments
from paitui.sim.memo import RecordCache

if TYPE_CHECKING:
    from paitui.sim.encoded import Template

SEGMENTS = 1 << 16  # a few segments per job: every job of a long list asks for its current generation
POD_TABLES = 4096  # formatted pod rows: ListJobs builds a page's worth of them per call
LIST_ITEMS = 1 << 15  # encoded ListJobs items, ~2 KB each: a 30,000-job list is served from cache
JOB_BODIES = 512  # encoded GetJob bodies: detail screens poll a few jobs


class DlcCaches:
    def __init__(self, *, segments: int = SEGMENTS, pod_tables: int = POD_TABLES, list_items: int = LIST_ITEMS,
                 job_bodies: int = JOB_BODIES) -> None:
        self._segments: RecordCache[tuple[list[Segment], list[float]]] = RecordCache(segments)
        self.pod_tables: RecordCache[list[list[Any]]] = RecordCache(pod_tables)
        self.list_items: RecordCache[Template] = RecordCache(list_items)
        self.job_bodies: RecordCache[Template] = RecordCache(job_bodies)

    def _segments_of(self, job: Job) -> tuple[list[Segment], list[float]]:
        cached = self._segments.get(job.job_id, job, job.rev)
        if cached is None:
            segs = segments(job)
            cached = self._segments.put(job.job_id, job, job.rev, (segs, [seg.created for seg in segs]))
        return cached

    def segments(self, job: Job) -> list[Segment]:
        """``model.segments(job)``, computed once per plan (``job.rev``)."""
        return self._segments_of(job)[0]

    def generation_at(self, job: Job, now: float) -> int:
        """Index of the pod generation alive (or last alive) at ``now``; −1 before any pod was created."""
        return bisect_right(self._segments_of(job)[1], now) - 1

    def sizes(self) -> dict[str, int]:
        """How many entries each cache holds (tests check the bounds)."""
        return {"segments": len(self._segments), "pod_tables": len(self.pod_tables),
                "list_items": len(self.list_items), "job_bodies": len(self.job_bodies)}
