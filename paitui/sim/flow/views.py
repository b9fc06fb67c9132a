"""Wire JSON for PAIFlow resources (docs/WIRE.md §7.2), built from the store at a given moment.

Times are ISO-8601 UTC without milliseconds (``routing.iso``) everywhere except log line prefixes. Keys
whose value is unknown (a run not started has no StartedAt) are left out: the SDK maps them to None.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from paitui.sim.flow import artifacts
from paitui.sim.flow.plan import READY, RUNNING, SUCCEED, PNode
from paitui.sim.flow.records import Pipeline, Run
from paitui.sim.routing import iso

PARENT_USER_ID = "1557702098194900"  # the Alibaba Cloud account that owns every simulated user


def clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def pipeline_item(p: Pipeline) -> dict[str, Any]:
    return {"PipelineId": p.pipeline_id, "Uuid": p.uuid, "Identifier": p.identifier, "Provider": p.provider,
            "Version": p.version, "WorkspaceId": p.workspace_id, "GmtCreateTime": iso(p.created),
            "GmtModifiedTime": iso(p.modified)}


def pipeline_detail(p: Pipeline) -> dict[str, Any]:
    return {**pipeline_item(p), "Manifest": p.manifest}


def run_item(run: Run, now: datetime) -> dict[str, Any]:
    status = run.status(now)
    started = run.started if run.started is not None and run.started <= now else None
    return clean({
        "PipelineRunId": run.run_id, "Name": run.name, "Status": status, "WorkspaceId": run.workspace_id,
        "PipelineId": run.pipeline_id, "NodeId": run.root_node_id(now), "UserId": run.user_id,
        "ParentUserId": PARENT_USER_ID, "SourceType": run.source_type, "SourceId": run.source_id,
        "Accessibility": run.accessibility, "Message": run.message(now), "Duration": run.duration(now),
        "StartedAt": iso(started), "FinishedAt": iso(run.finished_at(now)),
        "GmtCreateTime": iso(run.created), "GmtModifiedTime": iso(run.modified_at(now)),
        "PipelineRunUri": f"https://pai.console.aliyun.com/?regionId=cn-hangzhou&workspaceId={run.workspace_id}"
                          f"#/studio/task/detail/{run.run_id}",
    })


def run_detail(run: Run, now: datetime) -> dict[str, Any]:
    return {**run_item(run, now), "Manifest": run.manifest, "Arguments": run.arguments, "Options": run.options}


def node_times(run: Run, node: PNode, elapsed: float) -> tuple[str | None, str | None]:
    status = node.status_at(elapsed)
    started = iso(run.at(node.start)) if node.start is not None and status != READY else None
    finished = iso(run.at(node.end)) if status not in (READY, RUNNING) else None
    return started, finished


def node_status(run: Run, node: PNode, elapsed: float) -> dict[str, Any]:
    started, finished = node_times(run, node, elapsed)
    return clean({"NodeId": node.node_id, "NodeName": node.d.name, "Status": node.status_at(elapsed),
                  "StartedAt": started, "FinishedAt": finished, "RuntimeInfo": runtime_info(node, elapsed)})


def runtime_info(node: PNode, elapsed: float) -> str:
    return artifacts.runtime_info(node) if node.start is not None and elapsed >= node.start else ""


def subtree(node: PNode, depth: int) -> list[PNode]:
    """The node and its descendants down to ``depth`` levels below it."""
    out = [node]
    if depth > 0:
        for child in node.children:
            out.extend(subtree(child, depth - 1))
    return out


def _conditions(run: Run, node: PNode, elapsed: float) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if elapsed >= node.ready:
        out.append({"Type": "Ready", "Status": "True", "LastTransitionTime": iso(run.at(node.ready)),
                    "Message": "all dependencies are satisfied"})
    if node.start is not None and elapsed >= node.start:
        out.append({"Type": "Running", "Status": "True", "LastTransitionTime": iso(run.at(node.start))})
    status = node.status_at(elapsed)
    if status not in (READY, RUNNING):
        out.append({"Type": "Completed", "Status": "True" if status == SUCCEED else "False",
                    "Reason": status, "LastTransitionTime": iso(run.at(node.end)), "Message": node.message})
    return out


def _value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def node_detail(run: Run, node: PNode, elapsed: float, depth: int, deps: dict[str, str]) -> dict[str, Any]:
    """GetPipelineRunNode's body (without RequestId); ``deps`` maps sibling names to node ids."""
    d = node.d
    status = node.status_at(elapsed)
    started, finished = node_times(run, node, elapsed)
    produced = status == SUCCEED
    out_artifacts = [clean({"Name": s.name, "Type": s.type, "Metadata": s.metadata,
                            "Value": json.dumps(artifacts.location(node, s, run.run_id)) if produced else None})
                     for s in artifacts.output_specs(d)]
    out_params = ([{"Name": k, "Value": str(v)} for k, v in artifacts.metrics(node).items()]
                  if produced and d.kind == "evaluate" else [])
    child_ids = {c.d.name: c.node_id for c in node.children}
    spec: dict[str, Any] = {
        "Dependencies": list(d.deps), "HasPipelines": bool(node.children),
        "Pipelines": [node_detail(run, c, elapsed, depth - 1, child_ids) for c in node.children] if depth > 0 else [],
        "Inputs": {"Artifacts": [clean({"Name": a.get("name"), "From": a.get("from"), "Value": a.get("value")})
                                 for a in d.artifacts],
                   "Parameters": [clean({"Name": p.get("name"), "Value": _value(p["value"]) if "value" in p else None,
                                         "From": p.get("from")}) for p in d.parameters]},
        "Outputs": {"Artifacts": out_artifacts, "Parameters": out_params},
        "When": d.when or None, "Parallelism": d.parallelism or None,
        "WithItems": d.with_items, "WithParam": None,
        "WithSequence": {"Start": int(d.with_sequence.get("start", 0)), "End": int(d.with_sequence.get("end", 0)),
                         "Format": str(d.with_sequence.get("format", ""))} if d.with_sequence else None,
    }
    return {
        "ApiVersion": "core/v1",
        "Metadata": {"NodeId": node.node_id, "Name": d.name, "DisplayName": d.display_name,
                     "NodeType": d.node_type, "Identifier": d.identifier, "Provider": d.provider,
                     "Version": d.version, "RelatedNodeIds": [deps[n] for n in d.deps if n in deps]},
        "Spec": clean(spec),
        "StatusInfo": clean({"Status": status, "StartedAt": started, "FinishedAt": finished,
                             "Progress": node.progress_at(elapsed), "Conditions": _conditions(run, node, elapsed)}),
    }


def produced_outputs(run: Run, nodes: list[PNode], elapsed: float) -> list[dict[str, Any]]:
    out = []
    for node in nodes:
        if node.d.node_type == "Task" and node.status_at(elapsed) == SUCCEED:
            for item in artifacts.outputs(node, run.run_id):
                out.append({**item, "GmtCreateTime": iso(run.at(node.end))})
    return out
