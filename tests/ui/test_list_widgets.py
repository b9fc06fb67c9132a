"""The list screen's own widgets on their own: the filter box keeps the committed filter while the text does
not parse and says so, enter on an empty box closes it; the summary bar draws a ``ListSummary`` as given."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from paitui.live.filtering import Filter, parse_filter
from paitui.live.list_summary import ListSummary
from paitui.ui.widgets.filter_box import FilterBox, hint
from paitui.ui.widgets.summary_bar import SummaryBar
from tests.ui.conftest import static_text

FIELDS = {"text": lambda row: row, "status": lambda row: "Running"}


def parse(text: str) -> Filter:
    return parse_filter(text, FIELDS)


class BoxApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.applied: list[FilterBox.Applied] = []

    def compose(self) -> ComposeResult:
        yield FilterBox(parse, placeholder=hint(FIELDS), showing_all="all running jobs", id="box")
        yield SummaryBar(id="summary")

    def on_filter_box_applied(self, event: FilterBox.Applied) -> None:
        self.applied.append(event)


def in_force(app: BoxApp) -> str | None:
    last = app.applied[-1].filter
    return None if last is None else last.text


async def test_a_filter_that_does_not_parse_keeps_the_committed_one_in_force() -> None:
    app = BoxApp()
    async with app.run_test() as pilot:
        box = app.query_one(FilterBox)
        assert not box.is_open and box.input.placeholder.startswith("filter: text or /regex/, field:value (status;")
        box.open()
        await pilot.press(*"llama ")  # a finished token commits
        await pilot.pause()
        assert in_force(app) == "llama " and box.is_open
        await pilot.press(*"bogus:x")
        await pilot.pause()
        assert in_force(app) == "llama "  # the committed filter, not the half-typed text
        assert box.input.has_class("-error")
        assert "unknown field 'bogus'" in static_text(app.screen, "#filter-message")
        assert static_text(app.screen, "#filter-message").rstrip().endswith("· showing name ~ /llama/")
        count = len(app.applied)
        await pilot.press("y")  # still not a filter, and the one in force has not changed: nothing to apply
        await pilot.pause()
        assert len(app.applied) == count


async def test_with_nothing_committed_it_shows_everything_and_enter_on_an_empty_box_closes_it() -> None:
    app = BoxApp()
    async with app.run_test() as pilot:
        box = app.query_one(FilterBox)
        box.open()
        await pilot.press(*"ll")  # a preview, not committed
        await pilot.press(*"[")  # an invalid regex
        await pilot.pause()
        assert in_force(app) is None  # back to the committed one: none
        assert static_text(app.screen, "#filter-message").rstrip().endswith("· showing all running jobs")
        app.query_one("#filter", Input).value = ""
        await pilot.pause()
        assert not box.input.has_class("-error")
        await pilot.press("enter")
        await pilot.pause()
        assert app.applied[-1].done and app.applied[-1].filter is None and not box.is_open
        assert box.close() is False  # already closed


async def test_the_summary_bar_draws_the_summary_it_is_given() -> None:
    app = BoxApp()
    async with app.run_test():
        bar = app.query_one(SummaryBar)
        bar.show(ListSummary(loaded=True, shown=305, total=305, partial="partial: 305 of 1,192 loaded", marked=2,
                             paused=True, view="running", filter="name ~ /llama/", extra="window 7d",
                             counts=(("Running", 300, "running"), ("Failed", 5, "failed"))))
        assert static_text(app.screen, "#summary", width=400).strip() == (
            "partial: 305 of 1,192 loaded │ 305 shown · 2 marked (x acts on them) ⏸ paused │ view running"
            " │ filter name ~ /llama/ │ window 7d │ shown (partial): Running 300  Failed 5")
        assert isinstance(app.query_one("#summary"), Static)
