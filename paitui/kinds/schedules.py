"""PaiPlugin schedules: SMS send plans (int status 0–5), not job schedules; account-wide.

Rule: a delete is always offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.kinds.action import PERMANENT, entry
from paitui.kinds.base import ListContext, ResourceKind, attr
from paitui.live.status import is_terminal_schedule, schedule_phase, schedule_words

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import ScheduleLister

    return ScheduleLister(ctx.client)


async def _get(client: PaiClient, ident: str) -> Any:
    """GetSchedule's ``Data``; PaiPlugin answers an unknown id with ``Data: null``, which is not found."""
    from paitui.api.errors import PaiError

    answer = await client.plugin.get_schedule(ident)
    if answer.data is None:
        raise PaiError(f"schedule {ident} not found", code="NotFound", request_id=answer.request_id)
    return answer.data


KIND = ResourceKind(
    key="schedule", label="Schedule", noun="SMS send plan", plural="SMS send plans",
    product_plural="PaiPlugin SMS send plans",
    id=attr("id"), name=attr("name"), status=attr("status"), created=attr("gmt_create_time"),
    phase=schedule_phase, terminal=is_terminal_schedule, notify=True,
    view="schedules", aliases=("schedule", "sched", "plugin"), help="PaiPlugin SMS send plans",
    title="PaiPlugin SMS send plans (not job schedules)",
    screen="paitui.ui.screens.schedules:SchedulesScreen", order=40,
    lister=_lister, get=_get, get_call=("plugin", "GetSchedule", "Id"),
    # status matches the words or the wire int: status:sent, status:"check failed", status:5
    filter_fields={
        "name": lambda s: f"{s.name or ''} {s.id or ''}",
        "status": lambda s: [schedule_words(s.status), "" if s.status is None else str(s.status)],
        "id": lambda s: s.id or "",
        "group": lambda s: s.group_id or "",
        "template": lambda s: [s.template_code or "", s.template_id or ""],
        "sign": lambda s: [s.sign_name or "", s.signature_id or ""],
    },
    free_text_in_fields=True,
    actions=(
        entry("schedule", "delete", "Delete", "d", "deleted", destructive=True, removes=True, headless=True,
              wire=("plugin", "DeleteSchedule", "Id"),
              consequence=f"The SMS send plan is deleted and will send nothing more. {PERMANENT}"),
    ),
)
