"""The schedule and template modals render what the models read: a history table, and an unreadable
``History`` or ``Content`` shown as sent with the reason, never a crash."""

from __future__ import annotations

import json

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.theme import BUILTIN_THEMES

from paitui.api.models.dlc import GetJobTemplateResponse
from paitui.api.models.plugin import Schedule
from paitui.ui.screens.schedules import history_table, schedule_pairs
from paitui.ui.screens.templates import versions_yaml

THEME = BUILTIN_THEMES["textual-dark"]


def plain(renderable: Table | Text | str) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_history_renders_as_a_table_of_words() -> None:
    history = json.dumps([{"Status": 4, "Time": "2024-05-01 10:05:30", "Message": "done"}])
    table = history_table(Schedule.model_validate({"History": history}).history_entries(), THEME)
    assert isinstance(table, Table)
    assert plain(table).split() == ["2024-05-01", "10:05:30", "sent", "done"]


def test_an_unreadable_history_is_shown_as_sent_and_says_why() -> None:
    pairs = dict(schedule_pairs(Schedule.model_validate({"Id": "s-1", "History": "[{oops", "EndTime": 0}), THEME))
    shown = pairs["History"]
    assert isinstance(shown, Text) and shown.plain.startswith("[{oops") and "History is not JSON" in shown.plain
    assert pairs["EndTime"] == 0  # no end: the number as sent, not 1970


def test_end_time_is_shown_in_utc8_with_the_wire_value() -> None:
    pairs = dict(schedule_pairs(Schedule.model_validate({"Id": "s-1", "EndTime": 1714528800000}), THEME))
    assert pairs["EndTime"] == "2024-05-01 10:00:00 UTC+8 (1714528800000)"


def test_versions_yaml_reads_content_and_marks_an_unreadable_one() -> None:
    template = GetJobTemplateResponse.model_validate({"DefaultVersion": 2, "Versions": [
        {"Version": 1, "Content": "{broken"},
        {"Version": 2, "Content": json.dumps({"JobType": "PyTorchJob"})},
    ]})
    text = versions_yaml(template)
    newest, oldest = yaml.safe_load(text)
    assert newest["Version"] == 2 and newest["Default"] and newest["Content"] == {"JobType": "PyTorchJob"}
    assert "ContentUnreadable" not in newest
    assert oldest["Content"] == "{broken" and "Content is not JSON" in oldest["ContentUnreadable"]
