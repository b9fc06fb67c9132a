"""Seed rules the simulated cloud keeps (issue 11): gateway methods, template merges, parameters it must not
ignore. Every test goes through the real ASGI app over a generated world on a manual clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from paitui.sim.dlc.wire import ts
from paitui.sim.world import World
from tests.sim.conftest import SimApi, make_world
from tests.sim.test_dlc_extras import CONTENT, TB, TPL
from tests.sim.test_dlc_jobs import IMAGE, JOBS, Api, make_api, wide

FLOW = "/api/PAIFlow/2021-02-02"
OTHER_IMAGE = "registry.cn-hangzhou.aliyuncs.com/team/custom-torch:1.0"


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for a in make_api(make_world()):
        yield a


@pytest.fixture
async def flow() -> AsyncIterator[SimApi]:
    async with SimApi.open("https://api.aliyun.com") as api:
        yield api


def finished_run(world: World) -> str:
    now = world.clock.now()
    return next(r.run_id for r in world.flow.runs.values() if r.status(now) in ("Succeeded", "Failed"))


# --- 1. an action-style URL still has its method ---

async def test_action_style_url_refuses_another_method_and_changes_nothing(flow: SimApi) -> None:
    run_id = finished_run(flow.world)
    wrong = await flow.client.get(f"{FLOW}/DeletePipelineRun", params={"PipelineRunId": run_id})
    assert wrong.status_code == 404 and wrong.json()["Code"] == "InvalidAction.NotFound"
    assert run_id in flow.world.flow.runs  # nothing was deleted
    pipeline_id = next(iter(flow.world.flow.pipelines))
    wrong = await flow.client.delete(f"{FLOW}/GetPipeline", params={"PipelineId": pipeline_id})
    assert wrong.status_code == 404 and wrong.json()["Code"] == "InvalidAction.NotFound"
    # the action's own method answers
    got = await flow.call("GET", f"{FLOW}/GetPipeline", params={"PipelineId": pipeline_id})
    assert got["PipelineId"] == pipeline_id
    await flow.call("DELETE", f"{FLOW}/DeletePipelineRun", params={"PipelineRunId": run_id})
    assert run_id not in flow.world.flow.runs


# --- 2. template constraints at any depth ---

async def template(api: Api, constraints: dict[str, str], content: dict[str, Any] | None = None) -> str:
    body = {"TemplateName": "nested", "WorkspaceId": "264904", "Content": json.dumps(content or CONTENT),
            "Constraints": constraints}
    return (await api.call("POST", TPL, body=body))["TemplateId"]


async def test_locked_nested_paths_keep_the_template_value(api: Api) -> None:
    content = dict(CONTENT, DataSources=[{"DataSourceId": "d-tpl", "MountPath": "/mnt/template/"}])
    tpl_id = await template(api, {"JobSpecs[0].Image": "locked", "DataSources[0].MountPath": "locked",
                                  "JobSpecs[0].EcsSpec": "overridable"}, content)
    request = {"DisplayName": "from-template", "WorkspaceId": "264904", "TemplateId": tpl_id,
               "JobSpecs": [{"Type": "Worker", "PodCount": 2, "Image": OTHER_IMAGE, "EcsSpec": "ecs.g7.2xlarge"}],
               "DataSources": [{"DataSourceId": "d-mine", "MountPath": "/mnt/mine/"}]}
    job = await api.job((await api.call("POST", JOBS, body=request))["JobId"])
    spec = job["JobSpecs"][0]
    assert spec["Image"] == CONTENT["JobSpecs"][0]["Image"]  # locked: the template's image
    assert spec["EcsSpec"] == "ecs.g7.2xlarge" and spec["PodCount"] == 2  # overridable / unconstrained: mine
    assert job["DataSources"][0] == {"DataSourceId": "d-mine", "MountPath": "/mnt/template/"}
    assert job["UserCommand"] == CONTENT["UserCommand"]  # left out: the template fills it


async def test_seeded_template_locks_its_image(api: Api) -> None:
    tpl = next(t for t in api.world.dlc.templates.items.values() if t.workspace_id == "264904")
    version = tpl.version(tpl.default_version)
    assert version.constraints["JobSpecs[0].Image"] == "locked"
    request = {"DisplayName": "seeded", "WorkspaceId": "264904", "TemplateId": tpl.template_id,
               "JobSpecs": [dict(version.content["JobSpecs"][0], Image=OTHER_IMAGE)]}
    job = await api.job((await api.call("POST", JOBS, body=request))["JobId"])
    assert job["JobSpecs"][0]["Image"] == version.content["JobSpecs"][0]["Image"] != OTHER_IMAGE


async def test_a_missing_required_path_is_an_error(api: Api) -> None:
    tpl_id = await template(api, {"UserCommand": "required", "JobSpecs[0].PodCount": "required"})
    base = {"DisplayName": "x", "WorkspaceId": "264904", "TemplateId": tpl_id}
    err = await api.call("POST", JOBS, body=dict(base, UserCommand="python a.py"), status=400)
    assert err["Code"] == "MissingParameter" and "JobSpecs[0].PodCount" in err["Message"]
    spec = dict(CONTENT["JobSpecs"][0], PodCount=3)
    err = await api.call("POST", JOBS, body=dict(base, JobSpecs=[spec]), status=400)
    assert err["Code"] == "MissingParameter" and "UserCommand" in err["Message"]
    job = await api.job((await api.call("POST", JOBS, body=dict(base, JobSpecs=[spec], UserCommand="go")))["JobId"])
    assert job["JobSpecs"][0]["PodCount"] == 3 and job["UserCommand"] == "go"


# --- 4. Constraints without Content ---

async def test_create_template_constraints_without_content(api: Api) -> None:
    body = {"TemplateName": "t", "WorkspaceId": "264904", "Constraints": {"UserCommand": "locked"}}
    assert (await api.call("POST", TPL, body=body, status=400))["Code"] == "InvalidParameter.Constraints"
    del body["Constraints"]
    assert (await api.call("POST", TPL, body=body, status=400))["Code"] == "MissingParameter"


# --- 8. parameters and fields that were dropped ---

async def test_list_jobs_reports_and_filters_by_template(api: Api) -> None:
    tpl_id = await template(api, {})
    job_id = (await api.call("POST", JOBS, body={"DisplayName": "t1", "WorkspaceId": "264904",
                                                 "TemplateId": tpl_id}))["JobId"]
    plain = (await api.call("POST", JOBS, body={"DisplayName": "plain", "WorkspaceId": "264904",
                                                "JobType": "PyTorchJob", "UserCommand": "x",
                                                "JobSpecs": [{"Type": "Worker", "Image": IMAGE,
                                                              "EcsSpec": "ecs.g7.2xlarge"}]}))["JobId"]
    listed = await api.get(JOBS, WorkspaceId="264904", TemplateId=tpl_id)
    assert [j["JobId"] for j in listed["Jobs"]] == [job_id] and listed["TotalCount"] == 1
    item = listed["Jobs"][0]
    assert (item["TemplateId"], item["TemplateName"]) == (tpl_id, "nested")
    everything = await api.get(JOBS, WorkspaceId="264904", PageSize=100)
    assert plain in [j["JobId"] for j in everything["Jobs"]]
    assert "TemplateId" not in next(j for j in everything["Jobs"] if j["JobId"] == plain)


async def test_list_jobs_carries_pods(api: Api) -> None:
    job_id = api.find("Running")
    ws = api.world.dlc.job(job_id).workspace_id
    listed = (await api.get(JOBS, **wide(WorkspaceId=ws, JobId=job_id)))["Jobs"][0]
    detail = await api.job(job_id)
    assert listed["Pods"] and [p["PodId"] for p in listed["Pods"]] == [p["PodId"] for p in detail["Pods"]]
    assert [p["PodUid"] for p in listed["Pods"]] == [p["PodUid"] for p in detail["Pods"]]
    assert listed["Pods"][0]["PodIp"] == listed["Pods"][0]["Ip"]  # the PodItem shape, not GetJob's


async def test_listed_pods_follow_the_job_through_its_phases(api: Api) -> None:
    """ListJobs reuses a job's pods until its phase changes: each phase must still show its own pods."""
    job_id = api.find("Queuing")
    job = api.world.dlc.job(job_id)
    seen: set[tuple[str, ...]] = set()
    while job.status_at(api.now) not in ("Succeeded", "Failed", "Stopped") and len(seen) < 4:
        listed = (await api.get(JOBS, **wide(WorkspaceId=job.workspace_id, JobId=job_id)))["Jobs"][0]
        detail = await api.job(job_id)
        assert [(p["PodUid"], p["Status"]) for p in listed["Pods"]] == \
            [(p["PodUid"], p["Status"]) for p in detail.get("Pods") or ()]
        seen.add(tuple(p["Status"] for p in listed["Pods"]))
        later = [t for t in job.times if t > api.now]
        if not later:
            break
        api.advance(later[0] - api.now + 1)
    assert len(seen) >= 2  # the pods were seen in more than one state


