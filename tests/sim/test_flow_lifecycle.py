"""Pipeline-run lifecycle through the real ASGI app, moving the manual clock (no sleeps)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.sim.conftest import SimApi

SUCCEED = json.dumps({"simulation": {"failNode": None}})


class Flow(SimApi):
    async def pipeline_id(self, identifier: str) -> str:
        body = await self.call("GET", "/api/v1/pipelines", params={"PipelineIdentifier": identifier})
        return body["Pipelines"][0]["PipelineId"]

    async def create_run(self, identifier: str = "source_transform_sql", *, status: int = 200, **fields: Any
                         ) -> dict[str, Any]:
        body = {"WorkspaceId": "264903", "PipelineId": await self.pipeline_id(identifier), "Options": SUCCEED,
                **fields}
        return await self.call("POST", "/api/v1/pipelineruns", body={k: v for k, v in body.items() if v is not None},
                               status=status)

    async def run(self, run_id: str) -> dict[str, Any]:
        return await self.call("GET", f"/api/v1/pipelineruns/{run_id}")

    async def nodes(self, run_id: str, node_id: str, depth: int = 5) -> dict[str, dict[str, Any]]:
        body = await self.call("GET", f"/api/v1/pipelineruns/{run_id}/nodes/{node_id}/status",
                               params={"Depth": depth})
        return {s["NodeName"]: s for s in body["Status"]}

    async def put(self, run_id: str, action: str, status: int = 200) -> dict[str, Any]:
        return await self.call("PUT", f"/api/v1/pipelineruns/{run_id}/{action}", status=status)


@pytest.fixture
async def flow() -> AsyncIterator[Flow]:
    async with Flow.open("http://paiflow.cn-hangzhou.aliyuncs.com") as flow:
        yield flow


async def test_confirm_required_run_waits_then_runs_to_success(flow: Flow) -> None:
    created = await flow.create_run(NoConfirmRequired=False, Name="nightly")
    run_id = created["PipelineRunId"]
    assert run_id.startswith("flow-") and created["RequestId"]
    run = await flow.run(run_id)
    assert run["Status"] == "Initialized" and run["NodeId"] == "" and "StartedAt" not in run
    assert run["Name"] == "nightly" and run["Manifest"].startswith("apiVersion: core/v1")
    flow.world.clock.advance(60)
    assert (await flow.run(run_id))["Status"] == "Initialized"  # nothing happens until started

    await flow.put(run_id, "start")
    run = await flow.run(run_id)
    assert run["Status"] == "Running" and run["NodeId"].startswith("node-") and run["StartedAt"]
    err = await flow.put(run_id, "start", status=400)
    assert err["Code"] == "InvalidParameter.PipelineRunStatus" and "Running" in err["Message"]

    seen: list[tuple[str, ...]] = []
    for _ in range(120):  # 2 minutes of simulated time, 1 s steps
        nodes = await flow.nodes(run_id, run["NodeId"])
        seen.append(tuple(nodes[n]["Status"] for n in ("data_source", "type_transform", "sql")))
        flow.world.clock.advance(1)
    assert ("Running", "ReadyToSchedule", "ReadyToSchedule") in seen
    assert ("Succeed", "Running", "ReadyToSchedule") in seen
    assert ("Succeed", "Succeed", "Running") in seen
    done = await flow.run(run_id)
    assert done["Status"] == "Succeeded" and done["FinishedAt"] and done["Duration"] > 10
    assert done["GmtModifiedTime"] == done["FinishedAt"]


async def test_the_moment_a_run_reads_terminated_every_node_is_settled(flow: Flow) -> None:
    """A client stops polling at Terminated: the tree it reads then must be final, the root included (it
    used to stay Running for half a second after the run, long enough for a watch to stop on it)."""
    run_id = (await flow.create_run("ctr_fanout_train"))["PipelineRunId"]
    flow.world.clock.advance(40)
    root = (await flow.run(run_id))["NodeId"]
    await flow.put(run_id, "termination")
    for _ in range(200):  # 0.1 s steps until the first Terminated answer
        flow.world.clock.advance(0.1)
        if (await flow.run(run_id))["Status"] == "Terminated":
            break
    node = await flow.call("GET", f"/api/v1/pipelineruns/{run_id}/nodes/{root}", params={"Depth": 5})
    statuses = {n["Status"] for n in (await flow.nodes(run_id, root)).values()}
    assert node["StatusInfo"]["Status"] == "Failed" and node["StatusInfo"].get("FinishedAt")
    assert "Running" not in statuses and "ReadyToSchedule" not in statuses


async def test_terminate_then_rerun_then_rename_then_delete(flow: Flow) -> None:
    run_id = (await flow.create_run("ctr_fanout_train"))["PipelineRunId"]
    flow.world.clock.advance(40)  # inside the training fan-out
    root = (await flow.run(run_id))["NodeId"]
    assert any(n["Status"] == "Running" for n in (await flow.nodes(run_id, root)).values())

    await flow.put(run_id, "termination")
    assert (await flow.run(run_id))["Status"] == "Terminating"
    err = await flow.put(run_id, "termination", status=400)
    assert err["Code"] == "InvalidParameter.PipelineRunStatus"
    err = await flow.call("DELETE", f"/api/v1/pipelineruns/{run_id}", status=400)
    assert err["Code"] == "InvalidParameter.PipelineRunStatus" and "terminate" in err["Message"]
    flow.world.clock.advance(5)
    run = await flow.run(run_id)
    assert run["Status"] == "Terminated" and run["FinishedAt"]
    statuses = {n["Status"] for n in (await flow.nodes(run_id, root)).values()}
    assert "Running" not in statuses and "ReadyToSchedule" not in statuses and {"Failed", "Skipped"} <= statuses
    flow.world.clock.advance(600)
    assert (await flow.run(run_id))["FinishedAt"] == run["FinishedAt"]  # settled for good
    err = await flow.put(run_id, "termination", status=400)
    assert "finished" in err["Message"]

    await flow.put(run_id, "rerun")
    rerun = await flow.run(run_id)
    assert rerun["Status"] == "Running" and rerun["NodeId"] != root and "FinishedAt" not in rerun
    err = await flow.call("GET", f"/api/v1/pipelineruns/{run_id}/nodes/{root}", status=404)
    assert err["Code"] == "NotFound.Node"  # the old attempt's nodes are gone
    err = await flow.put(run_id, "rerun", status=400)
    assert err["Code"] == "InvalidParameter.PipelineRunStatus"

    await flow.call("PUT", f"/api/v1/pipelineruns/{run_id}", body={"Name": "renamed while running"})
    assert (await flow.run(run_id))["Name"] == "renamed while running"
    err = await flow.call("PUT", f"/api/v1/pipelineruns/{run_id}", body={}, status=400)
    assert err["Code"] == "MissingParameter"

    flow.world.clock.advance(900)
    assert (await flow.run(run_id))["Status"] == "Succeeded"
    await flow.call("DELETE", f"/api/v1/pipelineruns/{run_id}")
    err = await flow.call("GET", f"/api/v1/pipelineruns/{run_id}", status=404)
    assert err["Code"] == "NotFound.PipelineRun"


async def test_terminating_an_initialized_run_is_immediate(flow: Flow) -> None:
    run_id = (await flow.create_run(NoConfirmRequired=False))["PipelineRunId"]
    await flow.put(run_id, "termination")
    run = await flow.run(run_id)
    assert run["Status"] == "Terminated" and run["NodeId"] == ""
    err = await flow.put(run_id, "start", status=400)
    assert "Initialized" in err["Message"]


async def test_a_failing_node_fails_the_run_and_skips_the_rest(flow: Flow) -> None:
    options = json.dumps({"simulation": {"failNode": "type_transform"}})
    run_id = (await flow.create_run(Options=options))["PipelineRunId"]
    flow.world.clock.advance(600)
    run = await flow.run(run_id)
    assert run["Status"] == "Failed" and run["Message"].startswith("Node type_transform failed: ")
    nodes = await flow.nodes(run_id, run["NodeId"])
    assert [nodes[n]["Status"] for n in ("data_source", "type_transform", "sql")] == ["Succeed", "Failed", "Skipped"]
    assert nodes["source-transform-sql"]["Status"] == "Failed"
    await flow.put(run_id, "rerun")
    assert (await flow.run(run_id))["Status"] == "Running"


async def test_create_run_from_a_manifest_and_argument_errors(flow: Flow) -> None:
    manifest = (await flow.call("GET", f"/api/v1/pipelines/{await flow.pipeline_id('sql_echo')}"))["Manifest"]
    body = {"WorkspaceId": "264904", "PipelineManifest": manifest, "SourceType": "SDK"}
    run_id = (await flow.call("POST", "/api/v1/pipelineruns", body=body))["PipelineRunId"]
    run = await flow.run(run_id)
    assert run["PipelineId"] == "" and run["SourceType"] == "SDK" and run["Name"].startswith("sql_echo_")
    assert run["UserId"] == "1557702098194904" and run["Accessibility"] == "PUBLIC"
    node = await flow.call("GET", f"/api/v1/pipelineruns/{run_id}/nodes/{run['NodeId']}")
    assert node["Metadata"]["NodeType"] == "Task"  # a single-container pipeline is one Task

    both = {"WorkspaceId": "264904", "PipelineManifest": manifest, "PipelineId": "pipeline-x"}
    err = await flow.call("POST", "/api/v1/pipelineruns", body=both, status=400)
    assert err["Code"] == "InvalidParameter" and "exactly one" in err["Message"]
    err = await flow.call("POST", "/api/v1/pipelineruns", body={"WorkspaceId": "264904"}, status=400)
    assert err["Code"] == "InvalidParameter"
    err = await flow.call("POST", "/api/v1/pipelineruns", body={"PipelineManifest": manifest}, status=400)
    assert err["Code"] == "MissingParameter"
    err = await flow.call("POST", "/api/v1/pipelineruns", status=404,
                          body={"WorkspaceId": "264904", "PipelineId": "pipeline-nope"})
    assert err["Code"] == "NotFound.Pipeline"
    err = await flow.call("POST", "/api/v1/pipelineruns", status=400,
                          body={"WorkspaceId": "264904", "PipelineManifest": "apiVersion: core/v1\nmetadata: ["})
    assert err["Code"] == "InvalidParameter.Manifest"
    err = await flow.call("POST", "/api/v1/pipelineruns", status=404,
                          body={"WorkspaceId": "999", "PipelineManifest": manifest})
    assert err["Code"] == "NotFound.Workspace"
    err = await flow.create_run(SourceType="NOPE", status=400)
    assert err["Code"] == "InvalidParameter"
    for action in ("start", "termination", "rerun"):
        assert (await flow.put("flow-missing", action, status=404))["Code"] == "NotFound.PipelineRun"


async def test_seeded_terminating_run_settles(flow: Flow) -> None:
    body = await flow.call("GET", "/api/v1/pipelineruns", params={"Status": "Terminating"})
    assert body["TotalCount"] >= 1
    run_id = body["PipelineRuns"][0]["PipelineRunId"]
    flow.world.clock.advance(5)
    assert (await flow.run(run_id))["Status"] == "Terminated"
    suspended = (await flow.call("GET", "/api/v1/pipelineruns", params={"Status": "Suspended"}))["PipelineRuns"][0]
    err = await flow.call("DELETE", f"/api/v1/pipelineruns/{suspended['PipelineRunId']}", status=400)
    assert err["Code"] == "InvalidParameter.PipelineRunStatus"
    await flow.put(suspended["PipelineRunId"], "termination")
    flow.world.clock.advance(5)
    assert (await flow.run(suspended["PipelineRunId"]))["Status"] == "Terminated"
