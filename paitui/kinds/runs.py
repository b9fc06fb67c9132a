"""PAIFlow pipeline runs (``ListPipelineRuns`` / ``GetPipelineRun``).

Rules: a run can be started only while Initialized, terminated while it is unfinished (not Unknown), rerun
once finished (Succeeded, Failed, Terminated, Skipped — and Unknown, which the service accepts), and deleted
unless it is active (Running, Terminating, Suspended …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.kinds.action import PERMANENT, Target, entry
from paitui.kinds.base import DetailContext, ListContext, ResourceKind, attr
from paitui.live.status import is_terminal_run, run_phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

ACTIVE = frozenset({"running", "terminating", "suspended", "starting", "workflowservicestarting",
                    "readytoschedule"})


def _status(t: Target) -> str:
    return t.status or "unknown"


def _start(t: Target) -> str:
    if _status(t).lower() != "initialized":
        return f"the run is {_status(t)}: only an Initialized run can be started"
    return ""


def _terminate(t: Target) -> str:
    if _status(t).lower() == "terminating":
        return "the run is already terminating"
    if is_terminal_run(t.status) or run_phase(t.status) == "unknown":
        return f"the run is {_status(t)}: only an unfinished run can be terminated"
    return ""


def _rerun(t: Target) -> str:
    if not (is_terminal_run(t.status) or _status(t).lower() == "unknown"):
        return f"the run is {_status(t)}: only a finished run can be rerun"
    return ""


def _delete(t: Target) -> str:
    if _status(t).lower() in ACTIVE:
        return f"the run is {_status(t)}: terminate it and wait until it is Terminated before deleting it"
    return ""


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import WindowedRunLister

    return WindowedRunLister(ctx.client, ctx.workspace_id, window=ctx.window, now=ctx.now)


async def _get(client: PaiClient, ident: str) -> Any:
    return await client.flow.get_pipeline_run(ident)


async def _detail(ctx: DetailContext) -> Any:
    from paitui.live.run_snapshot import fetch_run_snapshot

    return await fetch_run_snapshot(ctx.client, ctx.ident)


def _reason(run: Any) -> str:
    from paitui.live.lifecycle import short_reason  # here: the lifecycle math is not needed to declare a kind

    return short_reason(None, getattr(run, "message", None), 80)


KIND = ResourceKind(
    key="run", label="Run", noun="pipeline run", plural="runs", product_plural="PAIFlow pipeline runs",
    id=attr("pipeline_run_id"), name=attr("name"), status=attr("status"), created=attr("gmt_create_time"),
    owner=attr("user_id"), workspace=attr("workspace_id"), phase=run_phase, terminal=is_terminal_run,
    reason=_reason, notify=True,
    view="runs", aliases=("flow", "pipelineruns", "run"), help="PAIFlow pipeline runs", title="Pipeline runs",
    screen="paitui.ui.screens.runs:RunsScreen", workspace_scoped=True, windowed=True, order=20,
    lister=_lister, get=_get, detail=_detail, get_call=("flow", "GetPipelineRun", "PipelineRunId"),
    filter_fields={
        "name": lambda r: f"{r.name or ''} {r.pipeline_run_id or ''}",
        "status": lambda r: r.status or "",
        "source": lambda r: r.source_type or "",
        "owner": lambda r: r.user_id or "",
        "id": lambda r: r.pipeline_run_id or "",
        "pipeline": lambda r: r.pipeline_id or "",  # the runs screen adds the pipeline's identifier
        "message": lambda r: r.message or "",
    },
    free_text_in_fields=True,
    actions=(
        entry("run", "start", "Start", "s", "started", transitional="Starting", rule=_start, headless=True,
              wire=("flow", "StartPipelineRun", "PipelineRunId"),
              consequence="The run starts executing its nodes."),
        entry("run", "terminate", "Terminate", "t", "termination requested", transitional="Terminating",
              rule=_terminate, wire=("flow", "TerminatePipelineRun", "PipelineRunId"), headless=True,
              consequence="The run is terminated: running nodes are killed and it ends as Terminated."),
        entry("run", "rerun", "Rerun", "r", "rerun", transitional="Starting", rule=_rerun, headless=True,
              wire=("flow", "RerunPipelineRun", "PipelineRunId"),
              consequence="The run executes again from the start, with new nodes."),
        entry("run", "rename", "Rename", "n", "renamed", form="rename", bulk=False,  # UpdatePipelineRun
              consequence="The run's name changes."),
        entry("run", "delete", "Delete", "d", "deleted", destructive=True, removes=True, rule=_delete,
              wire=("flow", "DeletePipelineRun", "PipelineRunId"), headless=True,
              consequence=f"The run and its nodes' records are deleted. {PERMANENT}"),
    ),
)
