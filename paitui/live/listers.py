"""Fetch functions for the list screens, built on the facades; each is what a ``ListWatch`` polls.

``JobLister`` is incremental because DLC lists are the big ones (thousands of jobs) and are polled every few
seconds, and requests cost money (issue 13: an unchanged list costs one request per refresh interval). Its first
call reads every page; a later call costs one request while nothing changes (docs/WIRE.md §6.1 is all it
relies on):

1. the newest pages (GmtCreateTime desc) until one holds a job already held — page 1 alone unless more than a
   page of jobs is new (new jobs sort first; a job missed by that rule fails the count below). Held jobs on
   those pages are refreshed for free, and the last page's ``TotalCount`` checks the held count: the window's
   count is the held jobs (those that slid out of the window's start dropped) plus the new ones, unless a job
   was deleted. A mismatch makes this call a full re-list, so a deletion leaves the list within one interval;
2. the held unfinished jobs those pages did not cover ("stragglers": long runners further down) on a slower
   clock of their own (``stragglers_every``, 30 s), like a detail's metrics and events: when it is due, that
   call re-reads them *instead of* the newest pages — by id (``JobIds``, ≤ 100 per request, so one request
   for up to 100 of them); with more, only the jobs *finished* since their previous turn
   (``TimeRangeField=GmtFinishTime``, one request whatever their number), and all of them by id every
   ``BY_ID_EVERY``-th turn. A straggler's move shows within 30 s (a finish among many: the same), a new job
   within one interval more when it falls on that turn. A call after a pause longer than that clock (a hidden
   screen shown again) reads both;
3. a full re-list every ``relist_every`` (30 min): the only way to see an edit of a finished job (its
   priority, description …), which changes neither the count nor the newest pages.

Between full re-lists the result is what a full list would show, except for those edits. With a status filter
every call is a full list (see ``JobLister.incremental``).

The other listers (``PagedLister``) re-read everything on each call, page by page: they are small
(workspaces, templates, specs, pipelines, schedules), or — PAIFlow runs — have no time window and no
multi-id filter (``PipelineRunId`` takes one id), so refreshing in-flight runs one by one would cost more
requests than re-reading a few pages of 100.

Every full listing goes through ``paging.PagedListing``: when some pages fail, the answer is the pages that
arrived (plus held rows they would have re-read) as a ``Listed`` with ``partial`` set, and the next calls
re-read only the missing pages, at the watch's backoff, until the listing is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from paitui.api.errors import PaiError
from paitui.live.gc_pacing import paced_collection
from paitui.live.lister import Lister, ListerBase, Progress
from paitui.live.paging import Listed, PagedListing, PageReader, Partial, page_reader
from paitui.live.status import is_terminal_job
from paitui.live.watch import ListWatch
from paitui.live.windows import DEFAULT_WINDOW, window_bounds

# The models only type the rows (a lister exists before its product's models are needed, e.g. at start);
# the quoted names in the ``PagedLister["…"]`` bases below are uses ruff does not see, hence the noqa.
if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import EcsSpec, JobTemplate, Tensorboard  # noqa: F401
    from paitui.api.models.flow import Pipeline, PipelineRun  # noqa: F401
    from paitui.api.models.job_row import JobRow
    from paitui.api.models.plugin import Schedule  # noqa: F401
    from paitui.api.models.workspace import CodeSource, Dataset, Image, Quota, Workspace  # noqa: F401

T = TypeVar("T")

ID_BATCH = 100  # JobIds per ListJobs request
RELIST_EVERY = timedelta(minutes=30)  # a full re-list, for edits of finished jobs (see the module notes)
STRAGGLERS_EVERY = timedelta(seconds=30)  # the stragglers' turn (see the module notes)
BY_ID_EVERY = 4  # with more than ID_BATCH stragglers, every 4th turn re-reads them all by id (2 min)
# "finished since the previous call" reaches back a little further: finish times have 1 s resolution and the
# server's clock is learned from a Date header; a job read twice is harmless, a job missed is not
FINISH_MARGIN = timedelta(seconds=30)
# EndTime is sent a little in the future: server_now() is learned from a Date header with 1 s resolution,
# and a job created in that second must not be cut off by our own bound.
END_MARGIN = timedelta(minutes=10)
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _newest_first(rows: Iterable[T], created: Callable[[T], datetime | None], ident: Callable[[T], Any]) -> list[T]:
    return sorted(rows, key=lambda r: (created(r) or _EARLIEST, str(ident(r) or "")), reverse=True)


def _job_id(job: JobRow) -> str | None:
    return job.job_id


def _job_status(job: JobRow) -> str | None:
    return job.status


def _job_created(job: JobRow) -> datetime | None:
    return job.gmt_create_time


class JobLister(ListerBase):
    """DLC jobs of one workspace in a creation-time window, newest first; see the module notes."""

    key = staticmethod(_job_id)
    status = staticmethod(_job_status)

    def __init__(self, client: PaiClient, workspace_id: str | None, window: str = DEFAULT_WINDOW,
                 status: str | None = None, page_size: int = 100, *, full_every: int | None = None,
                 relist_every: timedelta = RELIST_EVERY, stragglers_every: timedelta = STRAGGLERS_EVERY,
                 now: Callable[[], datetime] | None = None, **filters: Any) -> None:
        window_bounds(window, datetime.now(UTC))  # fail early on an unknown window name
        self._client = client
        self.workspace_id = workspace_id
        self.window = window
        self.status_filter = status
        self.page_size = page_size
        # every ``full_every``-th call is a full re-list besides the timed ones (benchmarks force re-lists)
        self.full_every = full_every
        self.relist_every = relist_every
        self.stragglers_every = stragglers_every
        self.filters = filters  # further ListJobs filters (job_type, display_name …), snake_case or wire names
        self._now = now or client.server_now
        self._jobs: dict[str, JobRow] = {}
        self._loading: dict[str, JobRow] = {}
        self._pending: tuple[PagedListing[JobRow], dict[str, JobRow]] | None = None  # a partial full list
        self._partial: Partial | None = None
        self._calls = 0
        self._listed_at: datetime | None = None  # start of the last complete full list (server time)
        self._polled_at: datetime | None = None  # start of the previous call (server time)
        self._stragglers_at: datetime | None = None  # the stragglers' last turn
        self._straggler_turns = 0  # turns taken since the last full list (every BY_ID_EVERY-th: all by id)
        self._top: set[str] = set()  # ids the newest pages held at their last read: not stragglers
        self.total: int | None = None  # TotalCount of the last listing read
        self.requests = 0  # ListJobs requests issued, for the status bar and tests
        self.last_full = False  # whether the last fetch was a full re-list

    def invalidate(self) -> None:
        """Make the next fetch a full list (the screen changed the window or a filter)."""
        self._calls = 0
        self._jobs = {}
        self.total = None
        self._pending = self._partial = None
        self._listed_at = self._polled_at = self._stragglers_at = None
        self._straggler_turns, self._top = 0, set()

    def set_window(self, window: str) -> None:
        window_bounds(window, datetime.now(UTC))
        self.window = window
        self.invalidate()

    def forget(self, job_ids: Iterable[str]) -> None:
        """Drop jobs known to be deleted: a finished job is not re-read by id, so without this it would come
        back on every incremental fetch until the next full re-list."""
        fresh = self._pending[1] if self._pending is not None else {}
        for job_id in job_ids:
            self._jobs.pop(job_id, None)
            fresh.pop(job_id, None)

    def set_status(self, status: str | None) -> None:
        self.status_filter = status
        self.invalidate()

    @property
    def jobs(self) -> list[JobRow]:
        return _newest_first(self._jobs.values(), _job_created, _job_id)

    @property
    def incremental(self) -> bool:
        """Whether refreshes may skip pages. Not with a status filter: a queued job that starts running is
        neither new nor held, so only a full list of "Running" finds it (filtered lists are short anyway)."""
        mutable = {"Status", "ReasonSearch", "reason_search", "NumericRangeField", "numeric_range_field"}
        return self.status_filter is None and not mutable & set(self.filters)

    @property
    def partial(self) -> Partial | None:
        """What the shown list is missing while pages of the last full list are being retried."""
        return self._partial

    async def fetch(self, progress: Progress | None = None) -> Listed[JobRow]:
        now = self._now()
        since, self._polled_at = self._polled_at, now
        if self._pending is not None:
            await self._resume()
            if self._pending is None and self._listed_at is None:
                self._listed_at = self._stragglers_at = now
                self._straggler_turns, self._top = 0, set(self._jobs)
            self.last_full = True
            return Listed(self.jobs, self._partial)
        self._calls += 1
        start, end = window_bounds(self.window, now)
        full = self._full_due(now)
        if not full:
            # jobs that slid out of the window's start are gone from a full list too
            self._jobs = {k: j for k, j in self._jobs.items() if j.gmt_create_time is None
                          or j.gmt_create_time >= start}
            paused = since is None or now - since > self.stragglers_every
            due = self._stragglers_at is None or now - self._stragglers_at >= self.stragglers_every
            turn = self._stragglers() if due and not paused else []
            if not turn:
                read, total = await self._new_pages(start, end)
                self._top = read
                full = total is not None and total != len(self._jobs)  # a job left the window: deleted
                turn = self._stragglers() if due and paused else []
            if turn and not full:
                await self._refresh_stragglers(start, end, turn, self._stragglers_at or since or now, now)
        if full:
            with paced_collection():  # thousands of long-lived models at once (see gc_pacing)
                await self._full(start, end, progress)
            if self._pending is None:
                self._listed_at = self._stragglers_at = now
                self._straggler_turns, self._top = 0, set(self._jobs)
        self.last_full = full
        return Listed(self.jobs, self._partial)

    def _full_due(self, now: datetime) -> bool:
        if not self.incremental or self._listed_at is None:
            return True
        if self.full_every is not None and (self._calls - 1) % max(1, self.full_every) == 0:
            return True
        return now - self._listed_at >= self.relist_every

    # --- the three kinds of reading ---

    async def _page(self, number: int, start: datetime, end: datetime,
                    **extra: Any) -> tuple[list[JobRow], int | None]:
        self.requests += 1
        params = {**self.filters, **extra}
        # compact rows (``JobRow``): a long list holds thousands of them; the detail reads the job from GetJob
        response = await self._client.dlc.list_job_rows(
            workspace_id=self.workspace_id, status=self.status_filter, start_time=start, end_time=end + END_MARGIN,
            sort_by="GmtCreateTime", order="desc", page_number=number,
            page_size=params.pop("page_size", self.page_size), **params)
        return list(response.jobs or ()), response.total_count

    @property
    def loading(self) -> list[JobRow]:
        """Jobs read so far by a full list still in progress (a screen paints them before the last page)."""
        return list(self._loading.values())

    async def _full(self, start: datetime, end: datetime, progress: Progress | None) -> None:
        """Read every page (see ``PagedListing``: page 1 alone, then the rest ``PAGE_CONCURRENCY`` at a time,
        since against the real cloud each page is a round trip). Pages that fail are retried by the next
        fetches, the pages that arrived stay (see ``_settle``)."""
        fresh: dict[str, JobRow] = {}
        self._loading = fresh
        held = self._jobs

        def take(batch: list[JobRow], total: int | None) -> None:
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

        # the bounds are fixed for the listing's life: a page retried later means what it meant now
        listing = PagedListing(lambda n: self._page(n, start, end), self.page_size, on_page=take)
        try:
            await listing.run()
        finally:
            self._loading = {}
        self._settle(listing, fresh)

    def _settle(self, listing: PagedListing[JobRow], fresh: dict[str, JobRow]) -> None:
        """A complete listing replaces the held jobs; a partial one shows what arrived plus the held jobs it
        could not re-read (they may sit on a failed page), and stays pending for the next fetch."""
        if listing.complete:
            self._jobs, self._pending, self._partial = fresh, None, None
            return
        kept = {k: j for k, j in self._jobs.items() if k not in fresh}
        self._jobs = {**fresh, **kept}
        self._pending = (listing, fresh)
        self._partial = listing.partial(kept=len(kept))

    async def _resume(self) -> None:
        """A partial listing: re-read its missing pages only; keep the statuses of what is shown moving."""
        assert self._pending is not None
        listing, fresh = self._pending
        with paced_collection():
            await listing.retry()
        self._settle(listing, fresh)
        start, end = window_bounds(self.window, self._now())
        await self._refresh_active(start, end)

    async def _new_pages(self, start: datetime, end: datetime) -> tuple[set[str], int | None]:
        """Newest pages until one holds a held job (new jobs sort first, GmtCreateTime desc); the ids read
        and the last page's TotalCount."""
        number, rows = 1, 0
        read: set[str] = set()
        while True:
            batch, total = await self._page(number, start, end)
            rows += len(batch)
            known = False
            for job in batch:
                if job.job_id:
                    known |= job.job_id in self._jobs
                    self._jobs[job.job_id] = job  # seen ones are refreshed for free
                    read.add(job.job_id)
            if known or _last_page(batch, rows, total, self.page_size):
                self.total = total
                return read, total
            number += 1

    def _stragglers(self) -> list[str]:
        """The held unfinished jobs below the newest pages (as of their last read)."""
        return [k for k, j in self._jobs.items() if k not in self._top and not is_terminal_job(j.status)]

    async def _refresh_stragglers(self, start: datetime, end: datetime, stragglers: list[str], since: datetime,
                                  now: datetime) -> None:
        """The stragglers' turn: by id when that is one request (or every ``BY_ID_EVERY``-th turn); otherwise
        only those finished since their previous turn (see the module notes)."""
        self._stragglers_at = now
        self._straggler_turns += 1
        if len(stragglers) <= ID_BATCH or self._straggler_turns % BY_ID_EVERY == 0:
            await self._refresh_by_id(start, end, stragglers)
        else:
            await self._finished_since(start, end, since - FINISH_MARGIN)

    async def _finished_since(self, start: datetime, end: datetime, since: datetime) -> None:
        """Jobs finished since ``since`` (``TimeRangeField=GmtFinishTime``: the bounds are finish times, of
        jobs created at any time); those in the creation window replace the held copies."""
        number, rows = 1, 0
        while True:
            batch, total = await self._page(number, since, end, TimeRangeField="GmtFinishTime")
            rows += len(batch)
            for job in batch:
                if job.job_id and (job.gmt_create_time is None or job.gmt_create_time >= start):
                    self._jobs[job.job_id] = job
            if _last_page(batch, rows, total, self.page_size):
                return
            number += 1

    async def _refresh_active(self, start: datetime, end: datetime) -> None:
        """Re-read every held job that is not finished (a partial listing keeps the shown statuses moving)."""
        await self._refresh_by_id(start, end, [k for k, j in self._jobs.items() if not is_terminal_job(j.status)])

    async def _refresh_by_id(self, start: datetime, end: datetime, active: list[str]) -> None:
        """Re-read these held jobs, 100 ids per request.

        The same filters are sent, so a job the server no longer returns (deleted, or no longer matching the
        status filter) leaves the list, as it would from a full list.
        """
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


