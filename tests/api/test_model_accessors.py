"""Typed accessors of wire values that carry structure inside a string or a number: a schedule's ``History``
JSON and epoch ``EndTime``, a template version's ``Content``. Bad values give an explicit ``Unreadable``,
never an exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from paitui.api.models.common import UTC8, Unreadable
from paitui.api.models.dlc import JobTemplateVersion
from paitui.api.models.plugin import HistoryEntry, Schedule

HISTORY = [{"Status": 0, "Time": "2024-05-01 10:00:00", "Message": "checking"},
           {"Status": 4, "Time": "2024-05-01 10:05:30", "Message": "sent"}]


def schedule(**fields: object) -> Schedule:
    return Schedule.model_validate({"Id": "s-1", **fields})


def test_history_is_read_into_typed_entries_in_utc8() -> None:
    entries = schedule(History=json.dumps(HISTORY)).history_entries()
    assert not isinstance(entries, Unreadable)
    assert [e.status for e in entries] == [0, 4] and [e.message for e in entries] == ["checking", "sent"]
    assert entries[1].time == datetime(2024, 5, 1, 2, 5, 30, tzinfo=UTC)  # 10:05:30 UTC+8
    assert entries[1].time_text == "2024-05-01 10:05:30"


def test_no_history_is_empty_not_unreadable() -> None:
    assert schedule().history_entries() == () and schedule(History="").history_entries() == ()
    assert schedule(History="[]").history_entries() == ()


@pytest.mark.parametrize(("history", "why"), [
    ("[{\"Status\": 0,", "not JSON"),
    ("not json at all", "not JSON"),
    ('{"Status": 0}', "not a list"),
    ("[1, 2]", "not an object"),
    ('"a string"', "not a list"),
])
def test_a_malformed_history_is_unreadable_with_the_raw_text(history: str, why: str) -> None:
    got = schedule(History=history).history_entries()
    assert isinstance(got, Unreadable) and got.raw == history and why in got.why


def test_odd_entries_keep_what_was_sent() -> None:
    odd = [{"Status": "sending", "Time": "yesterday"}, {"Status": True, "Time": 1714528800000, "Message": 7}]
    entries = schedule(History=json.dumps(odd)).history_entries()
    assert not isinstance(entries, Unreadable)
    first, second = entries
    assert first == HistoryEntry(None, "sending", None, "yesterday", "")
    assert first.time_text == "yesterday"  # not a time: shown as sent
    assert second.status is None and second.message == "7"  # a boolean is not a status code
    assert second.time == datetime(2024, 5, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("end", "moment"), [
    (1714528800000, datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),  # epoch milliseconds, as the wire sends it
    (1714528800, datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),  # epoch seconds, tolerated
    (0, None),  # no end
    (-5, None),
    (None, None),
])
def test_end_time_is_an_epoch_moment(end: int | None, moment: datetime | None) -> None:
    got = schedule(EndTime=end).end_moment
    assert got == moment
    if got is not None:
        assert got.astimezone(UTC8).hour == 10


def version(content: object) -> JobTemplateVersion:
    return JobTemplateVersion.model_validate({"Version": 1, "Content": content})


def test_template_content_as_data() -> None:
    spec = {"JobType": "PyTorchJob", "JobSpecs": [{"Type": "Worker", "PodCount": 2}]}
    assert version(json.dumps(spec)).content_value() == spec  # a JSON string
    assert version(spec).content_value() == spec  # already an object
    assert version(None).content_value() is None


def test_template_content_that_is_not_json_is_unreadable() -> None:
    got = version('{"JobType": "PyTorchJob",').content_value()
    assert isinstance(got, Unreadable) and got.raw == '{"JobType": "PyTorchJob",' and "Content is not JSON" in got.why
