"""PaiPlugin (2022-01-12) handlers: SMS-marketing schedules (send plans), not job schedules.

Every answer is wrapped: ``{RequestId, ErrorCode:int, ErrorMessage, Data}`` with ``ErrorCode 0`` and
``ErrorMessage "OK"`` on success; DeleteSchedule's ``Data`` is the string ``"OK"`` (as in the seed document).

Error policy (the choice this simulator makes, docs/WIRE.md §2.6 and §9.15):

* **An unknown schedule is HTTP 404 "Not Found"** (the seed document): GetSchedule/DeleteSchedule with an
  unknown ``Id`` (also a second delete of the same id). The body carries the gateway's ``Code: NotFound`` /
  ``Message`` (what the SDKs' ``ClientException`` reads) *and* the plugin's ``ErrorCode 404`` /
  ``ErrorMessage "Not Found: …"`` / ``Data null``, so a client reading either form learns the same thing.
* **Other business errors answer HTTP 200** with a non-zero ``ErrorCode`` and ``"Data": null``. The codes reuse
  the HTTP-like numbers of the seed document's error table:
  * ``ErrorCode 400`` — CreateSchedule without ``Name``, ``GroupId``, ``SignatureId``/``SignName`` or
    ``TemplateId``/``TemplateCode``; an unparsable ``ExecuteTime``; ``RepeatCycleUnit`` outside 0–4; a negative
    ``RepeatCycle``/``RepeatTimes``; a ListSchedules ``Status`` outside 0–5.
* **Only malformed requests get a real HTTP 4xx** (gateway error body): ``400 InvalidParameter`` for a body
  that is not a JSON object or a value of the wrong type (``PageSize=abc``, ``RepeatCycle="x"``), or a
  ``PageNumber``/``PageSize`` below 1 — the request never reached the plugin's business logic.

Times are UTC+8 strings ``yyyy-MM-dd HH:mm:ss``; ``EndTime`` is an int (epoch milliseconds, 0 = none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from paitui.sim.errors import SimError
from paitui.sim.plugin.schedules import Status
from paitui.sim.plugin.state import NewSchedule, PluginState
from paitui.sim.plugin.timefmt import parse_cst
from paitui.sim.routing import Call, Routes, parse_time

PRODUCT = "plugin"
routes = Routes(PRODUCT)  # the operations this module serves (listed in app.ROUTE_TABLES)
OK = 0
BAD_REQUEST = 400
NOT_FOUND = 404


class PluginError(Exception):
    """A business error: reported inside an HTTP 200 body, never as an HTTP error."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def wrapped(call: Call, data: Any) -> dict[str, Any]:
    return {"RequestId": call.request_id, "ErrorCode": OK, "ErrorMessage": "OK", "Data": data}


def plugin_error(call: Call, code: int, message: str) -> dict[str, Any]:
    return {"RequestId": call.request_id, "ErrorCode": code, "ErrorMessage": message, "Data": None}


def _state(call: Call) -> PluginState:
    return call.world.plugin


def _guarded(call: Call, compute: Callable[[], Any]) -> dict[str, Any]:
    try:
        return wrapped(call, compute())
    except PluginError as error:
        return plugin_error(call, error.code, error.message)


def _missing(name: str) -> PluginError:
    return PluginError(BAD_REQUEST, f"The parameter {name} is mandatory for this request.")


def _unknown(schedule_id: str) -> SimError:
    message = f"The schedule {schedule_id} does not exist."
    return SimError(404, "NotFound", message,
                    fields={"ErrorCode": NOT_FOUND, "ErrorMessage": f"Not Found: {message}", "Data": None})