class PagedLister(ListerBase, Generic[T]):
    """Re-reads a whole listing on every call, page by page through a facade ``list_*`` method.

    ``reader()`` makes the page reader of one listing (a time window's bounds fixed when it is made). When
    pages fail, the rows that arrived are answered with ``partial`` set, and the next call re-reads only the
    missing pages of that listing; once it is complete, calls re-read everything again.
    """

    def __init__(self, reader: Callable[[], PageReader[T]], key: Callable[[T], Any],
                 status: Callable[[T], Any] | None = None, created: Callable[[T], datetime | None] | None = None,
                 page_size: int = 100) -> None:
        self._reader = reader
        self.key = key
        self.status = status
        self._created = created
        self.page_size = page_size
        self.items: list[T] = []
        self.partial: Partial | None = None
        self._pending: PagedListing[T] | None = None

    def invalidate(self) -> None:
        """Forget a pending partial listing (the query changed)."""
        self._pending, self.partial = None, None

    async def fetch(self, progress: Progress | None = None) -> Listed[T]:
        listing = self._pending
        with paced_collection():  # a long listing is thousands of long-lived models (see gc_pacing)
            if listing is None:
                count = 0

                def on_page(batch: list[T], total: int | None) -> None:
                    nonlocal count
                    count += len(batch)
                    if progress is not None:
                        progress(count, total)

                listing = PagedListing(self._reader(), self.page_size, on_page=on_page)
                await listing.run()
            else:
                await listing.retry()
        rows = listing.rows
        if listing.complete:
            self._pending, self.partial = None, None
        else:
            seen = {self.key(row) for row in rows}
            kept = [row for row in self.items if self.key(row) not in seen]  # may sit on a failed page
            rows += kept
            self._pending, self.partial = listing, listing.partial(kept=len(kept))
        if progress is not None:
            progress(len(rows), len(rows))
        self.items = _newest_first(rows, self._created, self.key) if self._created is not None else rows
        return Listed(self.items, self.partial)



