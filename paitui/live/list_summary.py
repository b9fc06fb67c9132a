"""What a list's summary bar says, as plain data: counts, view, filter, window, load time, rows per status.

The screen fills one ``ListSummary`` per change; the summary bar widget only draws it. The wording rules
live here: a total only once the whole list is known, a status count labelled ``shown:`` when a view or
filter hides rows and ``partial:`` when pages are missing, the most common statuses first.
"""

from __future__ import annotations

from dataclasses import dataclass

SLOW_LOAD_ROWS = 500  # a list this long says how long it took to load


@dataclass(frozen=True, slots=True)
class ListSummary:
    loaded: bool  # the first full list has arrived
    shown: int  # rows visible (after the view and the filter)
    total: int  # rows held
    loading: str = ""  # "loading 1,200 / 5,000 jobs… " (``LoadState.loading_text``)
    partial: str = ""  # "partial: 305 of 1,192 loaded · retrying (throttled)": the rows are not the whole list
    marked: int = 0
    paused: bool = False  # by the user
    view: str = ""  # "running"
    filter: str | None = None  # the filter in force, described
    extra: str = ""  # the screen's own: "window 7d"
    load_seconds: float | None = None  # how long the first full list took
    counts: tuple[tuple[str, int, str], ...] = ()  # (status, rows, its phase) of the rows shown

    @property
    def filtering(self) -> bool:
        return bool(self.view) or self.filter is not None

    @property
    def shown_text(self) -> str:
        if self.partial:
            return f"{self.shown:,} shown"  # of rows loaded: not a total
        if not self.loaded:  # no total is known yet: "0/0 shown" would read as an empty list
            return f"{self.shown:,} shown so far" if self.shown else "nothing loaded yet"
        return f"{self.shown:,}/{self.total:,} shown"

    @property
    def load_time(self) -> str:
        if self.load_seconds is None or not self.loaded or self.total <= SLOW_LOAD_ROWS:
            return ""
        return f"loaded in {self.load_seconds:.1f}s"

    @property
    def counts_label(self) -> str:
        """What the status counts are of: ``shown`` (a view or filter hides rows), ``partial`` (pages are
        missing), both, or ``""`` (every row)."""
        label = "shown" if self.filtering else ""
        if self.partial:
            label = f"{label} (partial)" if label else "partial"
        return label

    @property
    def statuses(self) -> list[tuple[str, int, str]]:
        """Most common first: when the line is too long for the terminal, only the rarest are cut."""
        return sorted(self.counts, key=lambda item: (-item[1], item[0]))
