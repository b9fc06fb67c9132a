"""The lifecycle timeline of a DLC job: one line per phase of its ``StatusHistory`` (start, duration, reason)
plus a proportional bar, the current phase highlighted and ticking.

The widget keeps the raw history and re-derives the spans from ``now`` on every ``tick`` so the current
phase's duration moves between polls without any HTTP (the math lives in ``paitui.live.lifecycle``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from paitui.api.models.dlc import StatusTransitionItem
from paitui.live.lifecycle import PhaseSpan, humanize, phase_timeline, short_reason
from paitui.live.status import Phase

Colour = Callable[[Phase], str]

BAR_MIN = 1  # every phase gets at least one cell so a 2-second phase is still visible


def _local(moment: datetime) -> str:
    return f"{moment.astimezone():%m-%d %H:%M:%S}"


def bar(spans: Sequence[PhaseSpan], width: int, colour: Colour) -> Text:
    """A one-line bar, each phase's share of the job's life in its colour."""
    text = Text()
    total = sum(max(s.duration.total_seconds(), 0.0) for s in spans)
    if not spans or width <= 0:
        return text
    if total <= 0:
        return Text("▆" * width, style=colour(spans[-1].phase))
    cells = [max(BAR_MIN, round(width * s.duration.total_seconds() / total)) for s in spans]
    # zero-length terminal spans (Succeeded …) keep their one cell; trim the widest to fit exactly
    while sum(cells) > width and max(cells) > BAR_MIN:
        cells[cells.index(max(cells))] -= 1
    for span, n in zip(spans, cells, strict=True):
        text.append("▆" * n, style=colour(span.phase))
    return text


def render_timeline(spans: Sequence[PhaseSpan], colour: Colour, width: int = 60,
                    highlight: str = "reverse") -> RenderableType:
    if not spans:
        return Text("no status history yet", style="dim")
    table = Table.grid(padding=(0, 1), expand=True)
    # fixed widths for the volatile columns so a ticking duration never shifts the layout
    table.add_column(width=1)  # marker
    table.add_column(width=max(12, *(len(s.status) for s in spans)), no_wrap=True)  # status
    table.add_column(width=14, no_wrap=True)  # start
    table.add_column(width=8, justify="right", no_wrap=True)  # duration
    table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)  # reason
    for span in spans:
        style = colour(span.phase)
        marker = Text("▶", style=f"bold {style}") if span.current else Text("·", style="dim")
        status = Text(span.status, style=f"bold {style}" if span.current else style)
        duration = Text(humanize(span.duration), style="bold" if span.current else "")
        reason = Text(short_reason(span.reason_code, span.reason_message, 200), style="dim")
        row_style = highlight if span.current else ""
        table.add_row(marker, status, Text(_local(span.start), style="dim"), duration, reason, style=row_style)
    return Group(bar(spans, max(width, 10), colour), table)


class PhaseTimeline(Static):
    """Shows ``phase_timeline(history, now, status)``; call ``set_history`` on a poll, ``tick`` every second."""

    DEFAULT_CSS = """
    PhaseTimeline { height: auto; }
    """

    def __init__(self, colour: Colour, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._colour = colour
        self._history: list[StatusTransitionItem] = []
        self._status: str | None = None
        self.spans: list[PhaseSpan] = []

    def set_history(self, history: Sequence[StatusTransitionItem] | None, status: str | None,
                    now: datetime) -> None:
        self._history = list(history or ())
        self._status = status
        self.tick(now)

    def tick(self, now: datetime) -> None:
        lines = len(self.spans)
        self.spans = phase_timeline(self._history, now, self._status)
        theme = self.app.current_theme
        highlight = f"on {theme.panel}" if theme is not None and theme.panel else "reverse"
        # a tick moves the current phase's time on the same lines: no layout pass unless a phase came or went
        self.update(render_timeline(self.spans, self._colour, self.content_size.width or 60, highlight),
                    layout=len(self.spans) != lines)

    @property
    def current(self) -> PhaseSpan | None:
        return self.spans[-1] if self.spans else None

    def total(self) -> timedelta:
        return sum((s.duration for s in self.spans), timedelta(0))
