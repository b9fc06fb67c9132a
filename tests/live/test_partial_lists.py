"""A list whose load fails part way keeps the pages that arrived, says it is partial, and retries only the
missing pages: through the listers and the watch against the simulated cloud, with chosen pages refused."""

from __future__ import annotations

import math

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import (
    ForbiddenError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TimeoutError_,
    describe,
)
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.listers import JobLister, RunLister, list_watch
from paitui.live.paging import PagedListing, Partial
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.failing_pages import FOREVER, FailPages

WS = "264901"
PAGE = 50  # small pages: the 2,000-job world's workspace has 256 jobs (6 pages) and 180 runs (4 pages)


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=7, jobs=2000, clock=SimClock.manual())


def failing_client(world: World) -> tuple[PaiClient, FailPages]:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    transport = FailPages(SimTransport(create_app(world)))
    client = PaiClient(settings, credentials=demo_credentials(), region=region, transport=transport)
    return client, transport


async def test_a_failed_job_page_keeps_the_others_and_only_it_is_retried(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        whole = await JobLister(client, WS, page_size=PAGE, now=world.now).fetch()
        assert whole.partial is None and len(whole) > 3 * PAGE
        lister = JobLister(client, WS, page_size=PAGE, now=world.now)
        pages.fail[("ListJobs", 3)] = 1
        pages.seen.clear()
        first = await lister.fetch()
        partial = first.partial
        assert partial is not None
        assert partial.total == len(whole) and partial.loaded == len(whole) - PAGE == len(first)
        assert partial.missing == (3,) and partial.reason == "throttled" and partial.kept == 0
        assert partial.describe() == f"partial: {len(first):,} of {len(whole):,} loaded · retrying (throttled)"
        missing = {j.job_id for j in whole[2 * PAGE:3 * PAGE]}
        assert {j.job_id for j in first} == {j.job_id for j in whole} - missing  # the other pages all stayed
        pages.seen.clear()
        second = await lister.fetch()
        assert pages.pages("ListJobs") == [3]  # only the missing page, not a new full list
        assert second.partial is None and lister.partial is None
        assert [j.job_id for j in second] == [j.job_id for j in whole]


async def test_a_relist_that_fails_part_way_keeps_the_rows_it_could_not_reread(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        lister = JobLister(client, WS, page_size=PAGE, full_every=1, now=world.now)  # every fetch re-lists
        whole = await lister.fetch()
        pages.fail[("ListJobs", 2)] = 1
        again = await lister.fetch()
        assert again.partial is not None and again.partial.kept == PAGE
        assert "kept from the last list" in again.partial.describe()
        assert {j.job_id for j in again} == {j.job_id for j in whole}  # nothing vanished for a failed page


async def test_a_failed_run_page_no_longer_empties_the_list(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        whole = await RunLister(client, WS, page_size=PAGE).fetch()
        assert len(whole) > 2 * PAGE
        lister = RunLister(client, WS, page_size=PAGE)
        pages.fail[("ListPipelineRuns", 2)] = 2
        first = await lister.fetch()
        assert first.partial is not None and len(first) == len(whole) - PAGE
        assert first.partial.describe().startswith(f"partial: {len(first):,} of {len(whole):,} loaded")
        pages.seen.clear()
        second = await lister.fetch()  # page 2 fails again: still partial, and still only page 2 was asked
        assert pages.pages("ListPipelineRuns") == [2] and second.partial is not None
        pages.seen.clear()
        third = await lister.fetch()
        assert pages.pages("ListPipelineRuns") == [2] and third.partial is None
        assert [r.pipeline_run_id for r in third] == [r.pipeline_run_id for r in whole]
        pages.seen.clear()
        await lister.fetch()  # complete again: the next call is a whole re-list
        assert pages.pages("ListPipelineRuns") == list(range(1, math.ceil(len(whole) / PAGE) + 1))


async def test_the_watch_applies_a_partial_list_and_backs_off_until_it_is_whole(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        lister = RunLister(client, WS, page_size=PAGE)
        watch = list_watch(lister, interval=5.0)
        pages.fail[("ListPipelineRuns", 2)] = 2
        pages.retry_after_ms = 1000
        first = await watch.poll()
        assert first.ok and first.partial is not None and first.value
        assert watch.next_delay() == 5.0  # the first retry of the missing page: one interval
        second = await watch.poll()
        assert second.ok and second.partial is not None
        assert watch.next_delay() == 10.0  # then backing off
        third = await watch.poll()
        assert third.ok and third.partial is None and watch.next_delay() == 5.0
        assert third.diff is not None and len(third.diff.added) == PAGE  # the missing page's runs arrive


async def test_the_server_asked_wait_wins_over_the_partial_backoff(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        watch = list_watch(RunLister(client, WS, page_size=PAGE), interval=5.0)
        pages.fail[("ListPipelineRuns", 3)] = 1
        pages.retry_after_ms = 30_000
        result = await watch.poll()
        assert result.partial is not None and watch.next_delay() == 30.0


async def test_page_one_failing_is_a_failed_poll_not_a_partial_list(world: World) -> None:
    client, pages = failing_client(world)
    async with client:
        watch = list_watch(JobLister(client, WS, page_size=PAGE, now=world.now), interval=5.0)
        pages.fail[("ListJobs", 1)] = FOREVER
        result = await watch.poll()
        assert not result.ok and result.value is None and result.partial is None
        assert isinstance(result.error, ThrottledError)


async def test_a_listing_without_total_count_resumes_after_the_failed_page() -> None:
    # a listing that states no TotalCount ends at a short page; a failure leaves its end open
    data = list(range(25))
    failures = {3: 1}

    async def read(number: int) -> tuple[list[int], int | None]:
        if failures.get(number):
            failures[number] -= 1
            raise ServerError("boom", status=503, code="ServiceUnavailable")
        return data[(number - 1) * 10:number * 10], None

    listing = PagedListing(read, 10)
    await listing.run()
    partial = listing.partial()
    assert partial is not None and partial.total is None and partial.missing == (3,)
    assert partial.describe() == "partial: 20 loaded · retrying (server error)"
    await listing.retry()
    assert listing.complete and listing.rows == data


@pytest.mark.parametrize(("error", "words"), [
    (ThrottledError("x", code="Throttling.User"), "throttled"),
    (TimeoutError_("x"), "timed out"),
    (NetworkError("x"), "network error"),
    (MalformedResponseError("x"), "unreadable answer"),
    (ServerError("x", status=503, code="ServiceUnavailable"), "server error"),
    (ForbiddenError("x", code="Forbidden.RAM"), "access denied"),
    (NotFoundError("x", code="EntityNotFound.Job"), "not found"),
])
def test_errors_are_named_in_words_never_class_names(error: Exception, words: str) -> None:
    assert describe(error) == words
    assert Partial(1, 2, (2,), error).describe() == f"partial: 1 of 2 loaded · retrying ({words})"  # type: ignore[arg-type]