@routes.route("ListSchedules", "GET", "/api/v2/schedules")
def list_schedules(call: Call) -> dict[str, Any]:
    number = call.int("PageNumber", 1, minimum=1)
    size = call.int("PageSize", 10, minimum=1, maximum=1000)
    status = call.int("Status")
    name = call.str("Name")
    assert number is not None and size is not None

    def compute() -> dict[str, Any]:
        if status is not None and status not in set(Status):
            raise PluginError(BAD_REQUEST, f"The parameter Status is invalid: {status} is not one of 0-5.")
        now = call.now
        matches = [s for s in _state(call).schedules()
                   if (status is None or s.status(now) == status)
                   and (not name or name.lower() in s.name.lower())]
        start = (number - 1) * size
        return {"Schedules": [s.wire(now) for s in matches[start:start + size]], "TotalCount": len(matches),
                "PageNumber": number, "PageSize": size}

    return _guarded(call, compute)


@routes.route("GetSchedule", "GET", "/api/v2/schedules/{Id}")
def get_schedule(call: Call) -> dict[str, Any]:
    schedule_id = call.path_params["Id"]

    def compute() -> dict[str, Any]:
        plan = _state(call).schedule(schedule_id)
        if plan is None:
            raise _unknown(schedule_id)
        return plan.wire(call.now, detail=True)

    return _guarded(call, compute)


@routes.route("DeleteSchedule", "DELETE", "/api/v2/schedules/{Id}")
def delete_schedule(call: Call) -> dict[str, Any]:
    schedule_id = call.path_params["Id"]

    def compute() -> str:
        if not _state(call).delete(schedule_id):
            raise _unknown(schedule_id)
        return "OK"

    return _guarded(call, compute)


def _end_time(value: int | None) -> datetime | None:
    if not value:
        return None
    return parse_time(value)  # epoch seconds or milliseconds


@routes.route("CreateSchedule", "POST", "/api/v2/schedules")
def create_schedule(call: Call) -> dict[str, Any]:
    call.body_dict()  # not a JSON object: HTTP 400 (malformed), not a business error
    fields = {n: call.str(n, where="body") for n in ("Name", "GroupId", "SignatureId", "SignName", "TemplateId",
                                                     "TemplateCode", "ExecuteTime", "PaymentType",
                                                     "AISendStartDate", "AISendEndDate")}
    ints = {n: call.int(n, where="body") for n in ("RepeatCycle", "RepeatCycleUnit", "RepeatTimes", "EndTime")}

    def compute() -> dict[str, Any]:
        for required in ("Name", "GroupId"):
            if not fields[required]:
                raise _missing(required)
        if not (fields["SignatureId"] or fields["SignName"]):
            raise _missing("SignatureId or SignName")
        if not (fields["TemplateId"] or fields["TemplateCode"]):
            raise _missing("TemplateId or TemplateCode")
        execute_at = None
        if fields["ExecuteTime"]:
            execute_at = parse_cst(fields["ExecuteTime"])
            if execute_at is None:
                raise PluginError(BAD_REQUEST, "The parameter ExecuteTime is invalid: use yyyy-MM-dd HH:mm:ss "
                                               "(UTC+8).")
        unit = ints["RepeatCycleUnit"] or 0
        if not 0 <= unit <= 4:
            raise PluginError(BAD_REQUEST, f"The parameter RepeatCycleUnit is invalid: {unit} is not one of 0-4.")
        for name in ("RepeatCycle", "RepeatTimes"):
            if (ints[name] or 0) < 0:
                raise PluginError(BAD_REQUEST, f"The parameter {name} is invalid: it must not be negative.")
        spec = NewSchedule(
            fields["Name"] or "", fields["GroupId"] or "", fields["SignatureId"], fields["SignName"],
            fields["TemplateId"], fields["TemplateCode"], execute_at, ints["RepeatCycle"] or 0, unit,
            ints["RepeatTimes"] or 0, _end_time(ints["EndTime"]), fields["PaymentType"] or "PostPaid",
            fields["AISendStartDate"] or "", fields["AISendEndDate"] or "",
        )
        return _state(call).create(spec).wire(call.now)

    return _guarded(call, compute)
