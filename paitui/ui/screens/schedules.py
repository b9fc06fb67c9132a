"""PaiPlugin schedules: planned SMS sends to an audience group — **not** job or pipeline schedules.

PaiPlugin is PAI's SMS-marketing plugin (docs/WIRE.md §6.4, §9.10); none of the PAI products has a job
scheduler API. Schedules belong to the account, not to a workspace. ``Status`` is an int shown in words
(checking, check passed, check failed, sending, sent, send failed) and coloured by phase; ``ExecuteTime`` is
shown in UTC+8, the zone it is sent in, and an empty one means "send now". Enter shows GetSchedule with its
``History`` in a modal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from paitui.api.models.common import UTC8, Unreadable
from paitui.api.models.plugin import HistoryEntry, Schedule
from paitui.live.status import SCHEDULE_STATUS_WORDS, schedule_phase, schedule_words
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.theming import phase_colour
from paitui.ui.widgets.kv_modal import KeyValueModal, Pair, model_pairs
from paitui.ui.widgets.resource_table import Column

_STATUS_OF_WORDS = {words: status for status, words in SCHEDULE_STATUS_WORDS.items()}
UNITS = {1: "hour", 2: "day", 3: "week", 4: "month"}  # RepeatCycleUnit; 0 = never


def execute_text(moment: datetime | None) -> str:
    """``ExecuteTime`` as the UTC+8 wall time it was sent as; empty means the plan sends at once."""
    return moment.astimezone(UTC8).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "now"


def repeat_text(schedule: Schedule) -> str:
    """``once``, ``every 2 days ×5`` (stops after 5), ``every week`` (no end)."""
    unit = UNITS.get(schedule.repeat_cycle_unit or 0)
    if unit is None or not schedule.repeat_cycle:
        return "once"
    cycle = schedule.repeat_cycle
    text = f"every {unit}" if cycle == 1 else f"every {cycle} {unit}s"
    return f"{text} ×{schedule.repeat_times}" if schedule.repeat_times else text


def short_id(value: str | None, keep: int = 8) -> str:
    """A UUID cut to its first block (``7cd526aa…``): enough to tell groups apart; the detail has it whole."""
    if not value:
        return ""
    return value if len(value) <= keep + 1 else value[:keep] + "…"


class SchedulesScreen(ListActions, ResourceListScreen):
    RESOURCE = "schedule"
    BINDINGS = [Binding("x", "actions", "Actions", id="actions")]

    def crumbs(self) -> list[str]:
        return [self.pai.region, "schedules", "PaiPlugin SMS send plans (not job schedules)"]

    def status_cell(self, schedule: Schedule) -> Text:
        return self.status_text(schedule_words(schedule.status), schedule_phase(schedule.status))

    def columns(self) -> list[Column]:
        return [
            Column("name", "NAME", lambda s: s.name or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda s: s.id or "", width=36, drop=1),
            Column("status", "STATUS", self.status_cell, width=12,
                   sort_key=lambda s: s.status if s.status is not None else -1),
            Column("execute", "EXECUTE (UTC+8)", lambda s: execute_text(s.execute_time), width=19,
                   sort_key=lambda s: s.execute_time.timestamp() if s.execute_time else 0),
            Column("repeat", "REPEAT", repeat_text, min_width=8, max_width=20, drop=4),
            Column("group", "GROUP", lambda s: short_id(s.group_id), width=9, drop=2),
            Column("template", "TEMPLATE", lambda s: s.template_code or short_id(s.template_id), min_width=10,
                   max_width=16, drop=3),
        ]

    def row_status(self, row: Any) -> str:
        return schedule_words(row.status)  # the summary counts the words, not the wire ints

    def row_phase_of_status(self, status: str) -> str:
        return schedule_phase(_STATUS_OF_WORDS.get(status))

    def row_style(self, row: Any) -> Style | None:
        return Style(dim=True) if row.status == 4 else None  # sent: done, nothing more to watch

    def open_row(self, row: Any) -> None:
        schedule_id = row.id or ""
        client = self.pai.client
        theme = self.app.current_theme

        async def detail() -> Sequence[Pair]:
            data = (await client.plugin.get_schedule(schedule_id)).data
            return schedule_pairs(data or row, theme)

        self.app.push_screen(KeyValueModal(f"SMS send plan {self.row_name(row)}", loader=detail, now=self.now()))


def schedule_pairs(schedule: Schedule, theme: Any) -> list[Pair]:
    """GetSchedule as rows: the words for Status, UTC+8 times, the repeat rule and History as a table."""
    pairs: list[Pair] = []
    for key, value in model_pairs(schedule):
        if key == "Status":
            value = Text(f"{schedule_words(schedule.status)} ({schedule.status})",
                         style=phase_colour(theme, schedule_phase(schedule.status)))
        elif key == "ExecuteTime":
            value = f"{execute_text(schedule.execute_time)} UTC+8"
        elif key == "History":
            value = history_table(schedule.history_entries(), theme)
        elif isinstance(value, datetime):
            value = f"{value.astimezone(UTC8):%Y-%m-%d %H:%M:%S} UTC+8"
        elif key == "EndTime" and (end := schedule.end_moment) is not None:
            value = f"{end.astimezone(UTC8):%Y-%m-%d %H:%M:%S} UTC+8 ({value})"
        pairs.append((key, value))
        if key == "RepeatTimes":
            pairs.append(("Repeat", repeat_text(schedule)))  # the three Repeat* fields in words
    if schedule.execute_time is None:
        pairs.append(("ExecuteTime", "now (empty: sent at once)"))
    if not any(key == "Repeat" for key, _ in pairs):
        pairs.append(("Repeat", repeat_text(schedule)))
    return pairs


def history_table(history: tuple[HistoryEntry, ...] | Unreadable, theme: Any) -> Table | Text | str:
    """``History`` (read by the model) as a table: time, status in words, message; an unreadable one as sent."""
    if isinstance(history, Unreadable):
        text = Text(history.raw)
        text.append(f"  ({history.why})", style="dim")
        return text
    if not history:
        return Text("none", style="dim")
    table = Table.grid(padding=(0, 2))
    for entry in history:
        table.add_row(Text(entry.time_text),
                      Text(schedule_words(entry.status) or entry.status_sent,
                           style=phase_colour(theme, schedule_phase(entry.status))),
                      Text(entry.message))
    return table
