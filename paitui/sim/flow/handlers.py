"""PAIFlow (2021-02-02) operations of the simulated cloud (docs/WIRE.md §6.2).

Error codes answered here (besides ``MissingParameter``/``InvalidParameter`` from the Call accessors):

* 404 ``NotFound.Pipeline``, ``NotFound.PipelineRun``, ``NotFound.Node``, ``NotFound.Workspace``.
* 400 ``InvalidParameter.Manifest`` — a manifest that is not valid YAML or not a core/v1 pipeline (bad
  apiVersion, missing metadata.identifier/version, unknown dependency, dependency cycle, bad loop), or an
  UpdatePipeline that changes the identifier.
* 400 ``InvalidParameter.PipelineInUse`` — DeletePipeline of a pipeline that is shared (subscribed) or
  referenced by another pipeline as a sub-pipeline (the seed doc's message); DeletePipeline or UpdatePipeline
  while runs of the pipeline are unfinished (a message naming one of those runs).
* 400 ``InvalidParameter.PipelineExists`` — CreatePipeline with a provider/identifier/version already in
  that workspace.
* 400 ``InvalidParameter.PipelineRunStatus`` — an illegal transition: StartPipelineRun of a run that is not
  Initialized; TerminatePipelineRun of a Terminating or finished run; RerunPipelineRun of an unfinished run;
  DeletePipelineRun of a Running, Terminating or Suspended run (terminate it first).
* 400 ``InvalidParameter`` — CreatePipelineRun with both or neither of PipelineId and PipelineManifest;
  ListPipelineRunsStatus with a malformed body.

Defaults: list PageSize 10 (max 100), node-log PageSize 100 (max 1000), Depth 2, Order DESC.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from paitui.sim.errors import invalid_param
from paitui.sim.flow import views
from paitui.sim.flow.artifacts import ARTIFACT_TYPES
from paitui.sim.flow.logs import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, LogQuery, node_lines, query
from paitui.sim.flow.plan import PNode
from paitui.sim.flow.records import Run
from paitui.sim.flow.state import FlowState
from paitui.sim.routing import Call, Routes

routes = Routes("flow")  # the operations this module serves (listed in app.ROUTE_TABLES)

RUN_STATUSES = ("Initialized", "Running", "Succeeded", "Failed", "Suspended", "Terminated", "Unknown", "Skipped",
                "Terminating")
SOURCE_TYPES = ("SDK", "PAI_STUDIO", "M6", "UNKNOWN", "DESIGNER")
RUNS = "/api/v1/pipelineruns"
RUN = RUNS + "/{PipelineRunId}"
NODE = RUN + "/nodes/{NodeId}"


def _flow(call: Call) -> FlowState:
    return call.world.flow


def _ok(call: Call, **body: Any) -> dict[str, Any]:
    return {"RequestId": call.request_id, **body}


def _page(call: Call, items: list[Any]) -> list[Any]:
    number = call.int("PageNumber", 1, minimum=1) or 1
    size = call.int("PageSize", 10, minimum=1, maximum=100) or 10
    return items[(number - 1) * size:number * size]


def _order_desc(call: Call) -> bool:
    order = (call.str("Order") or "DESC").upper()
    if order not in ("ASC", "DESC"):
        raise invalid_param("Order", f"{order!r} is not one of ASC, DESC")
    return order == "DESC"


def _sorted(items: list[Any], key: Callable[[Any], Any], desc: bool, tie: Callable[[Any], str]) -> list[Any]:
    """Sort by ``key`` (ties by ``tie``), items whose key is None last in either order."""
    present = [i for i in items if key(i) is not None]
    missing = [i for i in items if key(i) is None]
    present.sort(key=lambda i: (key(i), tie(i)), reverse=desc)
    return present + sorted(missing, key=tie)


# --- pipelines -----------------------------------------------------------------------------------------

@routes.route("ListPipelines", "GET", "/api/v1/pipelines")
def list_pipelines(call: Call) -> dict[str, Any]:
    flow = _flow(call)
    fuzzy = call.bool("FuzzyMatching", False)
    ident, provider = call.str("PipelineIdentifier"), call.str("PipelineProvider")
    version, workspace = call.str("PipelineVersion"), call.str("WorkspaceId")
    items = []
    for p in flow.pipelines.values():
        if ident and not (ident.lower() in p.identifier.lower() if fuzzy else ident == p.identifier):
            continue
        if (provider and provider != p.provider) or (version and version != p.version):
            continue
        if workspace and workspace != p.workspace_id:
            continue
        items.append(p)
    items.sort(key=lambda p: (p.created, p.pipeline_id), reverse=True)
    return _ok(call, Pipelines=[views.pipeline_item(p) for p in _page(call, items)], TotalCount=len(items))


@routes.route("CreatePipeline", "POST", "/api/v1/pipelines")
def create_pipeline(call: Call) -> dict[str, Any]:
    workspace = call.str("WorkspaceId", where="body", required=True) or ""
    manifest = call.str("Manifest", where="body", required=True) or ""
    pipeline = _flow(call).create_pipeline(workspace, manifest, call.caller.user_id)
    return _ok(call, PipelineId=pipeline.pipeline_id)


@routes.route("GetPipeline", "GET", "/api/v1/pipelines/{PipelineId}")
def get_pipeline(call: Call) -> dict[str, Any]:
    return _ok(call, **views.pipeline_detail(_flow(call).pipeline(call.path_params["PipelineId"])))


@routes.route("UpdatePipeline", "PUT", "/api/v1/pipelines/{PipelineId}")
def update_pipeline(call: Call) -> dict[str, Any]:
    manifest = call.str("Manifest", where="body", required=True) or ""
    _flow(call).update_pipeline(call.path_params["PipelineId"], manifest)
    return _ok(call)


@routes.route("DeletePipeline", "DELETE", "/api/v1/pipelines/{PipelineId}")
def delete_pipeline(call: Call) -> dict[str, Any]:
    _flow(call).delete_pipeline(call.path_params["PipelineId"])
    return _ok(call)


# --- runs ----------------------------------------------------------------------------------------------

_RUN_SORT: dict[str, Callable[[Run, datetime], Any]] = {
    "gmtcreatetime": lambda r, now: r.created,
    "gmtmodifiedtime": lambda r, now: r.modified_at(now),
    "startedat": lambda r, now: r.started if r.started and r.started <= now else None,
    "finishedat": lambda r, now: r.finished_at(now),
    "duration": lambda r, now: r.duration(now),
    "name": lambda r, now: r.name,
    "status": lambda r, now: r.status(now),
    "pipelineid": lambda r, now: r.pipeline_id,
    "userid": lambda r, now: r.user_id,
    "parentuserid": lambda r, now: views.PARENT_USER_ID,
    "workflowserviceid": lambda r, now: r.created,
}


@routes.route("ListPipelineRuns", "GET", RUNS)
def list_pipeline_runs(call: Call) -> dict[str, Any]:
    flow = _flow(call)
    now = flow.sync()
    name = (call.str("Name") or "").lower()
    statuses = set((call.str("Status") or "").split(",")) - {""}
    if statuses - set(RUN_STATUSES):
        raise invalid_param("Status", f"{sorted(statuses - set(RUN_STATUSES))} not in {', '.join(RUN_STATUSES)}")
    pipeline_ids = {p.strip() for p in (call.str("PipelineIds") or "").split(",") if p.strip()}
    exact = {"run_id": call.str("PipelineRunId"), "source_type": call.str("SourceType"),
             "source_id": call.str("SourceId"), "user_id": call.str("UserId"), "workspace_id": call.str("WorkspaceId")}
    sort_by = call.str("SortBy") or "GmtCreateTime"
    sort_key = _RUN_SORT.get(sort_by.lower())
    if sort_key is None:
        raise invalid_param("SortBy", f"{sort_by!r} is not one of GmtCreateTime, GmtModifiedTime, StartedAt, "
                                      "FinishedAt, Duration, Name, Status, PipelineId, UserId")
    desc = _order_desc(call)
    items = []
    for run in flow.runs.values():
        if run.accessibility == "PRIVATE" and run.user_id != call.caller.user_id:
            continue  # a private run is visible to its creator only
        if any(v is not None and getattr(run, k) != v for k, v in exact.items()):
            continue
        if (name and name not in run.name.lower()) or (pipeline_ids and run.pipeline_id not in pipeline_ids):
            continue
        if statuses and run.status(now) not in statuses:
            continue
        items.append(run)
    items = _sorted(items, lambda r: sort_key(r, now), desc, lambda r: r.run_id)
    return _ok(call, PipelineRuns=[views.run_item(r, now) for r in _page(call, items)], TotalCount=len(items))


@routes.route("CreatePipelineRun", "POST", RUNS)
def create_pipeline_run(call: Call) -> dict[str, Any]:
    call.body_dict()
    run = _flow(call).create_run(
        workspace_id=call.str("WorkspaceId", where="body", required=True) or "",
        caller_id=call.caller.user_id,
        pipeline_id=call.str("PipelineId", where="body"),
        manifest=call.str("PipelineManifest", where="body"),
        name=call.str("Name", where="body"),
        start=bool(call.bool("NoConfirmRequired", True, where="body")),
        arguments=call.str("Arguments", "", where="body") or "",
        options=call.str("Options", "", where="body") or "",
        source_type=call.str("SourceType", "UNKNOWN", where="body", choices=SOURCE_TYPES) or "UNKNOWN",
        source_id=call.str("SourceId", "", where="body") or "",
        accessibility=call.str("Accessibility", "PUBLIC", where="body", choices=("PUBLIC", "PRIVATE")) or "PUBLIC",
    )
    return _ok(call, PipelineRunId=run.run_id)


@routes.route("ListPipelineRunsStatus", "PUT", RUNS)
def list_pipeline_runs_status(call: Call) -> dict[str, Any]:
    flow = _flow(call)
    now = flow.sync()
    body = call.body_dict()
    run_ids, node_refs = body.get("PipelineRuns") or [], body.get("Nodes") or []
    if not isinstance(run_ids, list) or not isinstance(node_refs, list) or not all(
            isinstance(n, dict) for n in node_refs):
        raise invalid_param("PipelineRuns", "PipelineRuns must be a list of ids and Nodes a list of objects")
    output_type = call.str("OutputType", where="body", choices=ARTIFACT_TYPES)
    workspace = call.str("WorkspaceId", where="body")
    runs_out: list[dict[str, Any]] = []
    for run_id in map(str, run_ids):
        run = flow.runs.get(run_id) or flow.deleted_runs.get(run_id)
        if run is None or (workspace and run.workspace_id != workspace):
            continue
        runs_out.append({"PipelineRunId": run.run_id, "Name": run.name, "Status": run.status(now),
                         "NodeId": run.root_node_id(now), "UserId": run.user_id,
                         "ParentUserId": views.PARENT_USER_ID, "SourceId": run.source_id,
                         "IsDeleted": run_id in flow.deleted_runs})
    nodes_out: list[dict[str, Any]] = []
    outputs_out: list[dict[str, Any]] = []
    for ref in node_refs:
        run = flow.runs.get(str(ref.get("PipelineRunId", "")))
        view = run.view(now) if run else None
        node = next((n for n in view[0].walk() if n.node_id == ref.get("NodeId")), None) if view else None
        if run is None or view is None or node is None:
            continue
        started, finished = views.node_times(run, node, view[1])
        nodes_out.append(views.clean({
            "PipelineRunId": run.run_id, "NodeId": node.node_id, "NodeName": node.d.name,
            "Status": node.status_at(view[1]), "StartedAt": started, "FinishedAt": finished,
            "InputArtifactArchived": False, "OutputArtifactArchived": False}))
        for item in views.produced_outputs(run, node.walk(), view[1]):
            if output_type and item["Type"] != output_type:
                continue
            info = item.pop("Info")
            outputs_out.append({**item, "PipelineRunId": run.run_id, "Metadata": info["metadata"],
                                "Value": json.dumps(info["location"])})
    return _ok(call, PipelineRuns=runs_out, Nodes=nodes_out, Outputs=outputs_out)


@routes.route("GetPipelineRun", "GET", RUN)
def get_pipeline_run(call: Call) -> dict[str, Any]:
    call.bool("Verbose", False)
    call.str("ManifestType", choices=("Raw", "Frozen", "Rendered", "Expanded", "Runtime"))
    flow = _flow(call)
    run = flow.run(call.path_params["PipelineRunId"])
    return _ok(call, **views.run_detail(run, flow.world.now()))


@routes.route("UpdatePipelineRun", "PUT", RUN)
def update_pipeline_run(call: Call) -> dict[str, Any]:
    name = call.str("Name", where="body", required=True) or ""
    if len(name) > 128:
        raise invalid_param("Name", "at most 128 characters")
    _flow(call).rename_run(call.path_params["PipelineRunId"], name)
    return _ok(call)


@routes.route("DeletePipelineRun", "DELETE", RUN)
def delete_pipeline_run(call: Call) -> dict[str, Any]:
    _flow(call).delete_run(call.path_params["PipelineRunId"])
    return _ok(call)


@routes.route("StartPipelineRun", "PUT", RUN + "/start")
def start_pipeline_run(call: Call) -> dict[str, Any]:
    _flow(call).start_run(call.path_params["PipelineRunId"])
    return _ok(call)


@routes.route("TerminatePipelineRun", "PUT", RUN + "/termination")
def terminate_pipeline_run(call: Call) -> dict[str, Any]:
    _flow(call).terminate_run(call.path_params["PipelineRunId"])
    return _ok(call)


@routes.route("RerunPipelineRun", "PUT", RUN + "/rerun")
def rerun_pipeline_run(call: Call) -> dict[str, Any]:
    _flow(call).rerun_run(call.path_params["PipelineRunId"])
    return _ok(call)


# --- nodes ---------------------------------------------------------------------------------------------

def _node(call: Call, *, logical_type: bool = True) -> tuple[Run, PNode, float, datetime]:
    """The addressed node as seen now (``Type`` = Logical|Physical is accepted and ignored)."""
    if logical_type:
        call.str("Type", choices=("Logical", "Physical"))
    flow = _flow(call)
    run = flow.run(call.path_params["PipelineRunId"])
    now = flow.world.now()
    node, elapsed = flow.node(run, call.path_params["NodeId"], now)
    return run, node, elapsed, now


def _depth(call: Call) -> int:
    return call.int("Depth", 2, minimum=0, maximum=16) or 0


@routes.route("GetPipelineRunNode", "GET", NODE)
def get_pipeline_run_node(call: Call) -> dict[str, Any]:
    run, node, elapsed, now = _node(call)
    view = run.view(now)
    assert view is not None
    siblings = {n.d.name: n.node_id for n in view[0].walk() if n.parent_id == node.parent_id}
    return _ok(call, **views.node_detail(run, node, elapsed, _depth(call), siblings))


@routes.route("ListPipelineRunNodeStatus", "GET", NODE + "/status")
def list_pipeline_run_node_status(call: Call) -> dict[str, Any]:
    run, node, elapsed, _ = _node(call)
    return _ok(call, Status=[views.node_status(run, n, elapsed) for n in views.subtree(node, _depth(call))])


@routes.route("ListPipelineRunNodeLogs", "GET", NODE + "/logs")
def list_pipeline_run_node_logs(call: Call) -> dict[str, Any]:
    run, node, elapsed, now = _node(call)
    q = LogQuery(offset=call.int("Offset", 0, minimum=0) or 0,
                 page_size=call.int("PageSize", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE) or 1,
                 reverse=bool(call.bool("Reverse", False)), keyword=call.str("Keyword"),
                 from_s=call.int("FromTimeInSeconds"), to_s=call.int("ToTimeInSeconds"))
    logs, total = query(node_lines(run, node, elapsed, now), q)
    return _ok(call, Logs=logs, TotalCount=total)


_OUTPUT_SORT: dict[str, Callable[[dict[str, Any]], Any]] = {
    "gmtcreatetime": lambda o: o["GmtCreateTime"], "name": lambda o: o["Name"], "type": lambda o: o["Type"],
    "producer": lambda o: o["Producer"],
}


@routes.route("ListPipelineRunNodeOutputs", "GET", NODE + "/outputs")
def list_pipeline_run_node_outputs(call: Call) -> dict[str, Any]:
    run, node, elapsed, _ = _node(call, logical_type=False)
    name = (call.str("Name") or "").lower()
    # the artifact type: the seed documents call it OutputType, the SDK sends Type; either is honoured
    kind = call.str("OutputType", choices=ARTIFACT_TYPES) or call.str("Type", choices=ARTIFACT_TYPES)
    sort_by = call.str("SortBy") or "GmtCreateTime"
    key = _OUTPUT_SORT.get(sort_by.lower())
    if key is None:
        raise invalid_param("SortBy", f"{sort_by!r} is not one of GmtCreateTime, Name, Type, Producer")
    items = [o for o in views.produced_outputs(run, views.subtree(node, _depth(call)), elapsed)
             if (not name or name in o["Name"].lower()) and (not kind or o["Type"] == kind)]
    items = _sorted(items, key, _order_desc(call), lambda o: o["Id"])
    return _ok(call, Outputs=_page(call, items), TotalCount=len(items))
