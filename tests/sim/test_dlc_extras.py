"""pai-dlc side resources through the real ASGI app: tensorboards, job templates, sanity checks, ECS specs,
dashboards and sharing tokens."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from paitui.sim.clock import SimClock
from paitui.sim.world import DEMO_USER, World
from tests.sim.test_dlc_jobs import JOBS, Api, make_api

TB = "/api/v1/tensorboards"
TPL = "/api/v1/jobtemplates"
WIDE = {"StartTime": "2020-01-01T00:00:00Z", "EndTime": "2030-01-01T00:00:00Z"}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for a in make_api(World(seed=7, clock=SimClock.manual())):
        yield a


# --- tensorboards ---

async def test_tensorboard_list_and_get(api: Api) -> None:
    recent = await api.get(TB, PageSize=100)
    everything = await api.get(TB, PageSize=1000, **WIDE)
    assert 0 < recent["TotalCount"] < everything["TotalCount"]
    statuses = {t["Status"] for t in everything["Tensorboards"]}
    assert {"Creating", "Running", "Stopped", "Succeeded"} <= statuses
    running = next(t for t in everything["Tensorboards"] if t["Status"] == "Running")
    assert running["TensorboardUrl"].startswith("https://") and running["Duration"].isdigit()
    one = await api.get(f"{TB}/{running['TensorboardId']}", JodId=running["JobId"])
    assert one["RequestId"] and one["TensorboardId"] == running["TensorboardId"]
    assert one["TensorboardDataSources"] and one["TensorboardSpec"]["EcsType"]
    await api.call("GET", f"{TB}/{running['TensorboardId']}", params={"JodId": "dlcother"}, status=404)
    err = await api.call("GET", f"{TB}/tbnope", status=404)
    assert err["Code"] == "NotFound.Tensorboard"
    only = await api.get(TB, Status="Running", **WIDE)
    assert {t["Status"] for t in only["Tensorboards"]} == {"Running"}
    by_job = await api.get(TB, JobId=running["JobId"], **WIDE)
    assert running["TensorboardId"] in [t["TensorboardId"] for t in by_job["Tensorboards"]]
    named = await api.get(TB, SortBy="DisplayName", Order="asc", PageSize=1000, **WIDE)
    names = [t["DisplayName"] for t in named["Tensorboards"]]
    assert names == sorted(names)
    assert (await api.call("GET", TB, params={"Status": "Sleeping"}, status=400))["Code"] == "InvalidParameter"


async def test_tensorboard_lifecycle(api: Api) -> None:
    job_id = api.find("Running")
    created = await api.call("POST", TB, body={"JobId": job_id, "MaxRunningTimeMinutes": 30,
                                                "DisplayName": "tb-mine"})
    tb_id = created["TensorboardId"]
    assert created["JobId"] == job_id
    assert (await api.get(f"{TB}/{tb_id}"))["Status"] == "Creating"
    api.advance(90)
    tb = await api.get(f"{TB}/{tb_id}")
    assert tb["Status"] == "Running" and tb["DisplayName"] == "tb-mine" and tb["UserId"] == DEMO_USER.user_id
    shared = await api.get(f"{TB}/{tb_id}/sharedurl", ExpireTimeSeconds=3600)
    assert "token=" in shared["TensorboardSharedUrl"]
    await api.call("PUT", f"{TB}/{tb_id}", params={"MaxRunningTimeMinutes": 60, "Accessibility": "PUBLIC"})
    tb = await api.get(f"{TB}/{tb_id}")
    assert (tb["MaxRunningTimeMinutes"], tb["Accessibility"]) == (60, "PUBLIC")
    await api.call("PUT", f"{TB}/{tb_id}/stop")
    assert (await api.get(f"{TB}/{tb_id}"))["Status"] == "Stopped"
    err = await api.call("PUT", f"{TB}/{tb_id}/stop", status=400)
    assert err["Code"] == "InvalidParameter.TensorboardStatus"
    await api.call("PUT", f"{TB}/{tb_id}/start")
    api.advance(90)
    assert (await api.get(f"{TB}/{tb_id}"))["Status"] == "Running"
    assert (await api.call("PUT", f"{TB}/{tb_id}/start", status=400))["Code"] == "InvalidParameter.TensorboardStatus"
    api.advance(3700)
    assert (await api.get(f"{TB}/{tb_id}"))["Status"] == "Succeeded"  # its maximum running time is over
    await api.call("DELETE", f"{TB}/{tb_id}")
    await api.call("GET", f"{TB}/{tb_id}", status=404)


async def test_tensorboard_create_validation(api: Api) -> None:
    assert (await api.call("POST", TB, body={}, status=400))["Code"] == "MissingParameter"
    both = {"JobId": api.find("Running"), "DataSourceId": "d-123", "Uri": "oss://b/x"}
    assert (await api.call("POST", TB, body=both, status=400))["Code"] == "InvalidParameter"
    assert (await api.call("POST", TB, body={"JobId": "dlcnope"}, status=404))["Code"] == "NotFound.Job"
    sourced = await api.call("POST", TB, body={"WorkspaceId": "264904", "DataSourceId": "d-123",
                                               "Uri": "oss://pai-sandbox-hz/runs/", "DataSourceType": "OSS"})
    assert sourced["TensorboardId"] and sourced["JobId"] is None and sourced["DataSourceId"] == "d-123"


# --- job templates ---

CONTENT = {"JobType": "PyTorchJob", "UserCommand": "python -c 'print(123)'",
           "JobSpecs": [{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.gn6i-c4g1.xlarge",
                         "Image": "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py311-"
                                  "cu121-ubuntu22.04"}]}


async def test_template_crud_and_versions(api: Api) -> None:
    seeded = await api.get(TPL, WorkspaceId="264901")
    assert seeded["TotalCount"] >= 1 and seeded["PageNumber"] == 1 and seeded["PageSize"] == 10
    created = await api.call("POST", TPL, body={"TemplateName": "demo-pytorch-template", "WorkspaceId": "264904",
                                                 "Content": json.dumps(CONTENT),
                                                 "Constraints": {"JobSpecs[0].Image": "locked"}})
    tpl_id = created["TemplateId"]
    assert created["Version"] == 1 and created["DefaultVersion"] == 1
    got = await api.get(f"{TPL}/{tpl_id}")
    assert got["Versions"][0]["Content"]["JobType"] == "PyTorchJob" and got["TotalCount"] == 1
    same = await api.call("PUT", f"{TPL}/{tpl_id}", body={"Content": json.dumps(CONTENT), "Constraints": {}})
    assert same["VersionCreated"] is False
    changed = dict(CONTENT, UserCommand="python train.py")
    updated = await api.call("PUT", f"{TPL}/{tpl_id}", body={"Content": json.dumps(changed),
                                                              "Constraints": {"UserCommand": "required"}})
    assert updated["VersionCreated"] is True and updated["Version"] == 2 and updated["DefaultVersion"] == 1
    assert len((await api.get(f"{TPL}/{tpl_id}", Version="all"))["Versions"]) == 2
    assert (await api.get(f"{TPL}/{tpl_id}"))["Versions"][0]["Version"] == 1
    assert (await api.get(f"{TPL}/{tpl_id}", Version=2))["Versions"][0]["Content"]["UserCommand"] == "python train.py"
    set_default = await api.call("PUT", f"{TPL}/{tpl_id}/defaultversion", body={"Version": 2})
    assert set_default["DefaultVersion"] == 2
    assert (await api.get(f"{TPL}/{tpl_id}"))["DefaultVersion"] == 2
    await api.call("PUT", f"{TPL}/{tpl_id}", body={"Description": "metadata only", "TemplateName": "renamed"})
    listed = await api.get(TPL, WorkspaceId="264904", TemplateName="RENAMED")
    assert [t["TemplateId"] for t in listed["JobTemplates"]] == [tpl_id]
    # a job from the template: the required UserCommand must be given, the locked image is kept
    err = await api.call("POST", JOBS, body={"DisplayName": "from-template", "WorkspaceId": "264904",
                                             "TemplateId": tpl_id}, status=400)
    assert err["Code"] == "MissingParameter"
    job = await api.call("POST", JOBS, body={"DisplayName": "from-template", "WorkspaceId": "264904",
                                             "TemplateId": tpl_id, "UserCommand": "python other.py"})
    detail = await api.job(job["JobId"])
    assert detail["UserCommand"] == "python other.py" and detail["JobSpecs"][0]["EcsSpec"] == "ecs.gn6i-c4g1.xlarge"
    await api.call("DELETE", f"{TPL}/{tpl_id}")
    assert (await api.call("GET", f"{TPL}/{tpl_id}", status=404))["Code"] == "NotFound.JobTemplate"


async def test_template_errors(api: Api) -> None:
    base = {"TemplateName": "t", "WorkspaceId": "264904", "Content": json.dumps(CONTENT)}
    cases: list[tuple[dict[str, Any], str]] = [
        ({**base, "TemplateName": ""}, "InvalidParameter.TemplateName"),
        ({**base, "TemplateName": "x" * 1025}, "InvalidParameter.TemplateName"),
        ({**base, "Content": "{not json"}, "InvalidParameter.Content"),
        ({**base, "Content": json.dumps({"UserCommand": "x"})}, "InvalidParameter.Content"),
        ({**base, "Constraints": {"UserCommand": "frozen"}}, "InvalidParameter.Constraints"),
        ({k: v for k, v in base.items() if k != "WorkspaceId"}, "MissingParameter"),
    ]
    for body, code in cases:
        assert (await api.call("POST", TPL, body=body, status=400))["Code"] == code, body
    tpl_id = (await api.call("POST", TPL, body=base))["TemplateId"]
    for body in ({"Content": json.dumps(CONTENT)}, {"Constraints": {"UserCommand": "locked"}}):
        err = await api.call("PUT", f"{TPL}/{tpl_id}", body=body, status=400)
        assert err["Code"] == "InvalidParameter.Constraints"
    for path, method, kwargs in ((f"{TPL}/{tpl_id}", "GET", {"params": {"Version": 7}}),
                                 (f"{TPL}/{tpl_id}/defaultversion", "PUT", {"body": {"Version": 7}})):
        err = await api.call(method, path, status=404, **kwargs)
        assert err["Code"] == "NotFound.JobTemplateVersion"
    assert (await api.call("GET", TPL, status=400))["Code"] == "MissingParameter"


# --- sanity checks ---

async def test_sanity_checks(api: Api) -> None:
    job_id = api.find("SanityChecking")
    body = await api.get(f"{JOBS}/{job_id}/sanitycheckresults")
    assert "RequestID" in body and "RequestId" not in body
    assert body["TotalCount"] == 1 and body["SanityCheckResults"][0][0]["Phase"] == "CheckInit"
    api.advance(3600)
    done = await api.get(f"{JOBS}/{job_id}/sanitycheckresults")
    items = done["SanityCheckResults"][0]
    assert [i["Phase"] for i in items] == ["CheckInit", "DeviceCheck", "SingleNodeCommCheck", "TwoNodeCommCheck",
                                           "AllNodeCommCheck"]
    assert all(i["Status"] == "Succeeded" and i["FinishedAt"] for i in items)
    one = await api.get(f"{JOBS}/{job_id}/sanitycheckresult", SanityCheckNumber=1, SanityCheckPhase="DeviceCheck")
    assert "RequestID" in one and [i["Phase"] for i in one["SanityCheckResult"]] == ["DeviceCheck"]
    err = await api.call("GET", f"{JOBS}/{job_id}/sanitycheckresult", status=400)
    assert err["Code"] == "MissingParameter"
    err = await api.call("GET", f"{JOBS}/{job_id}/sanitycheckresult", params={"SanityCheckNumber": 5}, status=400)
    assert err["Code"] == "InvalidParameter"
    plain = next(j.job_id for j in api.world.dlc.all_jobs() if not j.sanity_check)
    assert (await api.get(f"{JOBS}/{plain}/sanitycheckresults"))["SanityCheckResults"] == []


# --- ECS specs ---

async def test_ecs_specs(api: Api) -> None:
    everything = await api.get("/api/v1/ecsspecs", PageSize=100)
    assert 25 <= everything["TotalCount"] == len(everything["EcsSpecs"])
    a10 = next(s for s in everything["EcsSpecs"] if s["InstanceType"] == "ecs.gn7i-c8g1.2xlarge")
    assert (a10["GpuType"], a10["GpuMemory"], a10["Gpu"], a10["AcceleratorType"]) == ("A10", 24, 1, "GPU")
    gpus = await api.get("/api/v1/ecsspecs", AcceleratorType="GPU", SortBy="GPU", Order="desc", PageSize=100)
    counts = [s["Gpu"] for s in gpus["EcsSpecs"]]
    assert min(counts) >= 1 and counts == sorted(counts, reverse=True)
    lingjun = await api.get("/api/v1/ecsspecs", ResourceType="Lingjun")
    assert lingjun["EcsSpecs"] and {s["ResourceType"] for s in lingjun["EcsSpecs"]} == {"Lingjun"}
    picked = await api.get("/api/v1/ecsspecs", InstanceTypes="ecs.g7.2xlarge,ecs.gn6v-c8g1.16xlarge")
    assert {s["InstanceType"] for s in picked["EcsSpecs"]} == {"ecs.g7.2xlarge", "ecs.gn6v-c8g1.16xlarge"}
    page2 = await api.get("/api/v1/ecsspecs", PageSize=10, PageNumber=2)
    assert [s["InstanceType"] for s in page2["EcsSpecs"]] == [s["InstanceType"] for s in everything["EcsSpecs"][10:20]]
    assert (await api.call("GET", "/api/v1/ecsspecs", params={"AcceleratorType": "TPU"}, status=400))["Code"] == \
        "InvalidParameter"


# --- dashboards and tokens ---

async def test_dashboards_and_tokens(api: Api) -> None:
    ray = next(j.job_id for j in api.world.dlc.all_jobs() if j.job_type == "RayJob")
    torch = next(j.job_id for j in api.world.dlc.all_jobs() if j.job_type == "PyTorchJob")
    assert (await api.get(f"{JOBS}/{ray}/dashboard"))["url"].startswith("https://")
    ray_dash = await api.get(f"{JOBS}/{ray}/rayDashboard")
    assert set(ray_dash) == {"url", "metricsEnabled"} and ray_dash["url"]
    assert (await api.get(f"{JOBS}/{torch}/dashboard")) == {"url": ""}
    err = await api.call("GET", f"{JOBS}/{ray}/dashboard", params={"isShared": "true"}, status=400)
    assert err["Code"] == "MissingParameter"
    token = (await api.get("/api/v1/tokens", TargetType="job", TargetId=ray, ExpireTime=3600))["Token"]
    shared = await api.get(f"{JOBS}/{ray}/dashboard", isShared="true", token=token)
    assert token in shared["url"]
    await api.call("GET", f"{JOBS}/{ray}/dashboard", params={"isShared": "true", "token": "forged"}, status=400)
    tb = next(iter(api.world.dlc.tensorboards.items))
    assert (await api.get("/api/v1/tokens", TargetType="tensorboard", TargetId=tb))["Token"]
    assert (await api.call("GET", "/api/v1/tokens", params={"TargetType": "job", "TargetId": "dlcnope"},
                           status=404))["Code"] == "NotFound.Job"
    assert (await api.call("GET", "/api/v1/tokens", params={"TargetType": "pod", "TargetId": ray},
                           status=400))["Code"] == "InvalidParameter"
    assert (await api.call("GET", "/api/v1/tokens", params={"TargetType": "job"}, status=400))["Code"] == \
        "MissingParameter"
