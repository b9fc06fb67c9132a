"""PaiPlugin 2022-01-12 response models (docs/WIRE.md §6.4, §7.4).

Every PaiPlugin body is wrapped: ``{RequestId, ErrorCode, ErrorMessage, Data}``. A non-zero ``ErrorCode`` in
an HTTP 200 body is a failure; the client maps it to ``PluginError`` (this module only parses).
"""

from __future__ import annotations

from paitui.api.models.common import Int, Str, Utc8Time, WireModel, schedule_status_text, wire


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
