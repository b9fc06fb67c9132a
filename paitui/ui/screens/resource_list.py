"""The generic list screen: a live ResourceTable with filter, sort, summary, refresh health and drill-down.

A subclass says what to list (``make_lister``), how rows look (``columns``), what the filter knows
(``filter_fields``) and what enter opens (``open_row``). Polling runs in one exclusive worker per
screen, pauses while the screen is hidden, and applies diffs so the cursor and scroll never jump.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from paitui.api.errors import describe
from paitui.kinds import ColumnSpec, ListContext, ResourceKind
from paitui.kinds import kind as resource_kind
from paitui.live.diff import diff_rows
from paitui.live.filtering import Filter, FilterError, parse_filter
from paitui.live.lifecycle import ago, humanize
from paitui.live.paging import Partial
from paitui.live.status import TERMINAL_PHASES
from paitui.live.watch import ListWatch, PollResult
from paitui.live.watch import run as run_watch
from paitui.live.windows import DEFAULT_WINDOW, next_window
from paitui.ui.focus import focus_now, typing
from paitui.ui.screens.base import PaiScreen
from paitui.ui.theming import phase_colour
from paitui.ui.widgets.resource_table import Column, ResourceTable
from paitui.ui.widgets.table_columns import render_cell

TICK_SECONDS = 1.0  # durations and ages on screen advance this often
PROGRESS_REDRAW = 0.2  # seconds between redraws of "loading N / M" while a long list loads


class ResourceListScreen(PaiScreen):
    # A list screen names its kind once (``RESOURCE = "job"``); what it is called, its title, and whether rows
    # can be watched or acted on follow from the kind's declaration (``paitui.kinds``), set on the subclass.
    RESOURCE: ClassVar[str | None] = None
    resource_kind: ClassVar[ResourceKind | None] = None
    KIND: ClassVar[str] = "items"  # the view's name: timers and workers are named after it
    NOTIFY_KIND: ClassVar[str | None] = None  # the notifier's kind, when rows can finish
    ACTION_KIND: ClassVar[str] = ""  # the actions' kind, when rows have actions (read by the actions mixin)
    NOUN: ClassVar[str] = "items"
    COUNT_STATUSES: ClassVar[bool] = True  # the summary shows rows per status (off for status-less lists)
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
    DEFAULT_CSS = """
    ResourceListScreen #summary { height: 1; padding: 0 1; background: $surface; color: $text-muted; }
    ResourceListScreen #filter, ResourceListScreen #filter:focus { display: none; height: 1; border: none;
                                                                   padding: 0 1; background: $boost; }
    ResourceListScreen #filter.-open { display: block; }
    ResourceListScreen #filter.-error { background: $error 30%; }
    ResourceListScreen #filter-message { display: none; height: 1; padding: 0 1; color: $error; }
    ResourceListScreen #filter-message.-shown { display: block; }
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        key = cls.__dict__.get("RESOURCE")
        if key is None:
            return
        declared = resource_kind(key)
        cls.resource_kind = declared
        cls.KIND = declared.view or declared.plural
        cls.NOUN = declared.plural
        cls.TITLE_TEXT = declared.title
        cls.NOTIFY_KIND = declared.key if declared.notify else None
        if declared.actions:
            cls.ACTION_KIND = declared.key

    def __init__(self) -> None:
        super().__init__()
        self._on_screen: dict[str, tuple[str, ...]] = {}  # the visible cells' text at the last tick
        self._filter: Filter | None = None
        self._view_predicate: Callable[[Any], bool] | None = None
        self._view_label = ""
        self._loaded = False
        self._progress: tuple[int, int | None] | None = None
        self._painted = 0  # rows shown so far by a load still in progress
        self._user_paused = False  # `p`: polling paused by the user (not just because the screen is hidden)
        self._progress_drawn = 0.0  # monotonic time the loading progress was last drawn
        self._counts: Counter[str] = Counter()  # rows per status, kept up to date from each diff
        # key -> (row, search texts): typing re-filters 10k rows
        self._texts: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self.load_started: float | None = None  # perf_counter marks of the current load (summary, bench)
        self.first_rows_at: float | None = None
        self.loaded_at: float | None = None
        self._last_error_code: str | None = None
        self._partial: Partial | None = None  # the rows on screen are what arrived of a listing with failed pages
        self._shown_counts: Counter[str] | None = None  # rows per status among the visible ones (filtered)
        self._load_error: str | None = None  # why nothing is shown yet: "Throttling.User (throttled)"
        self._retry_at: float | None = None  # monotonic time of the next attempt while nothing loaded
        self._countdown: Timer | None = None
        self._committed: Filter | None = None  # the filter in force while the typed text is not a valid one
        # shadows DOMNode.watch(), which Textual calls only from data_bind(), unused on these screens
        self.watch: ListWatch[Any] | None = None  # type: ignore[assignment]
        self.lister: Any = None

    # --- what subclasses provide ---

    def columns(self) -> list[Column]:
        """The kind's declared columns; a screen with its own rendering overrides this."""
        declared = self.resource_kind
        if declared is None or not declared.columns:
            raise NotImplementedError
        return [self._column(spec) for spec in declared.columns]

    def _column(self, spec: ColumnSpec) -> Column:
        """A declared column as the table's: status cells coloured by phase, ages as ``5m ago``."""
        if spec.style == "age":
            column = self.age_column(spec.key, spec.title, spec.value, width=spec.width or 11)
            return replace(column, drop=spec.drop)
        render: Callable[[Any], Text | str]
        if spec.style == "status":
            declared = self.resource_kind
            assert declared is not None

            def render(row: Any) -> Text | str:
                status = spec.value(row)
                return self.status_text(None if status is None else str(status), declared.phase(status))
        else:
            def render(row: Any) -> Text | str:
                value = spec.value(row)
                return "" if value is None else str(value)
        return Column(spec.key, spec.title, render, width=spec.width, min_width=spec.min_width or 1,
                      max_width=spec.max_width or 48, flex=spec.flex, align=spec.align, sort_key=spec.sort_key,
                      drop=spec.drop)

    def make_lister(self) -> Any:
        """The kind's lister, over this screen's workspace (and window, for a windowed list)."""
        declared = self.resource_kind
        if declared is None or declared.lister is None:
            raise NotImplementedError
        return declared.lister(ListContext(self.pai.client, self.pai.workspace_id,
                                           getattr(self, "window", DEFAULT_WINDOW), self.now))

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
        status = getattr(self.lister, "status", None)  # definitions (pipelines, templates) have none
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
        """The filter box's placeholder, from this screen's own fields (``type:`` only where there is one)."""
        fields = [name for name in self.filter_fields() if name != "text"]
        example = "owner:me" if "owner" in fields else "status:Running" if "status" in fields else ""
        return (f"filter: text or /regex/, field:value ({', '.join(fields)}; a,b or *), "
                + (f"e.g. {example}, " if example else "") + "! inverts")

    def filter_aliases(self) -> Mapping[str, str]:
        return self.resource_kind.filter_aliases if self.resource_kind is not None else {}

    def me(self) -> str | None:
        """The caller's user id, for ``owner:me``."""
        return self.pai.backend.me

    def open_row(self, row: Any) -> None:
        """Enter on a row (default: nothing to drill into)."""

    def row_style(self, row: Any) -> Style | None:
        return None

    def summary_extra(self) -> str:
        return ""

    # --- helpers for subclasses ---

    def status_text(self, status: str | None, phase: str) -> Text:
        return Text(status or "—", style=phase_colour(self.app.current_theme, phase))

    def now(self) -> Any:
        return self.pai.backend.now()

    def duration_text(self, td: Any) -> Text:
        return Text(humanize(td) if td is not None else "—")

    def age_column(self, key: str, title: str, moment: Callable[[Any], datetime | None], *,
                   width: int = 11) -> Column:
        """A right-aligned ``5m ago`` column (— when unknown) that sorts by the moment itself."""
        return Column(key, title, lambda row: ago(moment(row), self.now()) or "—", width=width, align="right",
                      sort_key=lambda row: _timestamp(moment(row)))

    @property
    def loaded(self) -> bool:
        """The first full list has arrived (rows on screen are the whole answer, not a first page)."""
        return self._loaded

    # --- layout ---

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="summary")
            yield Input(placeholder=self.filter_hint(), id="filter")
            yield Static(id="filter-message")
            yield ResourceTable(self.columns(), key=self.row_key, row_style=self.row_style,
                                empty_message=f"Loading {self.NOUN}…", id="table")

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    def on_mount(self) -> None:
        if not self.query("#table"):  # popped while it mounted (keys typed fast, a new root view): go quietly
            return
        self.lister = self.make_lister()
        self.watch = ListWatch(lambda: self.lister.fetch(self._on_progress), self.lister.key,
                               status=self.lister.status, interval=self.pai.settings.list_interval,
                               now=self.now)
        self.table.focus()
        self._render_summary()
        self._start_polling()
        if self.TICKING:
            self.set_interval(TICK_SECONDS, self._tick, name=f"tick-{self.KIND}")

    def on_screen_suspend(self) -> None:
        if self.watch is not None:
            self.watch.pause()

    def on_screen_resume(self) -> None:
        if self.watch is not None and self.watch.paused and not self._user_paused:
            self.watch.resume()

    @work(exclusive=True, group="list-poll", exit_on_error=False)
    async def _start_polling(self) -> None:
        assert self.watch is not None
        if not self._loaded:
            self.load_started, self.first_rows_at, self.loaded_at = time.perf_counter(), None, None
        await run_watch(self.watch, self._on_result)

    def restart(self) -> None:
        """The query changed (window, workspace …): forget rows and load again."""
        if hasattr(self.lister, "invalidate"):
            self.lister.invalidate()
        self._loaded = False
        self._painted = 0
        self._partial = None
        self._load_error = None
        if self.watch is not None:
            self.watch.value = None
        self.table.empty_message = f"Loading {self.NOUN}…"
        self._start_polling()

    # --- results ---

    def _on_progress(self, loaded: int, total: int | None) -> None:
        self._progress = (loaded, total)
        # paint the first page at once, then each time the count quadruples: rows appear in well under a
        # second while the whole list loads, at the cost of a few table rebuilds (1, 4, 16, 64 pages …)
        if not self._loaded and loaded >= max(1, 4 * self._painted) and hasattr(self.lister, "loading"):
            self.table.set_rows(self.lister.loading)
            self._shown_counts = None
            self._painted = loaded
            self.first_rows_at = self.first_rows_at or time.perf_counter()
        # a summary update re-lays the screen out; during a 100-page load five a second is plenty
        if time.monotonic() - self._progress_drawn >= PROGRESS_REDRAW:
            self._progress_drawn = time.monotonic()
            self._render_summary()

    def _on_result(self, result: PollResult[Any]) -> None:
        self._progress = None
        self._shown_counts = None
        if result.ok:
            self._last_error_code = None
            self._load_error = None
            self._partial = result.partial
            rows = list((result.value or {}).values())
            if not self._loaded or result.diff is None:
                self._counts = Counter(self.row_status(row) for row in rows)
                self.table.set_rows(rows)
                if not self._loaded:
                    self.loaded_at = time.perf_counter()
                    self.first_rows_at = self.first_rows_at or self.loaded_at
                self._loaded = True
            elif not result.diff.empty:
                diff, by_key = result.diff, result.value or {}
                self._count_diff(diff, by_key)
                # the diff names keys; the table wants the new rows themselves
                # new rows take their place in the service's order (newest first), not the bottom
                order = by_key.keys() if diff.added or diff.order_changed else None
                self.table.apply_diff([by_key[k] for k in diff.added], [by_key[k] for k in diff.changed],
                                      diff.removed, order)
                if diff.status_changes:
                    self.table.flash(diff.status_changes)
            self.table.empty_message = self._empty_message()
            self.pai.report_refresh(result.at, None)
            if result.changed:
                self._notify_terminal(rows, result)
        else:
            error = result.error
            words = describe(error)
            code = getattr(error, "code", None) or words  # words, never a class name such as TimeoutError_
            if self._loaded:
                self.pai.report_refresh(None, result.stale_since, code)
            else:  # nothing is on screen to be stale: the empty table says why
                self.pai.report_refresh(None, None)
                self._load_error = code if code == words else f"{code} ({words})"
                self._retry_at = time.monotonic() + self.watch.next_delay() if self.watch is not None else None
                self._show_load_error()
            if code != self._last_error_code and error is not None:
                self._last_error_code = code
                self.pai.show_error(error)
        self._render_summary()

    def _show_load_error(self) -> None:
        """``Could not load runs: Throttling.User (throttled) · retrying in 4 s``, counting down each second."""
        if self._loaded or self._load_error is None:
            if self._countdown is not None:
                self._countdown.stop()
                self._countdown = None
            return
        if self._user_paused:
            when = "paused (r retries)"
        elif self._retry_at is None:
            when = "retrying"
        else:
            left = math.ceil(self._retry_at - time.monotonic())
            when = f"retrying in {left} s" if left > 0 else "retrying now…"
        self.table.empty_message = f"Could not load {self.NOUN}: {self._load_error} · {when}"
        if self._countdown is None:
            self._countdown = self.set_interval(1.0, self._show_load_error, name=f"countdown-{self.KIND}")

    def apply_local(self, changed: Iterable[Any] = (), removed: Iterable[str] = ()) -> None:
        """Show a change the cloud has just accepted (an action's answer) without waiting for the next poll.

        The watch's value moves too, so the next poll diffs against it: the row converges to whatever the
        cloud then says (Stopping → Stopped), and a row the cloud still shows unchanged goes back."""
        if self.watch is None or self.watch.value is None:
            return
        old = self.watch.value
        new = dict(old)
        for row in changed:
            key = self.row_key(row)
            if key in new:
                new[key] = row
        gone = [key for key in removed if key in new]
        for key in gone:
            del new[key]
        diff = diff_rows(old, new, self.row_key, self.row_status)
        self._count_diff(diff, new)
        self._shown_counts = None
        self.watch.value = new
        self.table.apply_diff((), [new[k] for k in diff.changed], diff.removed)
        if diff.status_changes:
            self.table.flash(diff.status_changes)
        forget = getattr(self.lister, "forget", None)  # an incremental lister must not bring them back
        if gone and forget is not None:
            forget(gone)
        self._render_summary()

    def _count_diff(self, diff: Any, by_key: Mapping[str, Any]) -> None:
        """Move the per-status counts by what changed instead of recounting every row."""
        for key in diff.removed:
            old = self.table.get_row(key)  # still the old row: the table is updated after this
            if old is not None:
                self._counts[self.row_status(old)] -= 1
        for key in diff.added:
            self._counts[self.row_status(by_key[key])] += 1
        for key in diff.changed:
            old = self.table.get_row(key)
            if old is not None:
                self._counts[self.row_status(old)] -= 1
            self._counts[self.row_status(by_key[key])] += 1
        self._counts = +self._counts  # drop statuses that reached zero

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

    def _notify_terminal(self, rows: list[Any], result: PollResult[Any]) -> None:
        if self.NOTIFY_KIND is None:
            return
        if result.diff is not None and self._loaded and result.value:
            # only rows that changed can have just finished; no need to walk 10,000 every tick
            rows = [result.value[k] for k in (*result.diff.added, *result.diff.changed)]
        for notice in self.pai.notifier.observe(self.NOTIFY_KIND, rows):
            self.pai.notify(notice.message, title="finished", markup=False,
                            severity="error" if notice.phase == "failed" else "information")
            if self.pai.settings.bell:
                self.pai.bell()

    def _empty_message(self) -> str:
        if self.table.row_count and self._filter is not None:
            message = f"No {self.NOUN} match {self._filter.text!r}"
        elif self.table.row_count and self._view_predicate is not None:
            message = f"No {self._view_label} {self.NOUN}"
        else:
            message = f"No {self.NOUN}"
        if self._partial is not None:  # "none" is only known of the pages that arrived
            return f"{message} in what loaded so far ({self._partial.describe()})"
        return message

    def _tick(self) -> None:
        if self._seen() and self._loaded and (changed := self._changed_on_screen()):
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
        shown = {key: tuple(render_cell(column, row).plain for column in table.columns)
                 for key in table.visible_keys[top:top + table.size.height] if (row := table.get_row(key)) is not None}
        changed = [key for key, cells in shown.items() if self._on_screen.get(key) != cells]
        self._on_screen = shown
        return changed

    # --- summary bar ---

    def _render_summary(self) -> None:
        """What is shown and why first (counts, view, filter, window), then rows per status, most common
        first: when the line is too long for the terminal, only the rarest statuses are cut."""
        total = sum(self._counts.values()) if self._loaded else 0
        text = Text(no_wrap=True, overflow="ellipsis")
        if self._progress is not None and not self._loaded:
            loaded, expected = self._progress
            text.append(f"loading {loaded:,}" + (f" / {expected:,}" if expected else "") + f" {self.NOUN}… ",
                        style="bold")
        if self._partial is not None:
            # first, and in warning colours: the rows below are not the whole list
            text.append(self._partial.describe(), style=f"bold {self.app.current_theme.warning or 'yellow'}")
            text.append(" │ ", style="dim")
            text.append(f"{self.table.visible_count:,} shown", style="bold")  # of rows loaded: not a total
        elif not self._loaded:  # no total is known yet: "0/0 shown" would read as an empty list
            shown = self.table.visible_count
            text.append(f"{shown:,} shown so far" if shown else "nothing loaded yet", style="bold")
        else:
            text.append(f"{self.table.visible_count:,}/{total:,} shown", style="bold")
        marked = len(self.table.marked_keys)
        if marked:
            text.append(f" · {marked} marked (x acts on them)", style="bold")
        if self._user_paused:
            text.append(" ⏸ paused", style="bold")
        if self._view_label:
            text.append(f" │ view {self._view_label}", style="dim")
        if self._filter is not None:
            text.append(" │ filter ", style="dim")
            text.append(self._filter.describe())
        extra = self.summary_extra()
        if extra:
            text.append(f" │ {extra}", style="dim")
        if self.loaded_at is not None and self.load_started is not None and total > 500:
            text.append(f" │ loaded in {self.loaded_at - self.load_started:.1f}s", style="dim")
        counts = self._status_counts() if self.COUNT_STATUSES else None
        if counts:
            text.append(" │ ", style="dim")
            # the counts are of the rows shown; say so when that is not every row, or not the whole list
            label = "shown" if self._filtering else ""
            if self._partial is not None:
                label = f"{label} (partial)" if label else "partial"
            if label:
                text.append(f"{label}: ", style="dim")
            for status, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                colour = phase_colour(self.app.current_theme, self.row_phase_of_status(status))
                text.append(f"{status or '—'} ", style=colour)
                text.append(f"{count:,}  ")
        # one fixed-height line: re-laying the screen out on every update cost ~25 ms each (10 per long load)
        self.query_one("#summary", Static).update(text, layout=False)

    def row_phase_of_status(self, status: str) -> str:
        return self.resource_kind.phase(status) if self.resource_kind is not None else "unknown"

    @property
    def _filtering(self) -> bool:
        return self._filter is not None or self._view_predicate is not None

    def _status_counts(self) -> Counter[str]:
        """Rows per status among the rows shown: every row's counts are kept by diff (cheap on a 10,000-row
        tick); with a view or filter the visible rows are counted once per change."""
        if not self._loaded or not self._filtering:
            return self._counts
        if self._shown_counts is None:
            table = self.table
            self._shown_counts = Counter(self.row_status(table.get_row(key)) for key in table.visible_keys)
        return self._shown_counts

    # --- filter ---

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` is a priority binding (see ``ui.focus``): a character while a text field has the keys. ``w``
        only where rows can finish (jobs, runs …): on workspaces or specs it did nothing."""
        if action == "toggle_watch":
            return self.NOTIFY_KIND is not None
        return not (action == "open_filter" and typing(self))

    def action_open_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-open")
        focus_now(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # a finished token (followed by a space) commits, as do enter and an emptied box; the rest is a preview
        value = event.value
        self._apply_filter(value, commit=not value or (value[-1].isspace() and bool(value.strip())))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self._apply_filter(event.value, commit=True):
            if not event.value:
                event.input.remove_class("-open")
            self.table.focus()

    def _apply_filter(self, text: str, *, commit: bool) -> bool:
        """Filter as typed; while the text is not a valid filter, the last *committed* one is in force (not the
        half-typed text before it: ``foo`` on the way to ``foo:bar`` was never meant as a name search)."""
        box = self.query_one("#filter", Input)
        message = self.query_one("#filter-message", Static)
        try:
            parsed = parse_filter(text, self.filter_fields(), aliases=self.filter_aliases(), me=self.me()) \
                if text.strip() else None
        except FilterError as exc:
            box.add_class("-error")
            view = f"{self._view_label} " if self._view_predicate is not None else ""
            kept = self._committed.describe() if self._committed is not None else f"all {view}{self.NOUN}"
            message.update(Text(f"{exc} · showing {kept}"))
            message.add_class("-shown")
            if self._filter is not self._committed:
                self._filter = self._committed
                self._install_predicate()
            return False
        box.remove_class("-error")
        message.remove_class("-shown")
        self._filter = parsed
        if commit:
            self._committed = parsed
        self._install_predicate()
        return True

    STATUS_VIEWS: ClassVar[Mapping[str, tuple[str, Callable[[Any], bool] | None]]] = {}

    def action_view(self, name: str) -> None:
        """A one-key status view from ``STATUS_VIEWS`` (bound as ``view('running')`` etc.)."""
        label, predicate = self.STATUS_VIEWS[name]
        self.set_view(label, predicate)

    def set_view(self, label: str, predicate: Callable[[Any], bool] | None) -> None:
        """A one-key status view (all / running / failed …), combined with the filter."""
        self._view_label = label if predicate is not None else ""
        self._view_predicate = predicate
        self._install_predicate()

    def _install_predicate(self) -> None:
        self._shown_counts = None
        parts = [p for p in (self._view_predicate, self._filter) if p is not None]
        if not parts:
            self.table.set_filter(None)
        elif len(parts) == 1:
            self.table.set_filter(parts[0])
        else:
            self.table.set_filter(lambda row: all(p(row) for p in parts))
        self.table.empty_message = self._empty_message()
        self._render_summary()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_class("-open"):
            if box.value:
                box.value = ""
            box.remove_class("-open")
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
        keys = [c.key for c in self.columns()]
        current = self.table.sort_column
        if current == keys[-1]:
            self.table.sort_by(None)
            self.notify("sorted as the service lists them (newest first)", markup=False, timeout=2)
            return
        following = keys[keys.index(current) + 1] if current in keys else keys[0]
        self.table.sort_by(following, reverse=False)

    def action_sort_reverse(self) -> None:
        column = self.table.sort_column or self.columns()[0].key
        self.table.sort_by(column, reverse=not self.table.sort_reverse)

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


class WindowedListScreen(ResourceListScreen):
    """A list over a creation-time window: ``t`` cycles 1d → 7d → 30d → all (7d, like the API's default).

    The lister must offer ``set_window(name)``; the screen's ``window`` is what ``make_lister`` uses.
    """

    BINDINGS = [Binding("t", "cycle_window", "Window", id="window")]

    def __init__(self) -> None:
        super().__init__()
        self.window: str = DEFAULT_WINDOW

    def summary_extra(self) -> str:
        return f"window {self.window}"

    def _empty_message(self) -> str:
        message = super()._empty_message()
        if not self.table.row_count and self.window != "all" and self._partial is None:
            # the window is on creation time: an older job still running is outside it too
            return f"{message} created in the last {self.window} · t widens the window"
        return message

    def action_cycle_window(self) -> None:
        self.window = next_window(self.window)
        self.lister.set_window(self.window)
        span = "all time" if self.window == "all" else f"the last {self.window}"
        self.notify(f"showing {self.NOUN} created in {span}", markup=False)
        self.restart()


def list_screen_for(declared: ResourceKind) -> type[ResourceListScreen]:
    """The generic list screen of a kind that has no screen of its own: everything from its declaration
    (one class per kind, made once, as an imported screen module's would be)."""
    return _generic_screen(declared.key)


@cache
def _generic_screen(key: str) -> type[ResourceListScreen]:
    declared = resource_kind(key)
    base = WindowedListScreen if declared.windowed else ResourceListScreen
    name = "".join(part.capitalize() for part in (declared.view or declared.key).split("-")) + "Screen"
    return type(name, (base,), {
        "RESOURCE": declared.key,
        "COUNT_STATUSES": declared.has_status,
        "TICKING": any(spec.style == "age" for spec in declared.columns),
    })


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0
