"""DLC training jobs (PAI-DLC ``ListJobs`` / ``GetJob``).

Rules: a job can be stopped until it is terminal (Succeeded, Failed, Stopped) and deleted only once it is;
its priority matters until it ends; a web terminal needs a pod that is up; only Ray jobs have dashboards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.kinds.action import PERMANENT, Target, entry
from paitui.kinds.base import DetailContext, ListContext, ResourceKind, attr
from paitui.live.status import is_terminal_job, job_phase, job_pods_up

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


def _status(t: Target) -> str:
    return t.status or "unknown"


def _stop(t: Target) -> str:
    if is_terminal_job(t.status):
        return f"the job is {_status(t)}: it has already finished"
    if _status(t).lower() == "stopping":
        return "the job is already stopping"
    return ""


def _delete(t: Target) -> str:
    if not is_terminal_job(t.status):
        return f"the job is {_status(t)}: only a finished job can be deleted; stop it first"
    return ""


def _priority(t: Target) -> str:
    if is_terminal_job(t.status):
        return f"the job is {_status(t)}: priority no longer matters once a job has finished"
    return ""


def _terminal(t: Target) -> str:
    if not job_pods_up(t.status):
        return f"the job is {_status(t)}: a web terminal needs a running pod"
    return ""


def _ray(t: Target) -> str:
    if t.job_type != "RayJob":
        return f"only Ray jobs have a dashboard (this one: {t.job_type or 'type unknown'})"
    return ""


def reason(job: Any) -> str:
    from paitui.live.lifecycle import short_reason  # here: the lifecycle math is not needed to declare a kind

    return short_reason(getattr(job, "reason_code", None), getattr(job, "reason_message", None), 80)


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import JobLister

    return JobLister(ctx.client, ctx.workspace_id, window=ctx.window, now=ctx.now)


async def _get(client: PaiClient, ident: str) -> Any:
    return await client.dlc.get_job(ident)


async def _detail(ctx: DetailContext) -> Any:
    from paitui.live.job_metrics import DEFAULT_WINDOW
    from paitui.live.job_snapshot import fetch_job_snapshot

    return await fetch_job_snapshot(ctx.client, ctx.ident, previous=ctx.previous, window=ctx.window or DEFAULT_WINDOW,
                                    selected_pod=ctx.selected, now=ctx.now, everything=ctx.everything)


KIND = ResourceKind(
    key="job", label="Job", noun="DLC job", plural="jobs", product_plural="DLC jobs",
    id=attr("job_id"), name=attr("display_name"), status=attr("status"), created=attr("gmt_create_time"),
    owner=lambda j: getattr(j, "username", None) or getattr(j, "user_id", None), workspace=attr("workspace_id"),
    type=attr("job_type"), phase=job_phase, terminal=is_terminal_job, reason=reason, notify=True,
    view="jobs", aliases=("dlc", "job"), help="DLC training jobs of the current workspace", title="DLC jobs",
    screen="paitui.ui.screens.jobs:JobsScreen", workspace_scoped=True, windowed=True, order=10,
    lister=_lister, get=_get, detail=_detail, get_call=("dlc", "GetJob", "JobId"),
    filter_fields={
        "name": lambda j: j.display_name or "",
        "status": lambda j: j.status or "",
        "type": lambda j: j.job_type or "",
        "owner": lambda j: [j.user_id or "", j.username or ""],
        "id": lambda j: j.job_id or "",
        "reason": lambda j: j.reason_code or "",
    },
    actions=(
        entry("job", "stop", "Stop", "s", "stop requested", transitional="Stopping", rule=_stop,
              wire=("dlc", "StopJob", "JobId"), headless=True,
              consequence="The job stops: its pods are killed and it ends as Stopped."),
        entry("job", "delete", "Delete", "d", "deleted", destructive=True, removes=True, rule=_delete,
              wire=("dlc", "DeleteJob", "JobId"), headless=True,
              consequence=f"The job and its record are deleted. {PERMANENT}"),
        entry("job", "priority", "Change priority", "p", "priority changed", form="priority", bulk=False,
              rule=_priority,  # UpdateJob (live.actions.perform)
              consequence="The job's priority (1 lowest … 9 highest) changes; queuing order follows it."),
        entry("job", "clone", "Clone and resubmit", "c", "submitted", form="clone", bulk=False,  # CreateJob
              consequence="A new job is created from this job's spec and submitted; it uses resources."),
        entry("job", "copy-terminal", "Copy web terminal URL", "t", "URL copied", mutating=False, bulk=False,
              rule=_terminal),  # GetJob, then GetWebTerminal on its first running pod
        entry("job", "copy-dashboard", "Copy dashboard URL", "b", "URL copied", mutating=False, bulk=False,
              rule=_ray),  # GetDashboard
        entry("job", "copy-ray", "Copy Ray dashboard URL", "y", "URL copied", mutating=False, bulk=False,
              rule=_ray),  # GetRayDashboard
    ),
)
