"""The official PAIFlow SDK (alibabacloud_paiflow20210202) against the simulated cloud: every operation once,
sync and async, with AK, STS and bearer credentials; typed models populated; lifecycle state changes."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from alibabacloud_paiflow20210202 import models as pf
from alibabacloud_paiflow20210202.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException

pytestmark = pytest.mark.interop

WORKSPACE = "264904"
MANIFEST = """apiVersion: core/v1
metadata: {provider: "1557702098194904", version: %s, identifier: %s, name: sdk-interop}
spec:
  pipelines:
  - apiVersion: core/v1
    metadata: {provider: pai, version: v1, identifier: data_source, name: data_source}
  - apiVersion: core/v1
    metadata: {provider: pai, version: v1, identifier: sql, name: sql}
    spec: {dependencies: [data_source]}
"""

Invoke = Callable[..., Awaitable[Any]]


def invoker(client: Client, use_async: bool) -> Invoke:
    """``await invoke("get_pipeline", pid)`` calls the sync method or its ``_async`` twin; returns the body."""

    async def invoke(name: str, *args: Any) -> Any:
        if use_async:
            return (await getattr(client, f"{name}_async")(*args)).body
        return getattr(client, name)(*args).body

    return invoke


async def scenario(invoke: Invoke, advance: Callable[[float], object], tag: str) -> dict[str, Any]:
    """Every PAIFlow operation once, in lifecycle order; returns the response bodies by step."""
    out: dict[str, Any] = {}
    out["pipelines"] = await invoke("list_pipelines", pf.ListPipelinesRequest(page_size=20, workspace_id="264903"))
    seeded = next(p for p in out["pipelines"].pipelines if p.identifier == "source_transform_sql")
    out["pipeline"] = await invoke("get_pipeline", seeded.pipeline_id)
    created = await invoke("create_pipeline", pf.CreatePipelineRequest(
        manifest=MANIFEST % ("v1", f"sdk_{tag}"), workspace_id=WORKSPACE))
    pid = out["created_pipeline_id"] = created.pipeline_id
    out["update_pipeline"] = await invoke("update_pipeline", pid,
                                          pf.UpdatePipelineRequest(manifest=MANIFEST % ("v2", f"sdk_{tag}")))
    out["updated_pipeline"] = await invoke("get_pipeline", pid)

    run = await invoke("create_pipeline_run", pf.CreatePipelineRunRequest(
        pipeline_id=pid, workspace_id=WORKSPACE, name=f"sdk-{tag}", no_confirm_required=False, source_type="SDK",
        options=json.dumps({"simulation": {"failNode": None}}), accessibility="PUBLIC"))
    run_id = out["run_id"] = run.pipeline_run_id
    out["initialized"] = await invoke("get_pipeline_run", run_id, pf.GetPipelineRunRequest(verbose=True))
    await invoke("start_pipeline_run", run_id)
    out["started"] = await invoke("get_pipeline_run", run_id, pf.GetPipelineRunRequest())
    root = out["started"].node_id
    out["node"] = await invoke("get_pipeline_run_node", run_id, root, pf.GetPipelineRunNodeRequest(depth=2))
    out["node_status"] = await invoke("list_pipeline_run_node_status", run_id, root,
                                      pf.ListPipelineRunNodeStatusRequest(depth=2))
    advance(8)
    first = out["node_status"].status[1].node_id
    out["logs"] = await invoke("list_pipeline_run_node_logs", run_id, first, pf.ListPipelineRunNodeLogsRequest(
        offset=0, page_size=100, reverse=False))
    await invoke("update_pipeline_run", run_id, pf.UpdatePipelineRunRequest(name=f"sdk-{tag}-renamed"))
    await invoke("terminate_pipeline_run", run_id)
    out["terminating"] = await invoke("get_pipeline_run", run_id, pf.GetPipelineRunRequest())
    advance(5)
    out["terminated"] = await invoke("get_pipeline_run", run_id, pf.GetPipelineRunRequest())
    await invoke("rerun_pipeline_run", run_id)
    out["listed"] = await invoke("list_pipeline_runs", pf.ListPipelineRunsRequest(
        pipeline_run_id=run_id, workspace_id=WORKSPACE, sort_by="GmtCreateTime", order="DESC"))
    out["batch"] = await invoke("list_pipeline_runs_status", pf.ListPipelineRunsStatusRequest(
        pipeline_runs=[run_id], workspace_id=WORKSPACE,
        nodes=[pf.ListPipelineRunsStatusRequestNodes(pipeline_run_id=run_id, node_id=first)]))

    done = await invoke("list_pipeline_runs", pf.ListPipelineRunsRequest(status="Succeeded", page_size=1))
    finished = done.pipeline_runs[0]
    out["outputs"] = await invoke("list_pipeline_run_node_outputs", finished.pipeline_run_id, finished.node_id,
                                  pf.ListPipelineRunNodeOutputsRequest(depth=3, page_size=50, order="ASC"))

    await invoke("terminate_pipeline_run", run_id)
    advance(5)
    await invoke("delete_pipeline_run", run_id)
    await invoke("delete_pipeline", pid)
    return out


def check(out: dict[str, Any]) -> None:
    pipelines = out["pipelines"]
    assert pipelines.total_count == 5 and pipelines.request_id and pipelines.pipelines[0].gmt_create_time
    assert out["pipeline"].manifest.startswith("apiVersion: core/v1") and out["pipeline"].workspace_id == "264903"
    assert out["updated_pipeline"].version == "v2" and out["created_pipeline_id"].startswith("pipeline-")

    initialized = out["initialized"]
    assert initialized.status == "Initialized" and initialized.node_id == "" and initialized.manifest
    started = out["started"]
    assert started.status == "Running" and started.node_id.startswith("node-") and started.started_at

    node = out["node"]
    assert node.metadata.node_type == "Dag" and node.metadata.node_id == started.node_id
    assert [p["Metadata"]["Name"] for p in node.spec.pipelines] == ["data_source", "sql"]
    assert node.spec.has_pipelines is True and node.status_info.status == "Running"
    assert node.status_info.progress == "0/2"
    status = out["node_status"].status
    assert [s.node_name for s in status] == ["sdk-interop", "data_source", "sql"]
    assert status[1].status in ("ReadyToSchedule", "Running")

    logs = out["logs"]
    assert logs.total_count == len(logs.logs) > 0 and logs.logs[0][:4] == "2026"

    assert out["terminating"].status == "Terminating"
    assert out["terminated"].status == "Terminated" and out["terminated"].finished_at
    listed = out["listed"]
    assert listed.total_count == 1 and listed.pipeline_runs[0].status == "Running"
    assert listed.pipeline_runs[0].name.endswith("-renamed") and listed.pipeline_runs[0].source_type == "SDK"
    batch = out["batch"]
    assert batch.pipeline_runs[0].status == "Running" and batch.pipeline_runs[0].is_deleted is False
    assert batch.nodes == []  # the node belonged to the attempt before the rerun

    outputs = out["outputs"]
    assert outputs.total_count == len(outputs.outputs) > 0
    assert outputs.outputs[0].id.startswith("artifact-") and outputs.outputs[0].type in (
        "Model", "DataSet", "Metrics", "ModelEvaluation")
    assert outputs.outputs[0].info["location"]


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_every_operation_sync(sim_server: Any, sdk_config: Callable[..., Any], kind: str) -> None:
    out = await scenario(invoker(Client(sdk_config(kind)), False), sim_server.world.clock.advance, f"sync_{kind}")
    check(out)


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_every_operation_async(sim_server: Any, sdk_config: Callable[..., Any], kind: str) -> None:
    out = await scenario(invoker(Client(sdk_config(kind)), True), sim_server.world.clock.advance, f"async_{kind}")
    check(out)


def test_typed_errors(sdk_config: Callable[..., Any]) -> None:
    client = Client(sdk_config())
    with pytest.raises(ClientException) as missing:
        client.get_pipeline_run("flow-doesnotexist", pf.GetPipelineRunRequest())
    assert missing.value.code == "NotFound.PipelineRun"
    shared = next(p for p in client.list_pipelines(pf.ListPipelinesRequest(
        pipeline_identifier="text_dedup")).body.pipelines)
    with pytest.raises(ClientException) as in_use:
        client.delete_pipeline(shared.pipeline_id)
    assert in_use.value.code == "InvalidParameter.PipelineInUse"
    assert "subscribed by users as a shared pipeline" in in_use.value.message


def test_node_logs_page_by_offset(sdk_config: Callable[..., Any]) -> None:
    client = Client(sdk_config())
    run = client.list_pipeline_runs(pf.ListPipelineRunsRequest(status="Succeeded", page_size=1)).body.pipeline_runs[0]
    nodes = client.list_pipeline_run_node_status(run.pipeline_run_id, run.node_id,
                                                 pf.ListPipelineRunNodeStatusRequest(depth=3)).body.status
    task = next(n for n in nodes if n.runtime_info and n.status == "Succeed")
    full = client.list_pipeline_run_node_logs(run.pipeline_run_id, task.node_id,
                                              pf.ListPipelineRunNodeLogsRequest(page_size=1000)).body
    page = client.list_pipeline_run_node_logs(run.pipeline_run_id, task.node_id, pf.ListPipelineRunNodeLogsRequest(
        offset=2, page_size=3, reverse=True, keyword="")).body
    assert page.total_count == full.total_count and page.logs == full.logs[::-1][2:5]
