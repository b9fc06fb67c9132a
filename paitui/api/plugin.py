"""``client.plugin``: PaiPlugin schedules — SMS-marketing send plans, not job or pipeline schedules (docs/WIRE.md §6.4).

Every answer is wrapped in ``{RequestId, ErrorCode, ErrorMessage, Data}``; ``Data`` holds the useful part.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from paitui.api.facade import Facade
from paitui.api.models import plugin as m


class PluginApi(Facade):
    product = "plugin"

    async def list_schedules(
        self,
        *,
        name: str | None = None,
        status: int | None = None,
        page_number: int = 1,
        page_size: int = 10,
    ) -> m.ListSchedulesResponse:
        """One page of schedules in ``.data.schedules``; ``status`` is an int (``common.ScheduleStatus``)."""
        return await self._call(
            "ListSchedules", Name=name, Status=None if status is None else int(status), PageNumber=page_number,
            PageSize=page_size,
        )

    def iter_schedules(
        self, *, page_size: int = 50, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Schedule]:
        """Every schedule matching ``filters`` (``name``, ``status``); pages live inside ``Data``."""
        return self._pages(
            "ListSchedules", "data.schedules", page_size=page_size, limit=limit,
            **self._wire("ListSchedules", filters),
        )

    async def get_schedule(self, schedule_id: str) -> m.GetScheduleResponse:
        return await self._call("GetSchedule", Id=schedule_id)

    async def delete_schedule(self, schedule_id: str) -> m.DeleteScheduleResponse:
        return await self._call("DeleteSchedule", Id=schedule_id)

    async def create_schedule(
        self,
        *,
        name: str | None = None,
        group_id: str | None = None,
        signature_id: str | None = None,
        sign_name: str | None = None,
        template_id: str | None = None,
        template_code: str | None = None,
        execute_time: str | None = None,
        **extra: Any,
    ) -> m.CreateScheduleResponse:
        """``execute_time`` is a UTC+8 ``yyyy-MM-dd HH:mm:ss`` string (empty = send now); ``extra`` takes
        RepeatCycle, RepeatCycleUnit, RepeatTimes, EndTime, PaymentType, AISendStartDate, AISendEndDate."""
        return await self._call(
            "CreateSchedule", Name=name, GroupId=group_id, SignatureId=signature_id, SignName=sign_name,
            TemplateId=template_id, TemplateCode=template_code, ExecuteTime=execute_time,
            **self._wire("CreateSchedule", extra),
        )
