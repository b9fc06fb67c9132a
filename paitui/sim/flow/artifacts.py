"""What a node produces (output artifacts and parameters) and where it ran (RuntimeInfo), by node kind.

Everything here is a pure function of the node (its id seeds the values), so logs, GetPipelineRunNode,
ListPipelineRunNodeOutputs and ListPipelineRunsStatus all agree on the same MaxCompute instance id, model
path or AUC. Artifacts exist once their node has succeeded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from paitui.sim.flow.graph import NodeDef
from paitui.sim.flow.plan import PNode, stable_rng

ARTIFACT_TYPES = ("Model", "DataSet", "Metrics", "ModelEvaluation")
_TABLE = {"DataSet": {"locationType": "MaxComputeTable"}}
_OSS_DATA = {"DataSet": {"locationType": "OSS"}}
_MODEL = {"Model": {"locationType": "OSS", "modelType": "OfflineModel"}}


@dataclass(frozen=True, slots=True)
class ArtifactSpec:
    name: str
    type: str  # Model | DataSet | Metrics | ModelEvaluation
    metadata: dict[str, Any]


def uses_maxcompute(d: NodeDef) -> bool:
    return any(p.get("name") == "execution" for p in d.parameters) or d.kind == "sql"


def output_specs(d: NodeDef) -> list[ArtifactSpec]:
    if d.node_type != "Task":
        return []
    data = _TABLE if uses_maxcompute(d) else _OSS_DATA
    if d.kind == "split":
        count = int(next((p.get("value") for p in d.parameters if p.get("name") == "splitCount"), 2) or 2)
        return [ArtifactSpec(f"output{i + 1}Table", "DataSet", data) for i in range(count)]
    if d.kind == "train" or d.identifier == "model_merge":
        return [ArtifactSpec("model", "Model", _MODEL), ArtifactSpec("trainingMetrics", "Metrics", {"Metrics": {}})]
    if d.kind == "evaluate":
        return [ArtifactSpec("outputMetricTable", "Metrics", {"Metrics": {}}),
                ArtifactSpec("evaluationReport", "ModelEvaluation", {"ModelEvaluation": {}})]
    if d.kind == "export":
        return [ArtifactSpec("model", "Model", _MODEL)]
    return [ArtifactSpec("outputTable", "DataSet", data)]


def artifact_id(node_id: str, name: str) -> str:
    return "artifact-" + hashlib.sha256(f"{node_id}/{name}".encode()).hexdigest()[:16]


def metrics(node: PNode) -> dict[str, float]:
    rng = stable_rng(node.node_id, "metrics")
    if node.d.kind == "train" or node.d.identifier == "model_merge":
        return {"loss": round(rng.uniform(0.18, 0.45), 4), "accuracy": round(rng.uniform(0.78, 0.93), 4)}
    return {"auc": round(rng.uniform(0.72, 0.91), 4), "f1": round(rng.uniform(0.6, 0.85), 4),
            "precision": round(rng.uniform(0.6, 0.9), 4), "recall": round(rng.uniform(0.55, 0.88), 4)}


def location(node: PNode, spec: ArtifactSpec, run_id: str) -> dict[str, Any]:
    short = node.node_id.removeprefix("node-")
    if spec.type == "DataSet" and "MaxComputeTable" in json.dumps(spec.metadata):
        return {"endpoint": "http://service.cn-hangzhou.maxcompute.aliyun.com/api", "project": "paitui_demo",
                "table": f"pai_temp_{run_id.removeprefix('flow-')[:8]}_{node.d.name}_{spec.name}"[:128]}
    return {"endpoint": "oss-cn-hangzhou.aliyuncs.com", "bucket": "paitui-pipelines",
            "key": f"runs/{run_id}/{node.d.name}-{short}/{spec.name}/"}


def outputs(node: PNode, run_id: str) -> list[dict[str, Any]]:
    """One node's produced artifacts (call only once the node succeeded)."""
    out = []
    for spec in output_specs(node.d):
        info: dict[str, Any] = {"metadata": {"type": spec.metadata}, "location": location(node, spec, run_id)}
        if spec.type in ("Metrics", "ModelEvaluation"):
            info["metrics"] = metrics(node)
        item: dict[str, Any] = {"Id": artifact_id(node.node_id, spec.name), "Name": spec.name, "Type": spec.type,
                                "NodeId": node.node_id, "Producer": node.d.name, "Info": info}
        if node.d.item is not None:  # a loop iteration: one element of the loop's expandable artifact
            item["ExpandableArtifactName"] = spec.name
            item["ExpandedArtifactIndex"] = int(node.d.path.rsplit("/", 1)[-1])
        out.append(item)
    return out


def maxcompute_instance(node_id: str) -> str:
    digest = hashlib.sha256(node_id.encode()).hexdigest()
    return f"20260302{int(digest[:8], 16) % 10**9:09d}g{digest[8:14]}"


def dlc_job_id(node_id: str) -> str:
    return "dlc" + hashlib.sha256(f"dlc:{node_id}".encode()).hexdigest()[:14]


def runtime_info(node: PNode) -> str:
    if node.d.node_type != "Task":
        return ""
    if uses_maxcompute(node.d):
        instance = maxcompute_instance(node.node_id)
        return json.dumps({"Engine": "MaxCompute", "InstanceId": instance, "Project": "paitui_demo",
                           "LogView": f"http://logview.odps.aliyun.com/logview/?h=http://service.cn-hangzhou."
                                      f"maxcompute.aliyun.com/api&p=paitui_demo&i={instance}"})
    return json.dumps({"Engine": "DLC", "JobId": dlc_job_id(node.node_id), "RegionId": "cn-hangzhou"})
