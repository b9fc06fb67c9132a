"""PAIFlow reads through the real ASGI app: nodes, logs, outputs, batch status, lists and pipelines."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
import yaml

from paitui.sim.flow.state import IN_USE_MESSAGE
from paitui.sim.world import DEMO_USER
from tests.sim.conftest import SimApi

RUNS = "/api/v1/pipelineruns"


class Api(SimApi):
    async def get(self, path: str, **params: Any) -> dict[str, Any]:
        return await self.call("GET", path, params=params)

    async def start(self, identifier: str, fail: str | None = None) -> tuple[str, str]:
        """Create and start a run of a seeded pipeline; → (run id, root node id)."""
        pid = (await self.get("/api/v1/pipelines", PipelineIdentifier=identifier))["Pipelines"][0]["PipelineId"]
        body = {"WorkspaceId": "264904", "PipelineId": pid,
                "Options": json.dumps({"simulation": {"failNode": fail}})}
        run_id = (await self.call("POST", RUNS, body=body))["PipelineRunId"]
        return run_id, (await self.get(f"{RUNS}/{run_id}"))["NodeId"]

    async def node_ids(self, run_id: str, root: str) -> dict[str, str]:
        status = (await self.get(f"{RUNS}/{run_id}/nodes/{root}/status", Depth=9))["Status"]
        return {s["NodeName"]: s["NodeId"] for s in status}

    async def logs(self, run_id: str, node_id: str, **params: Any) -> dict[str, Any]:
        return await self.get(f"{RUNS}/{run_id}/nodes/{node_id}/logs", **params)


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with Api.open("http://paiflow.cn-hangzhou.aliyuncs.com") as api:
        yield api


# --- nodes ---------------------------------------------------------------------------------------------

async def test_node_tree_depth_and_detail(api: Api) -> None:
    run_id, root = await api.start("churn_nested")
    top = (await api.get(f"{RUNS}/{run_id}/nodes/{root}/status", Depth=0))["Status"]
    assert [s["NodeId"] for s in top] == [root]
    two = {s["NodeName"] for s in (await api.get(f"{RUNS}/{run_id}/nodes/{root}/status"))["Status"]}
    assert {"features", "fill_missing", "join_features"} <= two  # default Depth 2 reaches the nested tasks
    detail = await api.get(f"{RUNS}/{run_id}/nodes/{root}", Depth=1)
    assert detail["ApiVersion"] == "core/v1" and detail["Metadata"]["NodeType"] == "Dag"
    children = {c["Metadata"]["Name"]: c for c in detail["Spec"]["Pipelines"]}
    assert list(children) == ["data_source", "features", "lr_train", "binary_evaluate"]
    features = children["features"]
    assert features["Metadata"]["NodeType"] == "Dag" and features["Spec"]["Pipelines"] == []  # Depth exhausted
    assert features["Spec"]["Dependencies"] == ["data_source"]
    assert features["Metadata"]["RelatedNodeIds"] == [children["data_source"]["Metadata"]["NodeId"]]
    assert detail["StatusInfo"]["Status"] == "Running" and detail["StatusInfo"]["Progress"] == "0/7"
    api.world.clock.advance(900)
    detail = await api.get(f"{RUNS}/{run_id}/nodes/{root}")
    assert detail["StatusInfo"]["Status"] == "Succeed" and detail["StatusInfo"]["Progress"] == "7/7"
    assert detail["StatusInfo"]["Conditions"][-1]["Reason"] == "Succeed"
    err = await api.call("GET", f"{RUNS}/{run_id}/nodes/node-bogus", status=404)
    assert err["Code"] == "NotFound.Node"


async def test_loop_nodes_expose_their_iterations(api: Api) -> None:
    run_id, root = await api.start("seed_sweep")
    ids = await api.node_ids(run_id, root)
    loop = await api.get(f"{RUNS}/{run_id}/nodes/{ids['train_seed']}")
    assert loop["Metadata"]["NodeType"] == "Loop"
    assert loop["Spec"]["WithSequence"] == {"Start": 1, "End": 5, "Format": "seed-%02d"}
    assert loop["Spec"]["Parallelism"] == 3 and len(loop["Spec"]["Pipelines"]) == 5
    api.world.clock.advance(900)
    outputs = (await api.get(f"{RUNS}/{run_id}/nodes/{ids['train_seed']}/outputs", Type="Model",
                             Order="ASC", SortBy="Producer"))["Outputs"]
    assert [o["ExpandedArtifactIndex"] for o in outputs] == [0, 1, 2, 3, 4]
    assert {o["ExpandableArtifactName"] for o in outputs} == {"model"}


async def test_logs_grow_while_running_page_by_offset_and_settle(api: Api) -> None:
    run_id, root = await api.start("ctr_fanout_train")
    ids = await api.node_ids(run_id, root)
    shard = ids["train_shard_0"]
    assert (await api.logs(run_id, shard))["TotalCount"] == 0  # not started yet
    totals = []
    for _ in range(12):
        api.world.clock.advance(10)
        totals.append((await api.logs(run_id, shard))["TotalCount"])
    assert totals == sorted(totals) and totals[0] < totals[-1]
    api.world.clock.advance(900)
    full = await api.logs(run_id, shard, PageSize=1000)
    total = full["TotalCount"]
    api.world.clock.advance(900)
    assert (await api.logs(run_id, shard, PageSize=1000)) | {"RequestId": ""} == full | {"RequestId": ""}
    pages, offset = [], 0
    while offset < total:
        page = await api.logs(run_id, shard, Offset=offset, PageSize=7)
        assert page["TotalCount"] == total and 0 < len(page["Logs"]) <= 7
        pages += page["Logs"]
        offset += len(page["Logs"])
    assert pages == full["Logs"]
    assert (await api.logs(run_id, shard, Offset=total))["Logs"] == []
    assert (await api.logs(run_id, shard))["Logs"] == full["Logs"][:100]  # default PageSize 100
    stamps = [datetime.fromisoformat(line.split(" ", 1)[0].replace("Z", "+00:00")) for line in full["Logs"]]
    assert stamps == sorted(stamps) and all(line[23] == "Z" for line in full["Logs"])  # millisecond stamps
    newest = await api.logs(run_id, shard, Reverse=True, PageSize=3)
    assert newest["Logs"] == full["Logs"][::-1][:3] and "finished successfully" in newest["Logs"][0]
    epochs = await api.logs(run_id, shard, Keyword="EPOCH", PageSize=1000)
    assert 0 < epochs["TotalCount"] < total and all("epoch" in line.lower() for line in epochs["Logs"])
    second = int(stamps[len(stamps) // 2].timestamp())
    window = await api.logs(run_id, shard, FromTimeInSeconds=second, ToTimeInSeconds=second, PageSize=1000)
    assert window["Logs"] and window["TotalCount"] == sum(int(s.timestamp()) == second for s in stamps)
    err = await api.call("GET", f"{RUNS}/{run_id}/nodes/{shard}/logs", params={"PageSize": 5000}, status=400)
    assert err["Code"] == "InvalidParameter"
    dag = await api.logs(run_id, root, PageSize=1000)
    assert any("task train_shard_3" in line and line.endswith("Succeed") for line in dag["Logs"])


async def test_failed_node_log_ends_with_a_traceback(api: Api) -> None:
    run_id, root = await api.start("source_transform_sql", fail="sql")
    api.world.clock.advance(900)
    ids = await api.node_ids(run_id, root)
    logs = (await api.logs(run_id, ids["sql"], PageSize=1000))["Logs"]
    assert "Traceback (most recent call last):" in "\n".join(logs) and "TaskFailedError" in logs[-1]
    assert (await api.logs(run_id, ids["sql"], Keyword="ODPS-", PageSize=1000))["TotalCount"] >= 1
    assert (await api.logs(run_id, ids["sql"], Keyword="MaxCompute instance id"))["TotalCount"] == 1


async def test_terminated_node_log_stops_with_sigterm(api: Api) -> None:
    run_id, root = await api.start("image_cls_finetune")
    ids = await api.node_ids(run_id, root)
    while (await api.get(f"{RUNS}/{run_id}/nodes/{ids['finetune']}/status", Depth=0))["Status"][0]["Status"] \
            != "Running":
        api.world.clock.advance(5)
    api.world.clock.advance(5)
    await api.call("PUT", f"{RUNS}/{run_id}/termination")
    api.world.clock.advance(30)
    logs = (await api.logs(run_id, ids["finetune"], PageSize=1000))["Logs"]
    assert "Received SIGTERM" in logs[-2] and "terminated" in logs[-1]
    status = (await api.get(f"{RUNS}/{run_id}/nodes/{ids['finetune']}/status", Depth=0))["Status"][0]
    assert status["Status"] == "Failed" and status["FinishedAt"]


async def test_outputs_filter_sort_and_page(api: Api) -> None:
    run_id, root = await api.start("ctr_fanout_train")
    assert (await api.get(f"{RUNS}/{run_id}/nodes/{root}/outputs"))["TotalCount"] == 0
    api.world.clock.advance(900)
    path = f"{RUNS}/{run_id}/nodes/{root}/outputs"
    everything = await api.get(path, PageSize=100)
    types = {o["Type"] for o in everything["Outputs"]}
    assert types == {"Model", "DataSet", "Metrics", "ModelEvaluation"}
    assert everything["TotalCount"] == len(everything["Outputs"])
    created = [o["GmtCreateTime"] for o in everything["Outputs"]]
    assert created == sorted(created, reverse=True)  # GmtCreateTime DESC by default
    models = await api.get(path, Type="Model", PageSize=100)
    assert models["TotalCount"] == 5 and {o["Name"] for o in models["Outputs"]} == {"model"}
    by_seed_name = await api.get(path, OutputType="Model", PageSize=100)  # the seed's spelling of the filter
    assert by_seed_name["Outputs"] == models["Outputs"]
    assert (await api.call("GET", path, params={"OutputType": "Nope"}, status=400))["Code"] == "InvalidParameter"
    page1 = await api.get(path, PageSize=4, PageNumber=1, SortBy="Name", Order="ASC")
    page2 = await api.get(path, PageSize=4, PageNumber=2, SortBy="Name", Order="ASC")
    names = [o["Name"] for o in page1["Outputs"] + page2["Outputs"]]
    assert names == sorted(names) and len(names) == 8
    report = (await api.get(path, Name="evaluationreport"))["Outputs"][0]
    assert report["Type"] == "ModelEvaluation" and 0.5 < report["Info"]["metrics"]["auc"] < 1
    assert (await api.get(path, Depth=0))["TotalCount"] == 0  # the Dag itself produces nothing
    err = await api.call("GET", path, params={"Type": "Nope"}, status=400)
    assert err["Code"] == "InvalidParameter"


async def test_batch_status(api: Api) -> None:
    run_id, root = await api.start("source_transform_sql")
    ids = await api.node_ids(run_id, root)
    api.world.clock.advance(900)
    body = {"PipelineRuns": [run_id, "flow-unknown"], "OutputType": "DataSet",
            "Nodes": [{"PipelineRunId": run_id, "NodeId": ids["sql"]}, {"PipelineRunId": run_id, "NodeId": "x"}]}
    resp = await api.call("PUT", RUNS, body=body)
    assert [r["PipelineRunId"] for r in resp["PipelineRuns"]] == [run_id]
    assert resp["PipelineRuns"][0]["Status"] == "Succeeded" and resp["PipelineRuns"][0]["IsDeleted"] is False
    assert [(n["NodeName"], n["Status"]) for n in resp["Nodes"]] == [("sql", "Succeed")]
    assert [o["Type"] for o in resp["Outputs"]] == ["DataSet"]
    assert json.loads(resp["Outputs"][0]["Value"])["table"]
    await api.call("DELETE", f"{RUNS}/{run_id}")
    resp = await api.call("PUT", RUNS, body={"PipelineRuns": [run_id]})
    assert resp["PipelineRuns"][0]["IsDeleted"] is True
    err = await api.call("PUT", RUNS, body={"PipelineRuns": "oops"}, status=400)
    assert err["Code"] == "InvalidParameter"


# --- lists ---------------------------------------------------------------------------------------------

async def test_list_runs_pagination_and_sorting(api: Api) -> None:
    first = await api.get(RUNS)
    assert len(first["PipelineRuns"]) == 10 and first["TotalCount"] > 60  # PageSize defaults to 10
    total, seen = first["TotalCount"], []
    for number in range(1, total // 25 + 2):
        seen += [r["PipelineRunId"] for r in (await api.get(RUNS, PageSize=25, PageNumber=number))["PipelineRuns"]]
    assert len(seen) == len(set(seen)) == total
    created = [r["GmtCreateTime"] for r in (await api.get(RUNS, PageSize=100))["PipelineRuns"]]
    assert created == sorted(created, reverse=True)
    created = [r["GmtCreateTime"] for r in (await api.get(RUNS, PageSize=100, Order="ASC"))["PipelineRuns"]]
    assert created == sorted(created)
    durations = [r["Duration"] for r in (await api.get(RUNS, PageSize=100, SortBy="Duration"))["PipelineRuns"]]
    assert durations == sorted(durations, reverse=True)
    finished = (await api.get(RUNS, PageSize=100, SortBy="FinishedAt", Order="ASC"))["PipelineRuns"]
    stamps = [r.get("FinishedAt") for r in finished]
    present = [s for s in stamps if s]
    assert present == sorted(present) and stamps[:len(present)] == present  # unfinished ones last
    for params in ({"Order": "sideways"}, {"SortBy": "Color"}, {"PageSize": 1000}, {"Status": "Done"}):
        assert (await api.call("GET", RUNS, params=params, status=400))["Code"] == "InvalidParameter"


async def test_list_runs_filters(api: Api) -> None:
    everything = (await api.get(RUNS, PageSize=100))["PipelineRuns"]
    for status in ("Running", "Failed", "Initialized"):
        body = await api.get(RUNS, Status=status, PageSize=100)
        assert body["TotalCount"] == sum(r["Status"] == status for r in everything) > 0
        assert {r["Status"] for r in body["PipelineRuns"]} == {status}
    body = await api.get(RUNS, WorkspaceId="264902", SourceType="PAI_STUDIO", PageSize=100)
    assert body["TotalCount"] and all(r["WorkspaceId"] == "264902" and r["SourceType"] == "PAI_STUDIO"
                                      for r in body["PipelineRuns"])
    sample = everything[5]
    assert [r["PipelineRunId"] for r in (await api.get(RUNS, PipelineRunId=sample["PipelineRunId"]))[
        "PipelineRuns"]] == [sample["PipelineRunId"]]
    named = await api.get(RUNS, Name=sample["Name"][2:9].upper(), PageSize=100)
    assert sample["PipelineRunId"] in {r["PipelineRunId"] for r in named["PipelineRuns"]}
    pid = next(r["PipelineId"] for r in everything if r["PipelineId"])
    by_pipeline = await api.get(RUNS, PipelineIds=pid, PageSize=100)
    assert by_pipeline["TotalCount"] and {r["PipelineId"] for r in by_pipeline["PipelineRuns"]} == {pid}
    mine = await api.get(RUNS, UserId=DEMO_USER.user_id, PageSize=100)
    assert {r["UserId"] for r in mine["PipelineRuns"]} == {DEMO_USER.user_id}
    # a PRIVATE run is listed for its creator only (the caller here is the demo user)
    others_private = [r for r in api.world.flow.runs.values()
                      if r.accessibility == "PRIVATE" and r.user_id != DEMO_USER.user_id]
    assert others_private and all(r["Accessibility"] == "PUBLIC" or r["UserId"] == DEMO_USER.user_id
                                  for r in everything)


async def test_runs_keep_appearing(api: Api) -> None:
    before = (await api.get(RUNS))["TotalCount"]
    api.world.clock.advance(1800)
    after = await api.get(RUNS)
    assert after["TotalCount"] > before
    assert after["PipelineRuns"][0]["GmtCreateTime"] > api.world.genesis.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- pipelines -----------------------------------------------------------------------------------------

MANIFEST = """apiVersion: core/v1
metadata: {provider: "%s", version: v1, identifier: %s, name: %s}
spec:
  pipelines:
  - apiVersion: core/v1
    metadata: {provider: pai, version: v1, identifier: data_source, name: data_source}
  - apiVersion: core/v1
    metadata: {provider: pai, version: v1, identifier: sql, name: sql}
    spec: {dependencies: [data_source]}