class RunLister(PagedLister["PipelineRun"]):
    """Pipeline runs of a workspace, newest first; a full re-list per call (see the module notes)."""

    def __init__(self, client: PaiClient, workspace_id: str | None, status: str | None = None,
                 page_size: int = 100, **filters: Any) -> None:
        super().__init__(
            lambda: page_reader(client.flow.list_pipeline_runs, "pipeline_runs", page_size,
                                workspace_id=workspace_id, status=status, **filters),
            key=_attr("pipeline_run_id"), status=_attr("status"), created=_attr("gmt_create_time"),
            page_size=page_size)


class WindowedRunLister(RunLister):
    """``RunLister`` plus a creation-time window and the pipelines' identifiers (the runs list's PIPELINE column),
    learned once per unseen ``PipelineId``.

    ListPipelineRuns has no time parameters (docs/WIRE.md §6.2), unlike ListJobs: every call reads the
    workspace's runs and the window is applied here, client-side, on ``GmtCreateTime``.
    """

    def __init__(self, client: PaiClient, workspace_id: str | None, *, window: str,
                 now: Callable[[], datetime], pipeline_id: str | None = None) -> None:
        # ``pipeline_id``: one pipeline's runs (ListPipelineRuns filters by PipelineIds on the server)
        filters: dict[str, Any] = {"pipeline_ids": pipeline_id} if pipeline_id else {}
        super().__init__(client, workspace_id, **filters)
        window_bounds(window, now())  # fail early on an unknown window name
        self.window = window
        self._now = now
        self._flow = client.flow
        self._workspace_id = workspace_id
        self.pipelines: dict[str, str] = {}  # PipelineId -> Identifier
        self._asked: set[str] = set()

    def set_window(self, window: str) -> None:
        window_bounds(window, self._now())
        self.window = window

    async def fetch(self, progress: Progress | None = None) -> Listed[PipelineRun]:
        runs = await super().fetch(progress)
        start, _ = window_bounds(self.window, self._now())
        self.items = [r for r in runs if r.gmt_create_time is None or r.gmt_create_time >= start]
        await self._learn_pipelines(self.items)
        return Listed(self.items, runs.partial)  # the window does not make a partial list whole

    async def _learn_pipelines(self, runs: list[PipelineRun]) -> None:
        missing = {r.pipeline_id for r in runs if r.pipeline_id} - self._asked
        if not missing:
            return
        self._asked |= missing  # one ListPipelines per new id: a deleted pipeline stays shown by its id
        try:
            async for pipeline in self._flow.iter_pipelines(workspace_id=self._workspace_id, page_size=100):
                if pipeline.pipeline_id and pipeline.identifier:
                    self.pipelines[pipeline.pipeline_id] = pipeline.identifier
                    self._asked.add(pipeline.pipeline_id)
        except PaiError:
            pass  # identifiers are a nicety: the runs themselves must still show


