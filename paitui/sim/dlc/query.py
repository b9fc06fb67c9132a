"""ListJobs: filters, sorting, pagination and the default 7-day creation window (docs/WIRE.md §6.1).

Performance: the creation-time window is a bisect on the state's sorted index; cheap attribute filters run
over that slice; status is computed only when a Status filter or sort needs it, otherwise only for the page.
With no WorkspaceId and no FromAllWorkspaces the caller's *default* workspace is listed (the flag would be
meaningless otherwise); the caller is treated as a workspace administrator (PRIVATE jobs are listed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.sim.dlc.catalog import JOB_TYPES, PAYMENT_TYPES, SORT_FIELDS, STATUSES
from paitui.sim.dlc.model import Job
from paitui.sim.dlc.wire import job_item
from paitui.sim.errors import SimError, invalid_param

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState
    from paitui.sim.routing import Call

WEEK = 7 * 86400.0
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
_NUMERIC = {"Priority": lambda j: j.priority, "RequestGPU": lambda j: j.gpu_total,
            "NodeCount": lambda j: j.pod_total}


def _fuzzy(needle: str | None) -> str | None:
    return needle.lower() if needle else None


def list_jobs(dlc: DlcState, call: Call, now: float) -> dict[str, Any]:
    world = dlc.world
    page = call.int("PageNumber", 1, minimum=1) or 1
    size = call.int("PageSize", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    sort_by = call.str("SortBy", "GmtCreateTime", choices=SORT_FIELDS) or "GmtCreateTime"
    order = (call.str("Order", "desc") or "desc").lower()
    if order not in ("asc", "desc"):
        raise invalid_param("Order", f"{order!r} is not one of desc, asc")
    show_own = call.bool("ShowOwn", False)
    all_ws = call.bool("FromAllWorkspaces", False)
    if all_ws and not show_own:
        raise SimError(400, "InvalidParameter", "FromAllWorkspaces=true requires ShowOwn=true.")
    start = call.time("StartTime")
    end = call.time("EndTime")
    lo = start.timestamp() if start else now - WEEK
    hi = end.timestamp() if end else now
    field = call.str("TimeRangeField", "GmtCreateTime", choices=("GmtCreateTime", "GmtFinishTime"))

    statuses: set[str] | None = None
    if raw := call.str("Status"):
        statuses = {s.strip() for s in raw.split(",") if s.strip()}
        bad = statuses - set(STATUSES)
        if bad:
            raise invalid_param("Status", f"{sorted(bad)[0]!r} is not a job status")
    job_type = call.str("JobType", choices=JOB_TYPES)
    payment = call.str("PaymentType", choices=PAYMENT_TYPES)
    accessibility = call.str("Accessibility", choices=("PUBLIC", "PRIVATE"))
    workspace = call.str("WorkspaceId")
    if workspace is None and not all_ws:
        default = next((w for w in world.workspace_refs if w.is_default), None)
        workspace = default.workspace_id if default else None
    job_ids: set[str] | None = None
    if one := call.str("JobId"):
        job_ids = {one.lower()}
    elif many := call.str("JobIds"):
        job_ids = {x.strip().lower() for x in many.split(",") if x.strip()}
    owner = call.caller.user_id if show_own else call.str("UserIdForFilter")
    username = _fuzzy(call.str("Username"))
    user_ids = None
    if username:
        user_ids = {u.user_id for u in world.users if username in u.name.lower() or
                    username in u.display_name.lower()}
    name = _fuzzy(call.str("DisplayName"))
    quota_name = _fuzzy(call.str("ResourceQuotaName"))
    resource_ids: set[str] | None = None
    if rid := call.str("ResourceId"):
        resource_ids = {rid}
    elif rids := call.str("ResourceIds"):
        resource_ids = {x.strip() for x in rids.split(",") if x.strip()}
    tags = call.json_value("Tags")
    if tags is not None and not isinstance(tags, dict):
        raise invalid_param("Tags", "must be a JSON object of tag key to value")
    command = _fuzzy(call.str("UserCommandSearch"))
    image = _fuzzy(call.str("ImageSearch"))
    reason = _fuzzy(call.str("ReasonSearch"))
    template = call.str("TemplateId")
    numeric = call.str("NumericRangeField", choices=tuple(_NUMERIC))
    num_min = call.int("NumericRangeMin")
    num_max = call.int("NumericRangeMax")

    if field == "GmtCreateTime":
        candidates = dlc.window(lo, hi, workspace)
    else:  # GmtFinishTime: a scan (rare)
        candidates = [j for j in dlc.all_jobs() if (f := j.finished_at(now)) is not None and lo <= f <= hi
                      and (workspace is None or j.workspace_id == workspace)]

    def keep(j: Job) -> bool:  # everything but the workspace (the index already applied it)
        if owner is not None and j.user_id != owner:
            return False
        if job_type is not None and j.job_type != job_type:
            return False
        if job_ids is not None and j.job_id.lower() not in job_ids:
            return False
        if name is not None and name not in j.display_name.lower():
            return False
        if payment is not None and j.payment != payment:
            return False
        if accessibility is not None and j.accessibility != accessibility:
            return False
        if user_ids is not None and j.user_id not in user_ids:
            return False
        if quota_name is not None and (j.quota_name is None or quota_name not in j.quota_name.lower()):
            return False
        if resource_ids is not None and j.quota_id not in resource_ids:
            return False
        if tags and any(j.tags.get(str(k)) != str(v) for k, v in tags.items()):
            return False
        if command is not None and command not in j.user_command.lower():
            return False
        if image is not None and not any(image in r.image.lower() for r in j.roles):
            return False
        if reason is not None:
            p = j.phase_at(now)
            if not p.reason_code or (reason not in p.reason_code.lower()
                                     and reason not in (p.reason_message or "").lower()):
                return False
        if template is not None and (j.custom or {}).get("TemplateId") != template:
            return False
        if numeric is not None:
            v = _NUMERIC[numeric](j)
            if (num_min is not None and v < num_min) or (num_max is not None and v > num_max):
                return False
        return statuses is None or j.status_at(now) in statuses

    selected = candidates
    others = (owner, job_type, job_ids, name, payment, accessibility, user_ids, quota_name, resource_ids, tags,
              command, image, reason, template, numeric, statuses)
    if any(x is not None and x != {} for x in others):
        selected = [j for j in selected if keep(j)]

    reverse = order == "desc"
    if sort_by == "GmtCreateTime" and field == "GmtCreateTime":
        ordered = selected[::-1] if reverse else selected  # the index is already in creation order
    else:
        keyf: Any = {
            "DisplayName": lambda j: j.display_name,
            "JobType": lambda j: j.job_type,
            "Status": lambda j: j.status_at(now),
            "GmtCreateTime": lambda j: j.created,
            "GmtFinishTime": lambda j: f if (f := j.finished_at(now)) is not None else float("-inf"),
        }[sort_by]
        ordered = sorted(selected, key=keyf, reverse=reverse)
    first = (page - 1) * size
    jobs = [job_item(j, world, now) for j in ordered[first:first + size]]
    return {"Jobs": jobs, "TotalCount": len(selected), "RequestId": call.request_id}
