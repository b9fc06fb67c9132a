"""What a list says about itself, without Textual: rows per status kept by diff, the load state's words
(loading, could not load, why empty), the summary's words, and which rows a view and a filter show."""

from __future__ import annotations

from dataclasses import dataclass

from paitui.api.errors import PaiError, ThrottledError
from paitui.live.diff import diff_rows
from paitui.live.filtering import parse_filter
from paitui.live.list_query import ListQuery
from paitui.live.list_summary import ListSummary
from paitui.live.load_state import LoadState
from paitui.live.paging import Partial
from paitui.live.status_counts import StatusCounts


@dataclass(frozen=True)
class Row:
    key: str
    status: str


def status(row: Row) -> str:
    return row.status


def keyed(*rows: Row) -> dict[str, Row]:
    return {row.key: row for row in rows}


def test_status_counts_move_by_the_diff_and_drop_statuses_at_zero() -> None:
    old = keyed(Row("a", "Running"), Row("b", "Running"), Row("c", "Queuing"))
    counts = StatusCounts(status)
    counts.recount(old.values())
    assert counts.all == {"Running": 2, "Queuing": 1} and counts.total == 3

    new = keyed(Row("a", "Succeeded"), Row("b", "Running"), Row("d", "Queuing"))  # c removed, d added
    counts.apply(diff_rows(old, new, lambda r: r.key, status), old.get, new)
    assert counts.all == {"Running": 1, "Succeeded": 1, "Queuing": 1}
    recounted = StatusCounts(status)
    recounted.recount(new.values())
    assert counts.all == recounted.all  # the diff's counts are a full recount's

    gone = keyed(Row("b", "Running"))
    counts.apply(diff_rows(new, gone, lambda r: r.key, status), new.get, gone)
    assert dict(counts.all) == {"Running": 1}  # Succeeded and Queuing reached zero: not shown as 0


def test_status_counts_of_the_shown_rows_are_counted_once_per_change() -> None:
    rows = [Row("a", "Running"), Row("b", "Failed"), Row("c", "Failed")]
    counts = StatusCounts(status)
    counts.recount(rows)
    asked = 0

    def failed() -> list[Row]:
        nonlocal asked
        asked += 1
        return [r for r in rows if r.status == "Failed"]

    assert counts.of_shown(None) == {"Running": 1, "Failed": 2}  # every row shown: the kept counts
    assert counts.of_shown(failed) == {"Failed": 2} and counts.of_shown(failed) == {"Failed": 2}
    assert asked == 1  # cached until what is shown changes
    counts.shown_changed()
    counts.of_shown(failed)
    assert asked == 2


def throttled() -> ThrottledError:
    return ThrottledError("slow down", code="Throttling.User")


def test_load_state_says_loading_then_why_nothing_loaded_with_the_retry_countdown() -> None:
    state = LoadState("runs")
    assert state.loading_text() == "" and state.waiting_text() == "Loading runs…"
    state.progressed(1200, 5000)
    assert state.loading_text() == "loading 1,200 / 5,000 runs… "
    state.progressed(100, None)
    assert state.loading_text() == "loading 100 runs… "

    code, tell = state.failed(throttled(), retry_at=100.0)
    assert (code, tell) == ("Throttling.User", True) and state.loading_text() == ""
    assert state.failure_text(paused=False, now=96.5) == \
        "Could not load runs: Throttling.User (throttled) · retrying in 4 s"
    assert state.failure_text(paused=False, now=100.0) == \
        "Could not load runs: Throttling.User (throttled) · retrying now…"
    assert state.failure_text(paused=True, now=96.5) == \
        "Could not load runs: Throttling.User (throttled) · paused (r retries)"
    assert state.failed(throttled(), retry_at=None) == ("Throttling.User", False)  # the same error: told once
    assert state.failure_text(paused=False, now=0.0) == \
        "Could not load runs: Throttling.User (throttled) · retrying"

    state.succeeded(None)
    assert state.loaded and state.failure_text(paused=False, now=0.0) is None
    code, tell = state.failed(throttled(), retry_at=5.0)
    assert tell and state.error is None  # a failure after rows arrived is staleness, not "could not load"


def test_load_state_names_an_error_without_a_code_by_its_words() -> None:
    state = LoadState("jobs")
    assert state.failed(TimeoutError(), retry_at=None) == ("timed out", True)
    assert state.error == "timed out"  # never "TimeoutError" nor "timed out (timed out)"


def test_an_empty_list_says_why() -> None:
    state = LoadState("jobs")
    assert state.empty_text(rows=0) == "No jobs"
    assert state.empty_text(rows=5, filter_text="llama", view="running") == "No jobs match 'llama'"
    assert state.empty_text(rows=5, view="running") == "No running jobs"
    assert state.empty_text(rows=0, view="running", window="7d") == \
        "No jobs created in the last 7d · t widens the window"
    assert state.empty_text(rows=0, window="all") == "No jobs"
    state.succeeded(Partial(loaded=100, total=300, missing=(2, 3), error=throttled()))
    # "none" is only known of the pages that arrived, and the window hint would not be the reason
    assert state.empty_text(rows=0, window="7d") == \
        "No jobs in what loaded so far (partial: 100 of 300 loaded · retrying (throttled))"
    state.restart()
    assert not state.loaded and state.partial is None


def test_the_summary_words() -> None:
    loading = ListSummary(loaded=False, shown=0, total=0, loading="loading 100 jobs… ")
    assert loading.shown_text == "nothing loaded yet" and loading.counts_label == ""
    assert ListSummary(loaded=False, shown=100, total=0).shown_text == "100 shown so far"
    done = ListSummary(loaded=True, shown=40, total=1200, view="running", load_seconds=2.25,
                       counts=(("Failed", 3, "failed"), ("Running", 37, "running"), ("Dequeued", 3, "pending")))
    assert done.shown_text == "40/1,200 shown" and done.counts_label == "shown"
    assert done.load_time == "loaded in 2.2s"
    assert [s for s, _, _ in done.statuses] == ["Running", "Dequeued", "Failed"]  # most first, then by name
    assert ListSummary(loaded=True, shown=40, total=400, load_seconds=2.0).load_time == ""  # a short list
    partial = ListSummary(loaded=True, shown=305, total=305, partial="partial: 305 of 1,192 loaded")
    assert partial.shown_text == "305 shown" and partial.counts_label == "partial"
    assert ListSummary(loaded=True, shown=1, total=2, partial="p", filter="x").counts_label == "shown (partial)"


def test_a_view_and_a_filter_together_show_the_rows_both_allow() -> None:
    rows = [Row("llama-1", "Running"), Row("llama-2", "Failed"), Row("bert", "Running")]
    query = ListQuery()
    assert query.predicate() is None and not query.filtering and query.showing_all("jobs") == "all jobs"
    query.set_view("running", lambda r: r.status == "Running")
    assert query.active_view == "running" and query.showing_all("jobs") == "all running jobs"
    query.filter = parse_filter("llama", {"text": lambda r: r.key})
    predicate = query.predicate()
    assert predicate is not None and [r.key for r in rows if predicate(r)] == ["llama-1"]
    query.set_view("all", None)
    assert query.active_view is None and query.view_label == "" and query.filtering  # the filter still hides


def test_a_plain_pai_error_is_told_by_its_code() -> None:
    state = LoadState("pipelines")
    assert state.failed(PaiError("no", code="Forbidden.RAM"), retry_at=None) == ("Forbidden.RAM", True)
    assert state.error == "Forbidden.RAM (error)"
