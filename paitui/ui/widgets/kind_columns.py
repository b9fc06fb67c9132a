"""Table columns from what a kind declares: a ``kinds.ColumnSpec`` (plain data) as a ``ResourceTable`` column.

Also the cells list screens share: a status coloured by its phase, a duration, and a ``5m ago`` age column
that sorts by the moment itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual.theme import Theme

from paitui.kinds import ColumnSpec
from paitui.live.lifecycle import ago, humanize
from paitui.ui.theming import phase_colour
from paitui.ui.widgets.table_columns import Column


def status_text(theme: Theme | None, status: str | None, phase: str) -> Text:
    return Text(status or "—", style=phase_colour(theme, phase))


def duration_text(td: timedelta | None) -> Text:
    """A list's duration cell: without seconds from a minute on (see ``humanize``)."""
    return Text(humanize(td, coarse=True) if td is not None else "—")


def age_column(key: str, title: str, moment: Callable[[Any], datetime | None], now: Callable[[], datetime], *,
               width: int = 11) -> Column:
    """A right-aligned ``5m ago`` column (— when unknown) that sorts by the moment itself."""
    return Column(key, title, lambda row: ago(moment(row), now()) or "—", width=width, align="right",
                  sort_key=lambda row: _timestamp(moment(row)), ticks=True)


def declared_column(spec: ColumnSpec, *, phase: Callable[[Any], str], theme: Callable[[], Theme | None],
                    now: Callable[[], datetime]) -> Column:
    """A declared column as the table's: status cells coloured by ``phase`` (of a status), ages as ``5m ago``."""
    if spec.style == "age":
        return replace(age_column(spec.key, spec.title, spec.value, now, width=spec.width or 11), drop=spec.drop)
    render: Callable[[Any], Text | str]
    if spec.style == "status":
        def render(row: Any) -> Text | str:
            status = spec.value(row)
            return status_text(theme(), None if status is None else str(status), phase(status))
    else:
        def render(row: Any) -> Text | str:
            value = spec.value(row)
            return "" if value is None else str(value)
    return Column(spec.key, spec.title, render, width=spec.width, min_width=spec.min_width or 1,
                  max_width=spec.max_width or 48, flex=spec.flex, align=spec.align, sort_key=spec.sort_key,
                  drop=spec.drop)


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0
