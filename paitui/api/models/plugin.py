"""PaiPlugin 2022-01-12 response models (docs/WIRE.md §6.4, §7.4).

Every PaiPlugin body is wrapped: ``{RequestId, ErrorCode, ErrorMessage, Data}``. A non-zero ``ErrorCode`` in
an HTTP 200 body is a failure; the client maps it to ``PluginError`` (this module only parses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from paitui.api.models.common import (
    UTC8,
    Int,
    Str,
    Unreadable,
    Utc8Time,
    WireModel,
    parse_time,
    read_json,
    schedule_status_text,
    wire,
)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One step of a send plan's ``History``: ``{Status, Time, Message}``."""

    status: int | None  # the status code; None when the entry's Status is not an int
    status_sent: str  # Status as sent (what to show when it is not a code)
    time: datetime | None  # aware; Time is a zone-less UTC+8 string like every PaiPlugin time
    time_sent: str
    message: str

    @property
    def time_text(self) -> str:
        """The time as the UTC+8 wall time it was sent as, or what was sent when it is not a time."""
        return self.time.astimezone(UTC8).strftime("%Y-%m-%d %H:%M:%S") if self.time is not None else self.time_sent


def _text(value: object) -> str:
    return "" if value is None else str(value)


def history_entries(history: str | None) -> tuple[HistoryEntry, ...] | Unreadable:
    """``History`` (a JSON string: a list of ``{Status, Time, Message}``) as typed entries, oldest first as
    sent; no history is ``()``; anything else is ``Unreadable`` (never an exception)."""
    if not history:
        return ()
    parsed = read_json(history, what="History")
    if isinstance(parsed, Unreadable):
        return parsed
    if not isinstance(parsed, list):
        return Unreadable(history, f"History is JSON but not a list ({type(parsed).__name__})")
    if not all(isinstance(entry, dict) for entry in parsed):
        return Unreadable(history, "History has an entry that is not an object")
    entries = []
    for entry in parsed:
        status = entry.get("Status")
        code = status if isinstance(status, int) and not isinstance(status, bool) else None
        time = entry.get("Time")
        entries.append(HistoryEntry(code, _text(status), parse_time(time, naive=UTC8), _text(time),
                                    _text(entry.get("Message"))))
    return tuple(entries)


class PluginResponse(WireModel):
    """The PaiPlugin envelope; subclasses type ``Data``."""

    request_id: Str = wire("RequestId")
    error_code: Int = wire("ErrorCode")
    error_message: Str = wire("ErrorMessage")


class Schedule(WireModel):
    """A PaiPlugin schedule: a planned SMS send to an audience group (not a job or pipeline schedule).

    ``CreatedTime``/``UpdatedTime``/``ExecuteTime`` are zone-less UTC+8 strings on the wire and are returned
    as aware UTC datetimes. ``Status`` is an int (see ``common.ScheduleStatus``); ``History`` is GetSchedule
    only.
    """

    created_time: Utc8Time = wire("CreatedTime")
    end_time: Int = wire("EndTime")
    execute_time: Utc8Time = wire("ExecuteTime")
    group_id: Str = wire("GroupId")
    id: Str = wire("Id")
    name: Str = wire("Name")
    repeat_cycle: Int = wire("RepeatCycle")
    repeat_cycle_unit: Int = wire("RepeatCycleUnit")
    repeat_times: Int = wire("RepeatTimes")
    sign_name: Str = wire("SignName")
    signature_id: Str = wire("SignatureId")
    status: Int = wire("Status")
    template_code: Str = wire("TemplateCode")
    template_id: Str = wire("TemplateId")
    updated_time: Utc8Time = wire("UpdatedTime")
    history: Str = wire("History")
    payment_type: Str = wire("PaymentType")

    @property
    def status_text(self) -> str:
        return schedule_status_text(self.status)

    def history_entries(self) -> tuple[HistoryEntry, ...] | Unreadable:
        """``History`` read (see ``history_entries``)."""
        return history_entries(self.history)

    @property
    def end_moment(self) -> datetime | None:
        """``EndTime`` as a moment: epoch milliseconds on the wire (seconds tolerated); 0 = no end."""
        if self.end_time is None or self.end_time <= 0:
            return None
        return parse_time(self.end_time)


class SchedulePage(WireModel):
    """ListSchedules ``Data``: one page of schedules."""

    page_number: Int = wire("PageNumber")
    page_size: Int = wire("PageSize")
    schedules: list[Schedule] | None = wire("Schedules")
    total_count: Int = wire("TotalCount")



# --- response bodies ----------------------------------------------------------------------------------------


class ListSchedulesResponse(PluginResponse):
    data: SchedulePage | None = wire("Data")


class GetScheduleResponse(PluginResponse):
    data: Schedule | None = wire("Data")


class CreateScheduleResponse(PluginResponse):
    data: Schedule | None = wire("Data")


class DeleteScheduleResponse(PluginResponse):
    data: Str = wire("Data")