class WorkspaceLister(PagedLister["Workspace"]):
    def __init__(self, client: PaiClient, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: page_reader(client.workspace.list_workspaces, "workspaces", page_size, **filters),
                         key=_attr("workspace_id"), status=_attr("status"), page_size=page_size)


class ScheduleLister(PagedLister["Schedule"]):
    """PaiPlugin schedules (SMS send plans); their pages live inside ``Data``."""

    def __init__(self, client: PaiClient, status: int | None = None, page_size: int = 50, **filters: Any) -> None:
        super().__init__(lambda: page_reader(client.plugin.list_schedules, "data.schedules", page_size,
                                             status=status, **filters),
                         key=_attr("id"), status=_attr("status"), created=_attr("created_time"),
                         page_size=page_size)


class TensorboardLister(PagedLister["Tensorboard"]):
    """TensorBoards in a creation-time window (ListTensorboards has the same 7-day default as ListJobs).

    It remembers when it last read the list (``fetched_at``): a running TensorBoard's ``Duration`` is as of
    that moment, and a screen ticks it on from there.
    """

    def __init__(self, client: PaiClient, workspace_id: str | None, window: str = DEFAULT_WINDOW,
                 page_size: int = 100, *, now: Callable[[], datetime] | None = None, **filters: Any) -> None:
        window_bounds(window, datetime.now(UTC))
        self.window = window
        clock = now or client.server_now

        def reader() -> PageReader[Tensorboard]:
            start, end = window_bounds(self.window, clock())
            return page_reader(client.dlc.list_tensorboards, "tensorboards", page_size, workspace_id=workspace_id,
                               start_time=start, end_time=end + END_MARGIN, **filters)

        super().__init__(reader, key=_attr("tensorboard_id"), status=_attr("status"),
                         created=_attr("gmt_create_time"), page_size=page_size)
        self._clock = clock
        self.fetched_at: datetime | None = None

    async def fetch(self, progress: Progress | None = None) -> Listed[Tensorboard]:
        items = await super().fetch(progress)
        self.fetched_at = self._clock()
        return items

    def set_window(self, window: str) -> None:
        window_bounds(window, datetime.now(UTC))
        self.window = window
        self.invalidate()


