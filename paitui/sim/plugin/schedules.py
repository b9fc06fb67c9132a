"""A schedule (触达计划, "reach plan"): a scheduled SMS send to an audience group.

Its status is a pure function of the clock — no ticking: the plan is checked for ``check_seconds`` after
creation, then (if the check passed) waits for its execute time, sends for ``send_seconds`` and ends sent or
send-failed. Repeats (RepeatCycle/RepeatCycleUnit/RepeatTimes) are reported but do not reopen the status: the
status describes the first send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from paitui.sim.plugin.timefmt import cst, epoch_millis


class Status(IntEnum):
    CHECKING = 0
    CHECK_PASSED = 1
    CHECK_FAILED = 2
    SENDING = 3
    SENT = 4
    SEND_FAILED = 5


_MESSAGES = {
    Status.CHECKING: "submitted for content review",
    Status.CHECK_PASSED: "content review passed",
    Status.CHECK_FAILED: "content review failed: template content does not match the signature's scenario",
    Status.SENDING: "sending to the audience group",
    Status.SENT: "all messages submitted to the carriers",
    Status.SEND_FAILED: "sending failed: insufficient SMS package balance",
}


@dataclass(slots=True)
class Schedule:
    schedule_id: str
    name: str
    group_id: str
    signature_id: str
    sign_name: str
    template_id: str
    template_code: str
    created: datetime
    execute_at: datetime | None  # None: send as soon as the check passes ("send now", ExecuteTime "")
    check_seconds: int
    check_ok: bool
    send_seconds: int
    send_ok: bool
    repeat_cycle: int = 0
    repeat_cycle_unit: int = 0  # 0 never, 1 hour, 2 day, 3 week, 4 month
    repeat_times: int = 0
    end_time: datetime | None = None
    payment_type: str = "PostPaid"
    ai_send_start: str = ""
    ai_send_end: str = ""

    def timeline(self) -> list[tuple[Status, datetime]]:
        """Every status the plan goes through, with the moment it is entered (past and future)."""
        steps = [(Status.CHECKING, self.created)]
        checked = self.created + timedelta(seconds=self.check_seconds)
        if not self.check_ok:
            return [*steps, (Status.CHECK_FAILED, checked)]
        steps.append((Status.CHECK_PASSED, checked))
        start = max(checked, self.execute_at or checked)
        steps.append((Status.SENDING, start))
        done = start + timedelta(seconds=self.send_seconds)
        steps.append((Status.SENT if self.send_ok else Status.SEND_FAILED, done))
        return steps

    def history(self, now: datetime) -> list[tuple[Status, datetime]]:
        return [(s, t) for s, t in self.timeline() if t <= now] or [(Status.CHECKING, self.created)]

    def status(self, now: datetime) -> Status:
        return self.history(now)[-1][0]

    def wire(self, now: datetime, *, detail: bool = False) -> dict[str, Any]:
        history = self.history(now)
        data: dict[str, Any] = {
            "Id": self.schedule_id,
            "Name": self.name,
            "GroupId": self.group_id,
            "SignatureId": self.signature_id,
            "SignName": self.sign_name,
            "TemplateId": self.template_id,
            "TemplateCode": self.template_code,
            "ExecuteTime": cst(self.execute_at) if self.execute_at else "",
            "RepeatCycle": self.repeat_cycle,
            "RepeatCycleUnit": self.repeat_cycle_unit,
            "RepeatTimes": self.repeat_times,
            "EndTime": epoch_millis(self.end_time),
            "Status": int(history[-1][0]),
            "CreatedTime": cst(self.created),
            "UpdatedTime": cst(history[-1][1]),
        }
        if detail:  # PaymentType and History are in GetSchedule's model only
            data["PaymentType"] = self.payment_type
            data["History"] = json.dumps(
                [{"Status": int(s), "Time": cst(t), "Message": _MESSAGES[s]} for s, t in history],
                ensure_ascii=False, separators=(",", ":"))
        return data
