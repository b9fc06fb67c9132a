"""Fetch functions for the list screens, built on the facades; each is what a ``ListWatch`` polls.

``JobLister`` is incremental because DLC lists are the big ones (thousands of jobs) and are polled every few
seconds. Its first call reads every page; later calls read (a) the newest pages until one holds no unseen
job, (b) the held jobs that are not finished, by id (``JobIds``, ≤ 100 per request), and (c) every
``full_every``-th call a full re-list, the only way to notice deletions and edits of finished jobs. Between
full re-lists the result is what a full list would show, except for those two. With a status filter every
call is a full list (see ``JobLister.incremental``).

The other listers re-read everything on each call through the facades' ``iter_*`` helpers: they are small
(workspaces, templates, specs, pipelines, schedules), or — PAIFlow runs — have no time window and no
multi-id filter (``PipelineRunId`` takes one id), so refreshing in-flight runs one by one would cost more
requests than re-reading a few pages of 100.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from paitui.api.models.dlc import EcsSpec, JobItem, JobTemplate, Tensorboard
from paitui.api.models.flow import Pipeline, PipelineRun
from paitui.api.models.plugin import Schedule
from paitui.api.models.workspace import Workspace
from paitui.live.gc_pacing import paced_collection
from paitui.live.status import is_terminal_job
from paitui.live.watch import ListWatch
from paitui.live.windows import DEFAULT_WINDOW, window_bounds

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

T = TypeVar("T")
Progress = Callable[[int, "int | None"], None]

ID_BATCH = 100  # JobIds per ListJobs request
# EndTime is sent a little in the future: server_now() is learned from a Date header with 1 s resolution,
# and a job created in that second must not be cut off by our own bound.
PAGE_CONCURRENCY = 4  # pages of a full list in flight at once
END_MARGIN = timedelta(minutes=10)
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _newest_first(rows: Iterable[T], created: Callable[[T], datetime | None], ident: Callable[[T], Any]) -> list[T]:
    return sorted(rows, key=lambda r: (created(r) or _EARLIEST, str(ident(r) or "")), reverse=True)


def _job_id(job: JobItem) -> str | None:
    return job.job_id


def _job_status(job: JobItem) -> str | None:
    return job.status


def _job_created(job: JobItem) -> datetime | None:
    return job.gmt_create_time


class JobLister:
    """DLC jobs of one workspace in a creation-time window, newest first; see the module notes."""

    key = staticmethod(_job_id)
    status = staticmethod(_job_status)

    def __init__(self, client: PaiClient, workspace_id: str | None, window: str = DEFAULT_WINDOW,
                 status: str | None = None, page_size: int = 100, *, full_every: int = 12,
                 now: Callable[[], datetime] | None = None, **filters: Any) -> None:
        window_bounds(window, datetime.now(UTC))  # fail early on an unknown window name
        self._client = client
        self.workspace_id = workspace_id
        self.window = window
        self.status_filter = status
        self.page_size = page_size
        self.full_every = max(1, full_every)
        self.filters = filters  # further ListJobs filters (job_type, display_name …), snake_case or wire names
        self._now = now or client.server_now
        self._jobs: dict[str, JobItem] = {}
        self._loading: dict[str, JobItem] = {}
        self._calls = 0
        self.total: int | None = None  # TotalCount of the last full list
        self.requests = 0  # ListJobs requests issued, for the status bar and tests
        self.last_full = False  # whether the last fetch was a full re-list

    def invalidate(self) -> None:
        """Make the next fetch a full list (the screen changed the window or a filter)."""
        self._calls = 0
        self._jobs = {}
        self.total = None

    def set_window(self, window: str) -> None:
        window_bounds(window, datetime.now(UTC))
        self.window = window
        self.invalidate()

    def forget(self, job_ids: Iterable[str]) -> None:
        """Drop jobs known to be deleted: a finished job is not re-read by id, so without this it would come
        back on every incremental fetch until the next full re-list."""
        for job_id in job_ids:
            self._jobs.pop(job_id, None)

    def set_status(self, status: str | None) -> None:
        self.status_filter = status
        self.invalidate()

    @property
    def jobs(self) -> list[JobItem]:
        return _newest_first(self._jobs.values(), _job_created, _job_id)

    @property
    def incremental(self) -> bool:
        """Whether refreshes may skip pages. Not with a status filter: a queued job that starts running is
        neither new nor held, so only a full list of "Running" finds it (filtered lists are short anyway)."""
        mutable = {"Status", "ReasonSearch", "reason_search", "NumericRangeField", "numeric_range_field"}
        return self.status_filter is None and not mutable & set(self.filters)

    async def fetch(self, progress: Progress | None = None) -> list[JobItem]:
        full = not self.incremental or self._calls % self.full_every == 0
        self._calls += 1
        start, end = window_bounds(self.window, self._now())
        if full:
            with paced_collection():  # thousands of long-lived models at once (see gc_pacing)
                await self._full(start, end, progress)
        else:
            await self._new_pages(start, end)
            await self._refresh_active(start, end)
            # jobs that slid out of the window's start are gone from a full list too
            self._jobs = {k: j for k, j in self._jobs.items() if j.gmt_create_time is None
                          or j.gmt_create_time >= start}
        self.last_full = full
        return self.jobs

    # --- the three kinds of reading ---

    async def _page(self, number: int, start: datetime, end: datetime,
                    **extra: Any) -> tuple[list[JobItem], int | None]:
        self.requests += 1
        params = {**self.filters, **extra}
        # slim rows (no pods): a long list holds thousands of them, and the detail reads pods from GetJob
        response = await self._client.dlc.list_job_rows(
            workspace_id=self.workspace_id, status=self.status_filter, start_time=start, end_time=end + END_MARGIN,
            sort_by="GmtCreateTime", order="desc", page_number=number,
            page_size=params.pop("page_size", self.page_size), **params)
        return list(response.jobs or ()), response.total_count

    @property
    def loading(self) -> list[JobItem]:
        """Jobs read so far by a full list still in progress (a screen paints them before the last page)."""
        return list(self._loading.values())

    async def _full(self, start: datetime, end: datetime, progress: Progress | None) -> None:
        """Read every page: the first alone (it tells TotalCount), then the rest ``PAGE_CONCURRENCY`` at a
        time, since against the real cloud each page is a network round trip (the client's rate limiter
        still bounds the request rate). Without a TotalCount, page by page until a short page."""
        fresh: dict[str, JobItem] = {}
        self._loading = fresh
        held = self._jobs

        def take(batch: list[JobItem], total: int | None) -> None:
            for job in batch:
                if job.job_id:
                    # an unchanged job keeps the object already held: the copy just parsed dies young instead
                    # of joining the oldest generation (a re-list would otherwise double the long-lived heap
                    # and set off a full collection), and the diff sees the same object
                    before = held.get(job.job_id)
                    fresh[job.job_id] = before if before is not None and before == job else job
            self.total = total
            if progress is not None:
                progress(len(fresh), total)

        batch, total = await self._page(1, start, end)
        take(batch, total)
        if total is not None and batch and len(batch) < total:
            per_page = len(batch)  # what the service really returns, in case it caps PageSize
            gate = asyncio.Semaphore(PAGE_CONCURRENCY)

            async def fetch(number: int) -> None:
                async with gate:
                    page, count = await self._page(number, start, end)
                take(page, count)

            await asyncio.gather(*(fetch(n) for n in range(2, math.ceil(total / per_page) + 1)))
        elif total is None:
            number, rows = 1, len(batch)
            while not _last_page(batch, rows, total, self.page_size):
                number += 1
                batch, total = await self._page(number, start, end)
                rows += len(batch)
                take(batch, total)
        self._jobs = fresh
        self._loading = {}

    async def _new_pages(self, start: datetime, end: datetime) -> None:
        """Newest pages until one brings no unseen job: new jobs sort first (GmtCreateTime desc)."""
        number, rows = 1, 0
        while True:
            batch, total = await self._page(number, start, end)
            rows += len(batch)
            unseen = False
            for job in batch:
                if job.job_id:
                    unseen |= job.job_id not in self._jobs
                    self._jobs[job.job_id] = job  # seen ones are refreshed for free
            if not unseen or _last_page(batch, rows, total, self.page_size):
                return
            number += 1

    async def _refresh_active(self, start: datetime, end: datetime) -> None:
        """Re-read held jobs that are not finished, 100 ids per request.

        The same filters are sent, so a job the server no longer returns (deleted, or no longer matching the
        status filter) leaves the list, as it would from a full list.
        """
        active = [k for k, j in self._jobs.items() if not is_terminal_job(j.status)]
        for i in range(0, len(active), ID_BATCH):
            ids = active[i:i + ID_BATCH]
            batch, _ = await self._page(1, start, end, JobIds=",".join(ids), page_size=len(ids))
            got = {j.job_id: j for j in batch if j.job_id}
            for job_id in ids:
                if job_id in got:
                    self._jobs[job_id] = got[job_id]
                else:
                    self._jobs.pop(job_id, None)


def _last_page(batch: list[Any], rows: int, total: int | None, page_size: int) -> bool:
    """The end of a listing: an empty page, TotalCount reached, or (without a TotalCount) a short page.

    A short page alone does not end a listing that states its total: a service may cap PageSize below
    what was asked, and stopping there would silently drop jobs.
    """
    if not batch:
        return True
    if total is not None:
        return rows >= total
    return len(batch) < page_size


class IterLister(Generic[T]):
    """Re-reads a whole listing on every call through a facade ``iter_*`` helper."""

    def __init__(self, pages: Callable[[], AsyncIterator[T]], key: Callable[[T], Any],
                 status: Callable[[T], Any] | None = None, created: Callable[[T], datetime | None] | None = None,
                 page_size: int = 100) -> None:
        self._pages = pages
        self.key = key
        self.status = status
        self._created = created
        self.page_size = page_size
        self.items: list[T] = []

    async def fetch(self, progress: Progress | None = None) -> list[T]:
        out: list[T] = []
        with paced_collection():  # a long listing is thousands of long-lived models (see gc_pacing)
            async for item in self._pages():
                out.append(item)
                if progress is not None and len(out) % self.page_size == 0:
                    progress(len(out), None)
        if progress is not None:
            progress(len(out), len(out))
        self.items = _newest_first(out, self._created, self.key) if self._created is not None else out
        return self.items


class RunLister(IterLister[PipelineRun]):
    """Pipeline runs of a workspace, newest first; a full re-list per call (see the module notes)."""

    def __init__(self, client: PaiClient, workspace_id: str | None, status: str | None = None,
                 page_size: int = 100, **filters: Any) -> None:
        super().__init__(
            lambda: client.flow.iter_pipeline_runs(page_size=page_size, workspace_id=workspace_id, status=status,
                                                   **filters),
            key=_attr("pipeline_run_id"), status=_attr("status"), created=_attr("gmt_create_time"),
            page_size=page_size)


class WorkspaceLister(IterLister[Workspace]):
    def __init__(self, client: PaiClient, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: client.workspace.iter_workspaces(page_size=page_size, **filters),
                         key=_attr("workspace_id"), status=_attr("status"), page_size=page_size)


class ScheduleLister(IterLister[Schedule]):
    """PaiPlugin schedules (SMS send plans); their pages live inside ``Data``, which ``iter_schedules`` reads."""

    def __init__(self, client: PaiClient, status: int | None = None, page_size: int = 50, **filters: Any) -> None:
        super().__init__(lambda: client.plugin.iter_schedules(page_size=page_size, status=status, **filters),
                         key=_attr("id"), status=_attr("status"), created=_attr("created_time"),
                         page_size=page_size)


class TensorboardLister(IterLister[Tensorboard]):
    """TensorBoards in a creation-time window (ListTensorboards has the same 7-day default as ListJobs)."""

    def __init__(self, client: PaiClient, workspace_id: str | None, window: str = DEFAULT_WINDOW,
                 page_size: int = 100, *, now: Callable[[], datetime] | None = None, **filters: Any) -> None:
        window_bounds(window, datetime.now(UTC))
        self.window = window
        clock = now or client.server_now

        def pages() -> AsyncIterator[Tensorboard]:
            start, end = window_bounds(self.window, clock())
            return client.dlc.iter_tensorboards(page_size=page_size, workspace_id=workspace_id, start_time=start,
                                                end_time=end + END_MARGIN, **filters)

        super().__init__(pages, key=_attr("tensorboard_id"), status=_attr("status"),
                         created=_attr("gmt_create_time"), page_size=page_size)


class TemplateLister(IterLister[JobTemplate]):
    def __init__(self, client: PaiClient, workspace_id: str, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: client.dlc.iter_job_templates(workspace_id, page_size=page_size, **filters),
                         key=_attr("template_id"), created=_attr("gmt_create_time"), page_size=page_size)


class SpecLister(IterLister[EcsSpec]):
    """ECS instance specs (ListEcsSpecs) for the spec picker."""

    def __init__(self, client: PaiClient, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: client.dlc.iter_ecs_specs(page_size=page_size, **filters),
                         key=_attr("instance_type"), page_size=page_size)


class PipelineLister(IterLister[Pipeline]):
    def __init__(self, client: PaiClient, workspace_id: str | None, page_size: int = 100, **filters: Any) -> None:
        super().__init__(
            lambda: client.flow.iter_pipelines(page_size=page_size, workspace_id=workspace_id, **filters),
            key=_attr("pipeline_id"), created=_attr("gmt_create_time"), page_size=page_size)


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda item: getattr(item, name, None)


def list_watch(lister: JobLister | IterLister[Any], *, interval: float = 5.0, progress: Progress | None = None,
               now: Callable[[], datetime] | None = None) -> ListWatch[Any]:
    """A ``ListWatch`` over a lister, keyed and status-diffed the lister's way."""
    kwargs: dict[str, Any] = {"interval": interval}
    if now is not None:
        kwargs["now"] = now
    return ListWatch(lambda: lister.fetch(progress), lister.key, status=lister.status, **kwargs)