class TemplateLister(PagedLister["JobTemplate"]):
    def __init__(self, client: PaiClient, workspace_id: str, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: page_reader(client.dlc.list_job_templates, "job_templates", page_size,
                                             workspace_id=workspace_id, **filters),
                         key=_attr("template_id"), created=_attr("gmt_create_time"), page_size=page_size)


class SpecLister(PagedLister["EcsSpec"]):
    """ECS instance specs (ListEcsSpecs) for the spec picker."""

    def __init__(self, client: PaiClient, page_size: int = 100, **filters: Any) -> None:
        super().__init__(lambda: page_reader(client.dlc.list_ecs_specs, "ecs_specs", page_size, **filters),
                         key=_attr("instance_type"), page_size=page_size)


class ImageLister(PagedLister["Image"]):
    """Images a workspace's jobs can use (its own and PAI's official ones), for the new-job image picker;
    ``labels`` is ListImages' ``Key=Value,…`` filter. Verbose, so each image carries its labels."""

    def __init__(self, client: PaiClient, workspace_id: str | None, labels: str | None = None,
                 page_size: int = 100) -> None:
        super().__init__(lambda: page_reader(client.workspace.list_images, "images", page_size,
                                             workspace_id=workspace_id, labels=labels or None, verbose=True),
                         key=_attr("image_id"), created=_attr("gmt_create_time"), page_size=page_size)