"""


async def test_list_and_get_pipelines(api: Api) -> None:
    body = await api.get("/api/v1/pipelines", PageSize=100)
    assert body["TotalCount"] == 12 and len(body["Pipelines"]) == 12
    assert len((await api.get("/api/v1/pipelines"))["Pipelines"]) == 10
    assert (await api.get("/api/v1/pipelines", PipelineIdentifier="hpo"))["TotalCount"] == 0
    fuzzy = await api.get("/api/v1/pipelines", PipelineIdentifier="HPO", FuzzyMatching=True)
    assert [p["Identifier"] for p in fuzzy["Pipelines"]] == ["hpo_learning_rate"]
    in_ws = await api.get("/api/v1/pipelines", WorkspaceId="264903", PipelineVersion="v1", PageSize=100)
    assert in_ws["TotalCount"] == 5
    first = body["Pipelines"][0]
    assert (await api.get("/api/v1/pipelines", PipelineProvider=first["Provider"]))["TotalCount"] >= 1
    detail = await api.get(f"/api/v1/pipelines/{first['PipelineId']}")
    assert yaml.safe_load(detail["Manifest"])["metadata"]["identifier"] == detail["Identifier"]
    assert (await api.call("GET", "/api/v1/pipelines/pipeline-x", status=404))["Code"] == "NotFound.Pipeline"


async def test_pipeline_create_update_delete(api: Api) -> None:
    me = DEMO_USER.user_id
    body = {"WorkspaceId": "264904", "Manifest": MANIFEST % (me, "base_flow", "base")}
    pid = (await api.call("POST", "/api/v1/pipelines", body=body))["PipelineId"]
    assert (await api.call("POST", "/api/v1/pipelines", body=body, status=400))["Code"] == \
        "InvalidParameter.PipelineExists"
    bad = {"WorkspaceId": "264904", "Manifest": "apiVersion: core/v1\nmetadata: {}"}
    assert (await api.call("POST", "/api/v1/pipelines", body=bad, status=400))["Code"] == "InvalidParameter.Manifest"

    # a run in progress blocks both update and delete
    run = await api.call("POST", RUNS, body={"WorkspaceId": "264904", "PipelineId": pid})
    update = {"Manifest": MANIFEST.replace("version: v1, identifier", "version: v2, identifier") % (
        me, "base_flow", "base")}
    err = await api.call("PUT", f"/api/v1/pipelines/{pid}", body=update, status=400)
    assert err["Code"] == "InvalidParameter.PipelineInUse" and run["PipelineRunId"] in err["Message"]
    err = await api.call("DELETE", f"/api/v1/pipelines/{pid}", status=400)
    # not the subscription / sub-pipeline message: the active run is what blocks it, and it is named
    assert err["Code"] == "InvalidParameter.PipelineInUse" and err["Message"] != IN_USE_MESSAGE
    assert run["PipelineRunId"] in err["Message"] and "deleted" in err["Message"]
    api.world.clock.advance(900)
    await api.call("PUT", f"/api/v1/pipelines/{pid}", body=update)
    assert (await api.get(f"/api/v1/pipelines/{pid}"))["Version"] == "v2"
    rename = {"Manifest": MANIFEST % (me, "other_id", "x")}
    assert (await api.call("PUT", f"/api/v1/pipelines/{pid}", body=rename, status=400))["Code"] == \
        "InvalidParameter.Manifest"

    # referenced by another pipeline as a sub-pipeline → in use
    parent = (f"apiVersion: core/v1\nmetadata: {{provider: '{me}', version: v1, identifier: parent_flow}}\n"
              f"spec:\n  pipelines:\n  - apiVersion: core/v1\n    metadata: {{provider: '{me}', version: v2, "
              "identifier: base_flow, name: sub}\n")
    parent_id = (await api.call("POST", "/api/v1/pipelines",
                                body={"WorkspaceId": "264904", "Manifest": parent}))["PipelineId"]
    err = await api.call("DELETE", f"/api/v1/pipelines/{pid}", status=400)
    assert err["Message"] == IN_USE_MESSAGE
    await api.call("DELETE", f"/api/v1/pipelines/{parent_id}")
    await api.call("DELETE", f"/api/v1/pipelines/{pid}")
    assert (await api.call("GET", f"/api/v1/pipelines/{pid}", status=404))["Code"] == "NotFound.Pipeline"


async def test_shared_pipelines_cannot_be_deleted(api: Api) -> None:
    for identifier in ("text_dedup", "feature_engineering"):
        pid = (await api.get("/api/v1/pipelines", PipelineIdentifier=identifier))["Pipelines"][0]["PipelineId"]
        err = await api.call("DELETE", f"/api/v1/pipelines/{pid}", status=400)
        assert (err["Code"], err["Message"]) == ("InvalidParameter.PipelineInUse", IN_USE_MESSAGE)
