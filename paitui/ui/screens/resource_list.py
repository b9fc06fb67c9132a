"""The generic list screen: a live ResourceTable with filter, sort, summary, refresh health and drill-down.

The screen reads its kind (``RESOURCE``, ``paitui.kinds``): the lister, the columns, the filter fields,
names and phases. A kind's own screen overrides only its rendering (``columns``, ``row_style``) and what
enter opens (``open_row``). Polling runs in one exclusive worker per screen, pauses while the screen is
hidden, and applies diffs so the cursor and scroll never jump. What the load state means (``LoadState``),
the rows per status (``StatusCounts``) and the summary's words (``ListSummary``) are kept in ``live``; the
summary bar and the filter box are widgets of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer

from paitui.kinds import ListContext, ResourceKind
from paitui.live.filtering import Filter, parse_filter
from paitui.live.list_feed import Failed, ListFeed, Rows
from paitui.live.list_query import ListQuery
from paitui.live.list_summary import ListSummary
from paitui.live.lister import Lister
from paitui.live.status import TERMINAL_PHASES
from paitui.live.watch import ListWatch, PollResult
from paitui.live.watch import run as run_watch
from paitui.live.windows import DEFAULT_WINDOW
from paitui.ui.focus import text_entry_active
from paitui.ui.screens.base import PaiScreen
from paitui.ui.widgets.filter_box import FilterBox
from paitui.ui.widgets.filter_box import hint as filter_hint
from paitui.ui.widgets.kind_columns import age_column, declared_column, duration_text, status_text
from paitui.ui.widgets.resource_table import Column, ResourceTable
from paitui.ui.widgets.summary_bar import SummaryBar
from paitui.ui.widgets.table_columns import render_cell

TICK_SECONDS = 1.0  # durations and ages on screen advance this often
PROGRESS_REDRAW = 0.2  # seconds between redraws of "loading N / M" while a long list loads


class ResourceListScreen(PaiScreen):
    # its kind (``RESOURCE``, see ``PaiScreen``) also names the view, its noun and its title
    KIND: ClassVar[str] = "items"  # the view's name: timers and workers are named after it
    NOUN: ClassVar[str] = "items"
    COUNT_STATUSES: ClassVar[bool] = True  # the summary shows rows per status (by default: the kind has one)
    TICKING: ClassVar[bool] = False  # a column shows time passing (durations, ages)
    AUTO_FOCUS = "#table"  # not the first focusable (the hidden filter box): keys typed at once go to the rows
    BINDINGS = [
        Binding("slash", "open_filter", "Filter", key_display="/", priority=True, id="filter"),  # see ui.focus
        Binding("r", "fetch_now", "Refresh", id="refresh"),
        Binding("p", "toggle_pause", "Pause", id="pause"),
        Binding("s", "sort_next", "Sort", id="sort"),
        Binding("S", "sort_reverse", "Reverse", key_display="S", id="reverse"),
        Binding("w", "toggle_watch", "Watch", id="watch"),
    ]
    lister: Lister[Any]  # made by ``make_lister`` when the screen mounts

    @classmethod
    def take_from_kind(cls, declared: ResourceKind) -> None:
        cls.KIND = declared.view or declared.plural
        cls.NOUN = declared.plural
        cls.TITLE_TEXT = declared.title
        if "COUNT_STATUSES" not in cls.__dict__:  # a screen that counts something else says so itself
            cls.COUNT_STATUSES = declared.has_status

    def __init__(self) -> None:
        super().__init__()
        self._query = ListQuery()  # the view and the filter in force
        self._feed = ListFeed(self.NOUN, self.row_status)  # what each poll means: load state, counts
        self._state, self._counts = self._feed.state, self._feed.counts
        self._on_screen: dict[str, tuple[str, ...]] = {}  # the visible cells' text at the last tick
        self._user_paused = False  # `p`: polling paused by the user (not just because the screen is hidden)
        self._progress_drawn = 0.0  # monotonic time the loading progress was last drawn
        # key -> (row, search texts): typing re-filters 10k rows
        self._texts: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self.load_started: float | None = None  # perf_counter marks of the current load (summary, bench)
        self.first_rows_at: float | None = None
        self.loaded_at: float | None = None
        self._countdown: Timer | None = None
        self._ticker: Timer | None = None  # the 1 s tick of a TICKING list, paused while hidden
        # shadows DOMNode.watch(), which Textual calls only from data_bind(), unused on these screens
        self.watch: ListWatch[Any] | None = None  # type: ignore[assignment]

    # --- what subclasses provide ---

    def columns(self) -> list[Column]:
        """The kind's declared columns; a screen with its own rendering overrides this."""
        declared = self.resource_kind
        if declared is None or not declared.columns:
            raise NotImplementedError
        return [declared_column(spec, phase=declared.phase, theme=lambda: self.app.current_theme, now=self.now)
                for spec in declared.columns]

    def make_lister(self) -> Lister[Any]:
        """The kind's lister, over this screen's workspace (and window, for a windowed list)."""
        declared = self.resource_kind
        if declared is None or declared.lister is None:
            raise NotImplementedError
        lister: Lister[Any] = declared.lister(ListContext(self.pai.client, self.pai.workspace_id,
                                                          self.list_window(), self.now))
        return lister

    def list_window(self) -> str:
        """The creation window the lister is made with (a windowed list's own; the API's default else)."""
        return DEFAULT_WINDOW

    def crumbs(self) -> list[str]:
        declared = self.resource_kind
        if declared is None:
            return super().crumbs()
        if declared.workspace_scoped:
            return [self.pai.workspace_label or "workspace", declared.plural]
        return [self.pai.region, declared.title]

    def row_key(self, row: Any) -> str:
        return str(self.lister.key(row))

    def row_status(self, row: Any) -> str:
        status = self.lister.status  # definitions (pipelines, templates) have none
        return str(status(row) or "") if status is not None else ""

    def row_phase(self, row: Any) -> str:
        return self.resource_kind.phase_of(row) if self.resource_kind is not None else "unknown"

    def row_name(self, row: Any) -> str:
        if self.resource_kind is not None:
            return self.resource_kind.display_name(row)
        return self.row_key(row)

    def filter_fields(self) -> Mapping[str, Callable[[Any], Any]]:
        """Field tokens of the filter (the kind's, when it declares them); ``text`` is what free text (the
        regex) searches."""
        declared = self.resource_kind
        if declared is not None and declared.filter_fields:
            if declared.free_text_in_fields:
                return dict(declared.filter_fields)
            return {"text": self.search_text, **declared.filter_fields}
        return {"text": self.search_text, "name": self.row_name, "status": self.row_status}

    def filter_hint(self) -> str:
        """The filter box's placeholder (also in ``?``), from this screen's own fields."""
        return filter_hint(self.filter_fields())

    def filter_aliases(self) -> Mapping[str, str]:
        return self.resource_kind.filter_aliases if self.resource_kind is not None else {}

    def me(self) -> str | None:
        """The caller's user id, for ``owner:me`` (not known before the backend is open)."""
        return self.pai.backend.me if self.pai.ready else None

    def open_row(self, row: Any) -> None:
        """Enter on a row (default: nothing to drill into)."""

    def row_style(self, row: Any) -> Style | None:
        return None

    def summary_extra(self) -> str:
        return ""

    # --- helpers for subclasses ---

    def status_text(self, status: str | None, phase: str) -> Text:
        return status_text(self.app.current_theme, status, phase)

    def now(self) -> Any:
        return self.pai.backend.now()

    def duration_text(self, td: Any) -> Text:
        return duration_text(td)

    def age_column(self, key: str, title: str, moment: Callable[[Any], datetime | None], *,
                   width: int = 11) -> Column:
        return age_column(key, title, moment, self.now, width=width)

    @property
    def loaded(self) -> bool:
        """The first full list has arrived (rows on screen are the whole answer, not a first page)."""
        return self._state.loaded

    # --- layout ---

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield SummaryBar(id="summary")
            yield FilterBox(self._parse_filter, placeholder=self.filter_hint(),
                            showing_all=self._query.showing_all(self.NOUN), id="filter-box")
            yield ResourceTable(self.columns(), key=self.row_key, row_style=self.row_style,
                                empty_message=self._state.waiting_text(), id="table")

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    def on_mount(self) -> None:
        if not self.query("#table"):  # popped while it mounted (keys typed fast, a new root view): go quietly
            return
        self.table.focus()
        # at a deferred start the first frame is painted before the client exists: the empty table says
        # "Loading workspaces…" (true: they are on their way) and the listing starts once the backend is open
        self.pai.when_ready(self._start_listing)

    def _start_listing(self) -> None:
        if not self.is_attached or not self.query("#table"):  # closed while the backend was opening
            return
        self.refresh_crumbs()  # the region is known now
        self.lister = self.make_lister()
        self.watch = self._feed.start(self.lister, self._on_progress, interval=self.pai.settings.list_interval,
                                      now=self.now, governor=self.pai.governor)
        self._render_summary()
        self._start_polling()
        if self.TICKING:
            self._ticker = self.set_interval(TICK_SECONDS, self._tick, name=f"tick-{self.KIND}")

    def on_screen_suspend(self) -> None:
        if self.watch is not None:
            self.watch.pause()
        # a kept root view behind another view (or a detail) wakes no more each second; under a see-through
        # modal it goes on ticking (the ages it shows stay in sight)
        if self._ticker is not None and not self._seen():
            self._ticker.pause()

    def on_screen_resume(self) -> None:
        if self.watch is not None and self.watch.paused and not self._user_paused:
            self.watch.resume()
        if self._ticker is not None:
            self._ticker.resume()
            self._tick()  # what moved while it was hidden, at once

    @work(exclusive=True, group="list-poll", exit_on_error=False)
    async def _start_polling(self) -> None:
        assert self.watch is not None
        if not self._state.loaded:
            self.load_started, self.first_rows_at, self.loaded_at = time.perf_counter(), None, None
        await run_watch(self.watch, self._on_result)

    def restart(self) -> None:
        """The query changed (window, workspace …): forget rows and load again."""
        self._feed.restart()
        self.table.empty_message = self._state.waiting_text()
        self._start_polling()

    # --- results ---

    def _on_progress(self, loaded: int, total: int | None) -> None:
        early = self._feed.early_rows(loaded, total)  # the first page at once, then now and then (see ListFeed)
        if early is not None:
            self.table.set_rows(early)
            self.first_rows_at = self.first_rows_at or time.perf_counter()
        # a summary update re-lays the screen out; during a 100-page load five a second is plenty
        if time.monotonic() - self._progress_drawn >= PROGRESS_REDRAW:
            self._progress_drawn = time.monotonic()
            self._render_summary()

    def _on_result(self, result: PollResult[Any]) -> None:
        update = self._feed.absorb(result)
        if isinstance(update, Failed):
            if self._state.loaded:
                self.pai.report_refresh(None, result.stale_since, update.code)
            else:  # nothing is on screen to be stale: the empty table says why
                self.pai.report_refresh(None, None)
                self._show_load_error()
            if update.tell and result.error is not None:
                self.pai.show_error(result.error)
            self._render_summary()
            return
        if isinstance(update, Rows):
            self.table.set_rows(update.rows)
            if update.first:
                self.loaded_at = time.perf_counter()
                self.first_rows_at = self.first_rows_at or self.loaded_at
        elif not update.diff.empty:
            self.table.apply_row_diff(update.diff, update.rows)
        self.table.empty_message = self._empty_message()
        self.pai.report_refresh(result.at, None)
        if result.changed:
            self._notify_terminal(result)
        self._render_summary()

    def _show_load_error(self) -> None:
        """``Could not load runs: Throttling.User (throttled) · retrying in 4 s``, counting down each second."""
        text = self._state.failure_text(paused=self._user_paused, now=time.monotonic())
        if text is None:
            if self._countdown is not None:
                self._countdown.stop()
                self._countdown = None
            return
        self.table.empty_message = text
        if self._countdown is None:
            self._countdown = self.set_interval(1.0, self._show_load_error, name=f"countdown-{self.KIND}")

    def apply_local(self, changed: Iterable[Any] = (), removed: Iterable[str] = ()) -> None:
        """Show a change the cloud has just accepted (an action's answer) without waiting for the next poll
        (``ListFeed.local``: the next poll converges it)."""
        if self.watch is None:
            return
        diff = self._feed.local(self.row_key, changed, removed)
        if diff is not None:
            self.table.apply_row_diff(diff, self.watch.value or {})
            self._render_summary()

    def search_text(self, row: Any) -> tuple[str, ...]:
        """The texts free-text filtering searches, each on its own (so ``^`` and ``$`` anchor to a name or an
        id), computed once per row object."""
        key = self.row_key(row)
        cached = self._texts.get(key)
        if cached is not None and cached[0] is row:
            return cached[1]
        text = self.row_search_text(row)
        self._texts[key] = (row, text)
        return text

    def row_search_text(self, row: Any) -> tuple[str, ...]:
        return (self.row_name(row), self.row_key(row))

    def _notify_terminal(self, result: PollResult[Any]) -> None:
        if self.NOTIFY_KIND is None:
            return
        if result.diff is not None and self._state.loaded and result.value:
            # only rows that changed can have just finished; no need to walk 10,000 every tick
            rows = [result.value[k] for k in (*result.diff.added, *result.diff.changed)]
        else:
            rows = list((result.value or {}).values())
        for notice in self.pai.notifier.observe(self.NOTIFY_KIND, rows):
            self.pai.notify(notice.message, title="finished", markup=False,
                            severity="error" if notice.phase == "failed" else "information")
            if self.pai.settings.bell:
                self.pai.bell()

    def _empty_message(self) -> str:
        query = self._query
        return self._state.empty_text(
            rows=self.table.row_count, filter_text=query.filter.text if query.filter is not None else None,
            view=query.active_view, window=self.shown_window())

    def shown_window(self) -> str | None:
        """The creation window the rows are limited to (``None``: not a windowed list)."""
        return None

    def _tick(self) -> None:
        if self._seen() and self._state.loaded and (changed := self._changed_on_screen()):
            self.table.repaint(changed)

    def _seen(self) -> bool:
        """On top, or under a see-through screen (a modal). Textual's ``is_current`` also holds right under an
        opaque screen (a detail), where repainting the hidden rows each second is wasted."""
        top = self.app.screen
        return top is self or (self.is_current and top.styles.background.a < 1)

    def _changed_on_screen(self) -> list[str]:
        """The rows on screen whose cells read differently than at the last tick. Most ticks change few or
        none (an age moves once a minute, a duration past an hour too), and repainting every visible row
        recomposes the whole table each second: the idle list's main cost."""
        table = self.table
        top = max(0, round(table.scroll_y))
        # only the cells that move with the clock (a data change repaints its row itself); all, when no
        # column says so
        columns = [column for column in table.columns if column.ticks] or table.columns
        shown = {key: tuple(render_cell(column, row).plain for column in columns)
                 for key in table.visible_keys[top:top + table.size.height] if (row := table.get_row(key)) is not None}
        changed = [key for key, cells in shown.items() if self._on_screen.get(key) != cells]
        self._on_screen = shown
        return changed

    # --- summary bar ---

    def _render_summary(self) -> None:
        state, query = self._state, self._query
        if self.COUNT_STATUSES:
            table = self.table
            shown = self._counts.of_shown(
                (lambda: (table.get_row(key) for key in table.visible_keys))
                if state.loaded and query.filtering else None)
            counts = tuple((status, count, self.row_phase_of_status(status)) for status, count in shown.items())
        else:
            counts = ()
        load_seconds = self.loaded_at - self.load_started \
            if self.loaded_at is not None and self.load_started is not None else None
        self.query_one("#summary", SummaryBar).show(ListSummary(
            loaded=state.loaded, shown=self.table.visible_count, total=self._counts.total if state.loaded else 0,
            loading=state.loading_text(), partial=state.partial.describe() if state.partial is not None else "",
            marked=len(self.table.marked_keys), paused=self._user_paused, view=query.view_label,
            filter=query.filter.describe() if query.filter is not None else None, extra=self.summary_extra(),
            load_seconds=load_seconds, counts=counts))

    def row_phase_of_status(self, status: str) -> str:
        return self.resource_kind.phase(status) if self.resource_kind is not None else "unknown"

    # --- filter ---

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` is a priority binding (see ``ui.focus``): a character while a text field has the keys. ``w``
        only where rows can finish (jobs, runs …): on workspaces or specs it did nothing."""
        if action == "toggle_watch":
            return self.NOTIFY_KIND is not None
        return not (action == "open_filter" and text_entry_active(self))

    @property
    def filter_box(self) -> FilterBox:
        return self.query_one("#filter-box", FilterBox)

    def action_open_filter(self) -> None:
        self.filter_box.open()

    def _parse_filter(self, text: str) -> Filter:
        return parse_filter(text, self.filter_fields(), aliases=self.filter_aliases(), me=self.me())

    @on(FilterBox.Applied, "#filter-box")
    def _filter_applied(self, event: FilterBox.Applied) -> None:
        self._query.filter = event.filter
        self._install_predicate()
        if event.done:
            self.table.focus()

    STATUS_VIEWS: ClassVar[Mapping[str, tuple[str, Callable[[Any], bool] | None]]] = {}

    def action_view(self, name: str) -> None:
        """A one-key status view from ``STATUS_VIEWS`` (bound as ``view('running')`` etc.)."""
        label, predicate = self.STATUS_VIEWS[name]
        self.set_view(label, predicate)

    def set_view(self, label: str, predicate: Callable[[Any], bool] | None) -> None:
        """A one-key status view (all / running / failed …), combined with the filter."""
        self._query.set_view(label, predicate)
        self.filter_box.showing_all = self._query.showing_all(self.NOUN)
        self._install_predicate()

    def _install_predicate(self) -> None:
        self._counts.shown_changed()
        self.table.set_filter(self._query.predicate())
        self.table.empty_message = self._empty_message()
        self._render_summary()

    def action_back(self) -> None:
        if self.filter_box.close():
            self.table.focus()
            return
        super().action_back()

    # --- keys ---

    def action_fetch_now(self) -> None:
        """``r``: poll now; on a list the user paused, fetch once and stay paused (as in detail screens)."""
        if self.watch is None:
            return
        if self._user_paused:
            self._poll_once()
        else:
            self.watch.refresh()

    def action_refresh_now(self) -> None:
        """Cut the polling loop's wait short (after an action): a list the user paused stays as it is, showing
        the transitional state the action set, until ``r`` or ``p``."""
        if self.watch is not None:
            self.watch.refresh()

    @work(exclusive=True, group="list-once", exit_on_error=False)
    async def _poll_once(self) -> None:
        assert self.watch is not None
        result = await self.watch.poll()  # the watch serialises polls: the paused loop may be mid-fetch
        if self.is_attached:
            self._on_result(result)

    def action_toggle_pause(self) -> None:
        if self.watch is None:
            return
        self._user_paused = not self._user_paused
        if self._user_paused:
            self.watch.pause()
        else:
            self.watch.resume()
        self._show_load_error()
        self._render_summary()

    def action_sort_next(self) -> None:
        """Next column; after the last, back to the service's order (newest first)."""
        if not self.table.sort_next():
            self.notify("sorted as the service lists them (newest first)", markup=False, timeout=2)

    def action_sort_reverse(self) -> None:
        self.table.sort_reversed()

    def action_toggle_watch(self) -> None:
        row = self.table.cursor_row
        if row is None or self.NOTIFY_KIND is None:
            return
        key, name = self.row_key(row), self.row_name(row)
        if self.pai.notifier.is_watched(self.NOTIFY_KIND, key):
            self.pai.notifier.unwatch(self.NOTIFY_KIND, key)
            self.notify(f"stopped watching {name}", markup=False)
        elif self.row_phase(row) in TERMINAL_PHASES:  # it has its outcome (a reserving job too)
            self.notify(f"{name} has already finished ({self.row_status(row)}): nothing to watch", markup=False)
        else:
            self.pai.notifier.watch(self.NOTIFY_KIND, key, name, self.row_status(row))
            self.notify(f"watching {name}: you will be told when it finishes", markup=False)

    @on(ResourceTable.MarksChanged, "#table")
    def _marks_changed(self, event: ResourceTable.MarksChanged) -> None:
        self._render_summary()

    @on(ResourceTable.RowSelected, "#table")
    def _row_selected(self, event: ResourceTable.RowSelected) -> None:
        self.open_row(event.row)