async def test_tensorboard_keeps_its_data_sources(api: Api) -> None:
    sources = [{"DataSourceId": "d-tb1", "DataSourceType": "OSS", "Path": "oss://bucket/logs/a/"},
               {"DataSourceId": "d-tb2", "Path": "oss://bucket/logs/b/", "MountPath": "/runs/b"}]
    created = await api.call("POST", TB, body={"WorkspaceId": "264904", "DataSources": sources})
    assert created["DataSourceId"] == "d-tb1"
    got = await api.get(f"{TB}/{created['TensorboardId']}")
    kept = got["TensorboardDataSources"]
    assert [(s["Id"], s["Uri"]) for s in kept] == [("d-tb1", "oss://bucket/logs/a/"), ("d-tb2", "oss://bucket/logs/b/")]
    assert kept[1]["SummaryPath"] == "/runs/b" and got["SummaryPath"] == "oss://bucket/logs/a/"


# --- 9. no silent substitutes ---

async def test_shared_url_expiry_zero_is_refused(api: Api) -> None:
    tb_id = next(iter(api.world.dlc.tensorboards.items))
    err = await api.call("GET", f"{TB}/{tb_id}/sharedurl", params={"ExpireTimeSeconds": 0}, status=400)
    assert err["Code"] == "InvalidParameter" and "ExpireTimeSeconds" in err["Message"]
    url = (await api.get(f"{TB}/{tb_id}/sharedurl", ExpireTimeSeconds=60))["TensorboardSharedUrl"]
    now = api.world.clock.now().timestamp()
    assert f"expires={ts(now + 60)}" in url