class DatasetLister(PagedLister["Dataset"]):
    def __init__(self, client: PaiClient, workspace_id: str | None, page_size: int = 100) -> None:
        super().__init__(lambda: page_reader(client.workspace.list_datasets, "datasets", page_size,
                                             workspace_id=workspace_id),
                         key=_attr("dataset_id"), created=_attr("gmt_create_time"), page_size=page_size)


class CodeSourceLister(PagedLister["CodeSource"]):
    def __init__(self, client: PaiClient, workspace_id: str, page_size: int = 100) -> None:
        super().__init__(lambda: page_reader(client.workspace.list_code_sources, "code_sources", page_size,
                                             workspace_id=workspace_id),
                         key=_attr("code_source_id"), created=_attr("gmt_create_time"), page_size=page_size)


class QuotaLister(ListerBase):
    """ListQuotas' rows as they are (not paginated: one request answers every quota, or fails)."""

    status = None

    def __init__(self, client: PaiClient) -> None:
        self._client = client

    def key(self, row: Quota) -> Any:
        return row.id

    async def fetch(self, progress: Progress | None = None) -> Listed[Quota]:
        answer = await self._client.workspace.list_quotas()
        rows = list(answer.quotas or ())
        if progress is not None:
            progress(len(rows), len(rows))
        return Listed(rows)


class PipelineLister(PagedLister["Pipeline"]):
    def __init__(self, client: PaiClient, workspace_id: str | None, page_size: int = 100, **filters: Any) -> None:
        super().__init__(
            lambda: page_reader(client.flow.list_pipelines, "pipelines", page_size, workspace_id=workspace_id,
                                **filters),
            key=_attr("pipeline_id"), created=_attr("gmt_create_time"), page_size=page_size)


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda item: getattr(item, name, None)


def list_watch(lister: Lister[Any], *, interval: float = 5.0, progress: Progress | None = None,
               now: Callable[[], datetime] | None = None) -> ListWatch[Any]:
    """A ``ListWatch`` over a lister, keyed and status-diffed the lister's way."""
    kwargs: dict[str, Any] = {"interval": interval}
    if now is not None:
        kwargs["now"] = now
    return ListWatch(lambda: lister.fetch(progress), lister.key, status=lister.status, **kwargs)
