"""The one-line summary above a list: draws a ``live.list_summary.ListSummary``, decides none of its words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from paitui.live.list_summary import ListSummary
from paitui.ui.theming import phase_colour


class SummaryBar(Static):
    DEFAULT_CSS = """
    SummaryBar { height: 1; padding: 0 1; background: $surface; color: $text-muted; }
    """

    def show(self, summary: ListSummary) -> None:
        """What is shown and why first (counts, view, filter, window), then rows per status."""
        theme = self.app.current_theme
        text = Text(no_wrap=True, overflow="ellipsis")
        if summary.loading:
            text.append(summary.loading, style="bold")
        if summary.partial:
            # first, and in warning colours: the rows below are not the whole list
            text.append(summary.partial, style=f"bold {theme.warning or 'yellow'}")
            text.append(" │ ", style="dim")
        text.append(summary.shown_text, style="bold")
        if summary.marked:
            text.append(f" · {summary.marked} marked (x acts on them)", style="bold")
        if summary.paused:
            text.append(" ⏸ paused", style="bold")
        if summary.view:
            text.append(f" │ view {summary.view}", style="dim")
        if summary.filter is not None:
            text.append(" │ filter ", style="dim")
            text.append(summary.filter)
        if summary.extra:
            text.append(f" │ {summary.extra}", style="dim")
        if summary.load_time:
            text.append(f" │ {summary.load_time}", style="dim")
        statuses = summary.statuses
        if statuses:
            text.append(" │ ", style="dim")
            label = summary.counts_label
            if label:
                text.append(f"{label}: ", style="dim")
            for status, count, phase in statuses:
                text.append(f"{status or '—'} ", style=phase_colour(theme, phase))
                text.append(f"{count:,}  ")
        # one fixed-height line: re-laying the screen out on every update cost ~25 ms each (10 per long load)
        self.update(text, layout=False)
