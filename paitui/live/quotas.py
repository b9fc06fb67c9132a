"""AIWorkSpace resource quotas with what is using them: the rows of ``:quotas``.

``ListQuotas`` (AIWorkSpace 2021-02-04; the SDK has no ``GetQuota``) says what each quota *has*: its
``Specs`` (``cpu``, ``memory`` such as ``8192Gi``, ``nvidia.com/gpu``, ``gpu-type``). It says nothing of use,
so the use is read where PAI keeps it — DLC jobs: a job that runs on a quota names it in ``ResourceId``. For
each workspace of the region, one ``ListJobs`` (paged) asks for the jobs holding or waiting for resources
(``Status`` = the statuses whose pods are up, plus ``Queuing``) over every creation time (a job started
weeks ago still holds its GPUs). A job's request is its ``JobSpecs``: pods × ``ResourceConfig``.

A quota shared by several workspaces is summed over all of them. The jobs are read as compact ``JobRow`` records
(the columns need only id, status, quota and ``JobSpecs``), a workspace's pages through ``PagedListing``.

Under faults the totals are shown as soon as ListQuotas answers (only its failure fails the answer). When
ListWorkspaces or some workspace's ListJobs fails, the use columns are a *lower bound*, never free capacity:
every row is marked (``use`` = ``partial`` or ``unknown``, ``≥147 / 160`` or ``? / 160`` on screen) and the
answer's ``partial`` (a ``UsePartial``) names the workspaces missing; the watch polls again with backoff and
each poll reads everything afresh, so a use never mixes two moments.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from paitui.api.errors import PaiError
from paitui.live.lister import ListerBase, Progress
from paitui.live.paging import Listed, PagedListing, Partial, page_reader
from paitui.live.status import JOB, job_pods_up
from paitui.live.windows import ALL_START

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.job_row import JobRow
    from paitui.api.models.workspace import Quota, Workspace

# DLC statuses whose pods hold the quota's resources (``live.status.job_pods_up``, plus Stopping: its pods are
# still being killed) and the one that waits for them
HOLDING = (*(entry.status for entry in JOB.values() if job_pods_up(entry.status)), "Stopping")
QUEUING = "Queuing"
END_MARGIN = timedelta(minutes=10)  # EndTime a little ahead: a job created this second is not cut off
PAGE_SIZE = 100
WORKSPACE_CONCURRENCY = 4  # workspaces whose jobs are read at once (each reads its pages PagedListing's way)
Use = Literal["complete", "partial", "unknown"]  # how much of the use columns is known
_UNITS = {"": 1 / 2**30, "k": 1e3 / 2**30, "ki": 1 / 2**20, "m": 1e6 / 2**30, "mi": 1 / 2**10, "g": 1e9 / 2**30,
          "gi": 1.0, "t": 1e12 / 2**30, "ti": 2**10}
_QUANTITY = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kmgt]i?)?b?\s*$", re.IGNORECASE)


def gibibytes(quantity: str | None) -> float | None:
    """A Kubernetes-style memory quantity (``16Gi``, ``512Mi``, ``64G``, bare bytes) in GiB; None if unreadable."""
    if not quantity:
        return None
    match = _QUANTITY.match(quantity)
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[(match.group(2) or "").lower()]


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


@dataclass(slots=True)
class QuotaUsage:
    """One quota: its totals (from ListQuotas) and what DLC jobs hold and wait for on it."""

    quota_id: str
    name: str
    display_name: str = ""
    quota_type: str = ""  # PAI | DLC | MaxCompute
    mode: str = ""  # isolate (subscription) | share
    gpu_type: str = ""
    cpu_total: float | None = None
    memory_total: float | None = None  # GiB
    gpu_total: float | None = None
    cpu_used: float = 0.0
    memory_used: float = 0.0
    gpu_used: float = 0.0
    running: int = 0  # jobs holding resources on it
    queued: int = 0  # jobs queuing for it
    queued_ids: list[str] = field(default_factory=list)
    use: Use = "complete"  # partial: the use and counts are a lower bound; unknown: no job could be read

    @classmethod
    def of(cls, quota: Quota) -> QuotaUsage:
        specs = {(s.name or "").lower(): s.value for s in quota.specs or ()}
        return cls(quota.id or "", quota.name or "", quota.display_name or "", quota.quota_type or "",
                   quota.mode or "", specs.get("gpu-type") or "", _number(specs.get("cpu")),
                   gibibytes(specs.get("memory")), _number(specs.get("nvidia.com/gpu")))

    def hold(self, job: JobRow) -> None:
        """Count a job that holds resources: its pods × per-pod request."""
        self.running += 1
        for spec in job.job_specs or ():
            config = spec.resource_config
            if config is None:
                continue
            pods = spec.pod_count or 1
            self.cpu_used += pods * (_number(config.cpu) or 0)
            self.memory_used += pods * (gibibytes(config.memory) or 0)
            self.gpu_used += pods * (_number(config.gpu) or 0)

    def queue(self, job: JobRow) -> None:
        self.queued += 1
        if job.job_id:
            self.queued_ids.append(job.job_id)


def usage(quotas: Iterable[Quota], jobs: Iterable[JobRow], use: Use = "complete") -> list[QuotaUsage]:
    """The quotas (in ListQuotas order) with the use the jobs make of them; a job on no listed quota is ignored.
    ``use`` says whether the jobs are all of them."""
    rows = [QuotaUsage.of(q) for q in quotas]
    for quota in rows:
        quota.use = use
    by_id = {row.quota_id: row for row in rows if row.quota_id}
    for job in jobs:
        row = by_id.get(job.resource_id or "")
        if row is None:
            continue
        if job.status == QUEUING:
            row.queue(job)
        elif job.status in HOLDING:
            row.hold(job)
    return rows


@dataclass(frozen=True, slots=True)
class UsePartial(Partial):
    """What the use columns miss: ``loaded`` of ``total`` workspaces read (``total`` None: ListWorkspaces
    failed, so no use is known) and the names of the ``missing_workspaces``."""

    missing_workspaces: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.total is None:
            return f"partial: quota totals only, use unknown (workspaces unreadable) · retrying ({self.reason})"
        names = ", ".join(self.missing_workspaces[:3])
        if len(self.missing_workspaces) > 3:
            names += f" +{len(self.missing_workspaces) - 3}"
        return (f"partial: use from {self.loaded} of {self.total} workspaces, a lower bound (missing {names}) · "
                f"retrying ({self.reason})")


@dataclass(slots=True)
class JobsRead:
    """The jobs on quotas of every workspace that could be read."""

    jobs: list[JobRow]
    workspaces: int | None  # in the region; None: ListWorkspaces failed
    missing: list[str] = field(default_factory=list)  # workspaces whose jobs were not (all) read
    error: PaiError | None = None  # the last failure, when something is missing

    @property
    def use(self) -> Use:
        if self.workspaces is None or (self.workspaces and len(self.missing) == self.workspaces):
            return "unknown"
        return "partial" if self.error is not None else "complete"

    def partial(self) -> UsePartial | None:
        if self.error is None:
            return None
        read = None if self.workspaces is None else self.workspaces - len(self.missing)
        return UsePartial(read or 0, self.workspaces, (), self.error, missing_workspaces=tuple(self.missing))


class QuotaLister(ListerBase):
    """What ``:quotas`` polls: ListQuotas, then the jobs of every workspace holding or waiting for a quota."""

    status = None  # quotas have no lifecycle status

    def __init__(self, client: PaiClient, *, now: Callable[[], datetime] | None = None) -> None:
        self._client = client
        self._now = now or client.server_now
        self.requests = 0

    @staticmethod
    def key(row: QuotaUsage) -> str:
        return row.quota_id

    async def jobs(self) -> JobsRead:
        """The jobs on any quota that hold or wait for resources, over every workspace of the region; a
        workspace whose pages fail is named, with what of it arrived kept."""
        try:
            workspaces = [w async for w in self._client.workspace.iter_workspaces() if w.workspace_id]
        except PaiError as error:
            return JobsRead([], None, error=error)
        read = JobsRead([], len(workspaces))
        end = self._now() + END_MARGIN
        gate = asyncio.Semaphore(WORKSPACE_CONCURRENCY)

        async def one(workspace: Workspace) -> None:
            listing: PagedListing[JobRow] = PagedListing(page_reader(
                self._client.dlc.list_job_rows, "jobs", PAGE_SIZE, workspace_id=workspace.workspace_id,
                status=",".join((*HOLDING, QUEUING)), start_time=ALL_START, end_time=end), PAGE_SIZE)
            async with gate:
                try:
                    await listing.run()
                except PaiError as error:
                    listing.error = error
            read.jobs.extend(job for job in listing.rows if job.resource_id)
            if not listing.complete:
                read.missing.append(workspace.workspace_name or workspace.workspace_id or "?")
                read.error = listing.error

        await asyncio.gather(*(one(w) for w in workspaces))
        read.missing.sort()  # named in a stable order, whichever answered first
        return read

    async def fetch(self, progress: Progress | None = None) -> Listed[QuotaUsage]:
        answer = await self._client.workspace.list_quotas()  # no totals, nothing to show: this one fails
        quotas = answer.quotas or []
        if progress is not None:
            progress(0, len(quotas))
        read = await self.jobs()
        rows = usage(quotas, read.jobs, read.use)
        if progress is not None:
            progress(len(rows), len(rows))
        return Listed(rows, read.partial())
