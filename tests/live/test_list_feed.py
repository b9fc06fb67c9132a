"""A list's feed over the simulated cloud: the first list replaces every row and is counted, later polls
move the counts by their diff (always equal to a recount), pages are painted early at a growing stride, a
failure says why once, and a local change (a deletion) is forgotten by the lister."""

from __future__ import annotations

from collections import Counter

from paitui.api.errors import ThrottledError
from paitui.live.list_feed import Changes, Failed, ListFeed, Rows
from paitui.live.listers import JobLister
from paitui.live.status import is_terminal_job
from paitui.live.watch import PollResult
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_listers import WS, sim_client


def status(job: object) -> str:
    return str(getattr(job, "status", "") or "")


async def test_the_first_list_then_diffs_keep_the_counts_equal_to_a_recount() -> None:
    world = World(seed=7, jobs=1200, clock=SimClock.manual())
    lister = JobLister(sim_client(world), WS, window="all", now=world.now, page_size=20, full_every=1000)
    feed = ListFeed("jobs", status)
    painted: list[int] = []

    def progress(loaded: int, total: int | None) -> None:
        rows = feed.early_rows(loaded, total)
        if rows is not None:
            painted.append(len(rows))

    watch = feed.start(lister, progress, interval=5.0, now=world.now)
    update = feed.absorb(await watch.poll())
    assert isinstance(update, Rows) and update.first and len(update.rows) > 100
    assert painted[:3] == [20, 80, 320]  # the first page at once, then each time the rows read quadruple
    assert feed.state.loaded and feed.counts.all == Counter(status(j) for j in update.rows)
    assert feed.early_rows(40, None) is None  # loaded: the next full list does not repaint page by page

    world.clock.advance(15 * 60)  # jobs move on
    update = feed.absorb(await watch.poll())
    assert isinstance(update, Changes) and update.diff.status_changes
    assert feed.counts.all == Counter(status(j) for j in update.rows.values())

    finished = next(j for j in update.rows.values() if is_terminal_job(j.status))
    diff = feed.local(lambda j: j.job_id, removed=[finished.job_id])
    assert diff is not None and diff.removed == [finished.job_id]
    assert watch.value is not None and finished.job_id not in watch.value
    assert feed.counts.all == Counter(status(j) for j in watch.value.values())
    assert finished.job_id not in {j.job_id for j in lister.jobs}  # forgotten: an incremental read won't revive it

    feed.restart()
    assert not feed.state.loaded and watch.value is None
    update = feed.absorb(await watch.poll())
    assert isinstance(update, Rows) and update.first  # a restart's list replaces every row again


async def test_a_failure_is_told_once_and_says_when_it_retries() -> None:
    world = World(seed=7, jobs=50, clock=SimClock.manual())
    feed = ListFeed("jobs", status)
    watch = feed.start(JobLister(sim_client(world), WS, now=world.now), lambda *_: None, interval=5.0,
                       now=world.now)
    error = ThrottledError("slow down", code="Throttling.User")
    failed = PollResult(False, None, world.now(), error=error)
    watch.failures = 1  # as the watch counts a failed poll: the next one backs off
    first = feed.absorb(failed)
    assert first == Failed("Throttling.User", True) and feed.state.retry_at is not None
    assert feed.absorb(failed) == Failed("Throttling.User", False)
    text = feed.state.failure_text(paused=False, now=feed.state.retry_at - 9.5)
    assert text == "Could not load jobs: Throttling.User (throttled) · retrying in 10 s"  # 2 × the interval
