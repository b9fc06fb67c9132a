"""pai-dlc jobs through the real ASGI app: the generated world, lifecycle plans, ListJobs and mutations."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from paitui.sim.dlc.catalog import JOB_TYPES, STATUSES, TERMINAL
from paitui.sim.routing import iso
from paitui.sim.world import DEMO_USER, World
from tests.sim.conftest import SimApi, make_world

JOBS = "/api/v1/jobs"
IMAGE = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py311-cu121-ubuntu22.04"


class Api(SimApi):
    async def get(self, path: str, **params: Any) -> dict[str, Any]:
        return await self.call("GET", path, params=params)

    async def job(self, job_id: str) -> dict[str, Any]:
        return await self.get(f"{JOBS}/{job_id}")

    def advance(self, seconds: float) -> None:
        self.world.clock.advance(seconds)

    @property
    def now(self) -> float:
        return self.world.clock.now().timestamp()

    def find(self, status: str, **attrs: Any) -> str:
        """A seeded job currently in ``status`` (and matching attributes)."""
        for job in self.world.dlc.all_jobs():
            if job.status_at(self.now) == status and all(getattr(job, k) == v for k, v in attrs.items()):
                return job.job_id
        raise AssertionError(f"no job in {status} with {attrs}")


async def make_api(world: World) -> AsyncIterator[Api]:
    async with Api.open("http://pai-dlc.cn-hangzhou.aliyuncs.com", world) as api:
        yield api


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for a in make_api(make_world()):
        yield a


def wide(**params: Any) -> dict[str, Any]:
    """Every workspace, the caller's jobs or not, over the whole history."""
    return {"StartTime": "2020-01-01T00:00:00Z", "EndTime": "2030-01-01T00:00:00Z", **params}


def assert_contiguous(history: list[dict[str, Any]]) -> None:
    for prev, nxt in itertools.pairwise(history):
        assert prev["EndTime"] == nxt["StartTime"], history
    last = history[-1]
    assert ("EndTime" in last) == (last["Status"] in TERMINAL)


# --- the generated world ---

async def test_same_seed_same_answers() -> None:
    answers = []
    for _ in range(2):
        async for api in make_api(make_world()):
            page = await api.get(JOBS, PageSize=50, ShowOwn="true", FromAllWorkspaces="true")
            job = page["Jobs"][0]["JobId"]
            detail = await api.job(job)
            api.advance(3600)
            later = await api.get(JOBS, PageSize=20)
            for body in (page, detail, later):
                body.pop("RequestId")
            answers.append(json.dumps([page, detail, later], sort_keys=True))
    assert answers[0] == answers[1]


async def test_every_status_and_type_is_present_at_genesis(api: Api) -> None:
    jobs = api.world.dlc.all_jobs()
    assert len(jobs) == api.world.job_count
    assert set(Counter(j.status_at(api.now) for j in jobs)) == set(STATUSES)
    assert {j.job_type for j in jobs} == set(JOB_TYPES)
    for status in STATUSES:
        body = await api.get(JOBS, **wide(Status=status, WorkspaceId=api.world.dlc.job(api.find(status))
                                          .workspace_id))
        assert body["TotalCount"] >= 1
        assert {j["Status"] for j in body["Jobs"]} == {status}
    bidding = api.world.dlc.job(api.find("Bidding"))
    assert bidding.payment == "Spot" and bidding.resource_type == "Lingjun"
    assert api.world.dlc.job(api.find("SanityChecking")).sanity_check
    active = [j for j in jobs if j.status_at(api.now) not in TERMINAL]
    assert len(active) >= 30
    recent = sum(1 for j in jobs if j.created >= api.now - 7 * 86400)
    assert 0.25 <= recent / len(jobs) <= 0.38
    assert sum(1 for j in jobs if j.user_id == DEMO_USER.user_id) >= len(jobs) // 5


async def test_job_wire_shapes(api: Api) -> None:
    job_id = api.find("Running", payment="PrePaid")
    item = await api.get(JOBS, JobId=job_id, **wide(WorkspaceId=api.world.dlc.job(job_id).workspace_id))
    listed = item["Jobs"][0]
    assert isinstance(listed["RequestGPU"], str) and isinstance(listed["NodeCount"], str)
    assert isinstance(listed["RequestMemory"], str)
    detail = await api.job(job_id)
    assert isinstance(detail["RequestGPU"], float) and isinstance(detail["RequestMemory"], float)
    assert detail["RestartTimes"].count("/") == 1
    rc = detail["JobSpecs"][0]["ResourceConfig"]
    assert isinstance(rc["CPU"], str) and rc["Memory"].endswith("Gi") and "EcsSpec" not in detail["JobSpecs"][0]
    assert detail["GmtCreateTime"].endswith("Z") and len(detail["GmtCreateTime"]) == 20
    assert detail["Pods"] and detail["Pods"][0]["PodId"].startswith(job_id)
    assert_contiguous(detail["StatusHistory"])
    brief = await api.get(f"{JOBS}/{job_id}", NeedDetail="False")
    assert "Pods" not in brief and brief["JobId"] == job_id
    public = await api.job(api.find("Succeeded", payment="PostPaid"))
    assert "EcsSpec" in public["JobSpecs"][0] and "ResourceConfig" not in public["JobSpecs"][0]


async def test_status_history_is_contiguous_for_every_job(api: Api) -> None:
    from paitui.sim.dlc.wire import status_history

    for job in api.world.dlc.all_jobs():
        history = status_history(job, api.now)
        assert history[0]["Status"] == "Creating"
        assert_contiguous(history)


# --- lifecycle on the clock ---

async def test_new_jobs_appear_and_run_to_completion(api: Api) -> None:
    before = set(api.world.dlc.jobs)
    api.advance(600)
    listed = await api.get(JOBS, ShowOwn="true", FromAllWorkspaces="true", PageSize=100)
    fresh = [j for j in api.world.dlc.all_jobs() if j.job_id not in before]
    assert fresh, "jobs keep arriving after genesis"
    assert 5 <= len([j for j in api.world.dlc.all_jobs() if j.created > api.world.genesis.timestamp()]) <= 16
    assert listed["TotalCount"] > 0
    for _ in range(100):  # the next submitted job that will succeed quickly
        candidates = [j for j in api.world.dlc.all_jobs() if j.created > api.now - 5 and j.outcome == "succeeded"
                      and j.planned_run < 600]
        if candidates:
            break
        api.advance(5)
        await api.get(JOBS)
    target = candidates[0]
    seen: list[str] = []
    for _ in range(200):
        detail = await api.job(target.job_id)
        if not seen or seen[-1] != detail["Status"]:
            seen.append(detail["Status"])
        assert_contiguous(detail["StatusHistory"])
        if detail["Status"] == "Succeeded":
            break
        api.advance(15)
    assert seen[-1] == "Succeeded"
    assert "Running" in seen
    history = [h["Status"] for h in detail["StatusHistory"]]
    assert history[:2] == ["Creating", "Queuing"] and history[-1] == "Succeeded"
    assert detail["GmtRunningTime"] and detail["GmtFinishTime"] and detail["GmtSuccessedTime"]
    assert detail["Duration"] > 0
    assert all(p["Status"] == "Succeeded" for p in detail["Pods"])


async def test_restarts_make_history_pods(api: Api) -> None:
    job_id = api.find("Restarting")
    detail = await api.job(job_id)
    assert detail["RestartTimes"].startswith("1/")
    assert detail["RestartRecord"][0]["Reason"] == "NodeNotReady"
    assert all(len(p["HistoryPods"]) == 1 for p in detail["Pods"])
    assert all(p["Status"] == "Pending" for p in detail["Pods"])
    old = detail["Pods"][0]["HistoryPods"][0]
    assert old["PodId"] == detail["Pods"][0]["PodId"] and old["PodUid"] != detail["Pods"][0]["PodUid"]
    assert old["Status"] == "Failed"


# --- mutations ---

async def test_stop_job(api: Api) -> None:
    job_id = api.find("Running")
    body = await api.call("POST", f"{JOBS}/{job_id}/stop")
    assert body["JobId"] == job_id and body["RequestId"]
    assert (await api.job(job_id))["Status"] == "Stopping"
    await api.call("POST", f"{JOBS}/{job_id}/stop")  # already stopping: a no-op
    api.advance(15)
    detail = await api.job(job_id)
    assert detail["Status"] == "Stopped"
    assert detail["ReasonCode"] == "JobStoppedByUser" and detail["ReasonMessage"] == "Job is stopped by user."
    assert detail["GmtStoppedTime"] and detail["StatusHistory"][-2]["Status"] == "Stopping"
    assert_contiguous(detail["StatusHistory"])
    err = await api.call("POST", f"{JOBS}/{job_id}/stop", status=400)
    assert err["Code"] == "InvalidParameter.JobStatus" and "Stopped" in err["Message"]


async def test_delete_job(api: Api) -> None:
    running = api.find("Running")
    err = await api.call("DELETE", f"{JOBS}/{running}", status=400)
    assert err["Code"] == "InvalidParameter.JobStatus"
    done = api.find("Succeeded")
    workspace = api.world.dlc.job(done).workspace_id
    assert (await api.call("DELETE", f"{JOBS}/{done}"))["JobId"] == done
    err = await api.call("GET", f"{JOBS}/{done}", status=404)
    assert err["Code"] == "NotFound.Job"
    listed = await api.get(JOBS, JobId=done, **wide(WorkspaceId=workspace))
    assert listed["TotalCount"] == 0
    await api.call("DELETE", f"{JOBS}/{done}", status=404)


async def test_update_job(api: Api) -> None:
    job_id = api.find("Queuing")
    await api.call("PUT", f"{JOBS}/{job_id}", body={"Priority": 9, "Description": "bump", "Accessibility": "PUBLIC"})
    detail = await api.job(job_id)
    assert (detail["Priority"], detail["Description"], detail["Accessibility"]) == (9, "bump", "PUBLIC")
    for bad in (0, 10):
        err = await api.call("PUT", f"{JOBS}/{job_id}", body={"Priority": bad}, status=400)
        assert err["Code"] == "InvalidParameter"
    running = api.find("Running")
    err = await api.call("PUT", f"{JOBS}/{running}", status=400, body={
        "JobSpecs": [{"Type": "Worker", "Image": IMAGE, "PodCount": 2, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"}]})
    assert err["Code"] == "InvalidParameter.JobStatus"
    await api.call("PUT", f"{JOBS}/nope", body={"Priority": 3}, status=404)


def create_body(**overrides: Any) -> dict[str, Any]:
    body = {"DisplayName": "llama3-8b-sft-lr2e-5", "JobType": "PyTorchJob", "WorkspaceId": "264904",
            "UserCommand": "torchrun train.py", "Priority": 3,
            "JobSpecs": [{"Type": "Worker", "Image": IMAGE, "PodCount": 2, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"}],
            "Settings": {"Tags": {"team": "llm"}}}
    body.update(overrides)
    return body


async def test_create_job_lives(api: Api) -> None:
    created = await api.call("POST", JOBS, body=create_body())
    job_id = created["JobId"]
    detail = await api.job(job_id)
    assert detail["Status"] == "Creating" and detail["UserId"] == DEMO_USER.user_id
    assert detail["JobSpecs"][0]["EcsSpec"] == "ecs.gn7i-c8g1.2xlarge" and detail["Settings"]["Tags"] == {"team": "llm"}
    statuses = set()
    for _ in range(60):
        api.advance(10)
        statuses.add((await api.job(job_id))["Status"])
    assert {"Queuing", "EnvPreparing", "Running", "Succeeded"} <= statuses
    listed = await api.get(JOBS, WorkspaceId="264904", Tags=json.dumps({"team": "llm"}), DisplayName="LLAMA3-8B-SFT")
    assert job_id in [j["JobId"] for j in listed["Jobs"]]


async def test_create_job_failing_command(api: Api) -> None:
    job_id = (await api.call("POST", JOBS, body=create_body(UserCommand="python train.py; exit 1")))["JobId"]
    api.advance(600)
    detail = await api.job(job_id)
    assert detail["Status"] == "Failed" and detail["ReasonCode"] == "UserCodeError"


async def test_create_job_validation(api: Api) -> None:
    both = create_body(JobSpecs=[{"Type": "Worker", "Image": IMAGE, "PodCount": 1, "EcsSpec": "ecs.g7.2xlarge",
                                  "ResourceConfig": {"CPU": "8", "Memory": "32Gi"}}], ResourceId="quota2a5s8d1f4g7h")
    err = await api.call("POST", JOBS, body=both, status=400)
    assert err["Code"] == "InvalidParameter" and "mutually exclusive" in err["Message"]
    assert "EcsSpec" in err["Message"] and "ResourceConfig" in err["Message"]
    cases = [
        (create_body(DisplayName=None), "MissingParameter"),
        (create_body(JobType="KerasJob"), "InvalidParameter"),
        (create_body(JobSpecs=[]), "MissingParameter"),
        (create_body(WorkspaceId="999999"), "InvalidParameter"),
        (create_body(Priority=12), "InvalidParameter"),
        (create_body(JobSpecs=[{"Type": "Worker", "Image": IMAGE, "EcsSpec": "ecs.nope"}]), "InvalidParameter"),
        (create_body(JobSpecs=[{"Type": "Worker", "Image": IMAGE, "ResourceConfig": {"CPU": "4"}}]),
         "MissingParameter"),
    ]
    for body, code in cases:
        body = {k: v for k, v in body.items() if v is not None}
        assert (await api.call("POST", JOBS, body=body, status=400))["Code"] == code, body
    config = {"CPU": "8", "GPU": "1", "Memory": "32Gi"}
    quota = create_body(ResourceId="quota2a5s8d1f4g7h", JobSpecs=[
        {"Type": "Worker", "Image": IMAGE, "PodCount": 1, "ResourceConfig": config}])
    job_id = (await api.call("POST", JOBS, body=quota))["JobId"]
    detail = await api.job(job_id)
    assert detail["ResourceId"] == "quota2a5s8d1f4g7h" and detail["JobSpecs"][0]["ResourceConfig"]["GPU"] == "1"


# --- ListJobs ---

async def test_list_jobs_default_window_and_workspace(api: Api) -> None:
    body = await api.get(JOBS, PageSize=1000)
    week_ago = api.world.clock.now() - timedelta(days=7)
    assert body["TotalCount"] == len(body["Jobs"]) > 0
    assert all(j["GmtCreateTime"] >= iso(week_ago) for j in body["Jobs"])
    assert {j["WorkspaceId"] for j in body["Jobs"]} == {"264901"}  # the default workspace
    everything = await api.get(JOBS, PageSize=1000, **wide(WorkspaceId="264901"))
    assert everything["TotalCount"] > body["TotalCount"] * 2
    created = [j["GmtCreateTime"] for j in body["Jobs"]]
    assert created == sorted(created, reverse=True)


async def test_list_jobs_filters(api: Api) -> None:
    mine = await api.get(JOBS, ShowOwn="True", FromAllWorkspaces="True", PageSize=1000)
    assert mine["TotalCount"] > 0 and {j["UserId"] for j in mine["Jobs"]} == {DEMO_USER.user_id}
    assert len({j["WorkspaceId"] for j in mine["Jobs"]}) > 1
    err = await api.call("GET", JOBS, params={"FromAllWorkspaces": "true"}, status=400)
    assert err["Code"] == "InvalidParameter"
    ws = wide(WorkspaceId="264901", PageSize=1000)
    typed = await api.get(JOBS, JobType="RayJob", **ws)
    assert typed["Jobs"] and {j["JobType"] for j in typed["Jobs"]} == {"RayJob"}
    some = typed["Jobs"][0]
    name = some["DisplayName"][2:9].upper()
    named = await api.get(JOBS, DisplayName=name, **ws)
    assert some["JobId"] in [j["JobId"] for j in named["Jobs"]]
    assert all(name.lower() in j["DisplayName"].lower() for j in named["Jobs"])
    other = typed["Jobs"][1]["JobId"]
    both = await api.get(JOBS, JobId=some["JobId"], JobIds=other, **ws)
    assert [j["JobId"] for j in both["Jobs"]] == [some["JobId"]]
    ids = await api.get(JOBS, JobIds=f"{some['JobId']},{other}", **ws)
    assert {j["JobId"] for j in ids["Jobs"]} == {some["JobId"], other}
    user = await api.get(JOBS, Username="LIN.W", **ws)
    assert {j["Username"] for j in user["Jobs"]} == {"lin.wei"}
    by_id = await api.get(JOBS, UserIdForFilter=DEMO_USER.user_id, **ws)
    assert {j["UserId"] for j in by_id["Jobs"]} == {DEMO_USER.user_id}
    tagged = await api.get(JOBS, Tags=json.dumps({"team": "llm"}), **ws)
    assert tagged["Jobs"] and all(j["Settings"]["Tags"].get("team") == "llm" for j in tagged["Jobs"])
    spot = await api.get(JOBS, PaymentType="Spot", **ws)
    assert all(j["EnablePreemptibleJob"] for j in spot["Jobs"])
    quota = await api.get(JOBS, ResourceQuotaName="A100", **ws)
    assert quota["Jobs"] and {j["ResourceQuotaName"] for j in quota["Jobs"]} == {"llm-a100-pool"}
    failed = await api.get(JOBS, Status="Failed", **ws)
    assert failed["Jobs"] and all(j["Status"] == "Failed" and j["ReasonCode"] for j in failed["Jobs"])
    for bad in ({"SortBy": "Priority"}, {"Status": "Sleeping"}, {"Order": "up"}, {"PageNumber": 0},
                {"JobType": "pytorchjob"}, {"PageSize": 5000}, {"Tags": "not json"}):
        assert (await api.call("GET", JOBS, params=bad, status=400))["Code"] == "InvalidParameter", bad


async def test_list_jobs_sort_and_pagination(api: Api) -> None:
    ws = wide(WorkspaceId="264901")
    full = await api.get(JOBS, PageSize=1000, SortBy="DisplayName", Order="asc", **ws)
    names = [j["DisplayName"] for j in full["Jobs"]]
    assert names == sorted(names)
    pages = []
    for n in range(1, 5):
        pages += (await api.get(JOBS, PageSize=7, PageNumber=n, SortBy="DisplayName", Order="asc", **ws))["Jobs"]
    assert [j["JobId"] for j in pages] == [j["JobId"] for j in full["Jobs"][:28]]
    default_size = await api.get(JOBS, **ws)
    assert len(default_size["Jobs"]) == 10 and default_size["TotalCount"] == full["TotalCount"]
    beyond = await api.get(JOBS, PageNumber=999, PageSize=100, **ws)
    assert beyond["Jobs"] == [] and beyond["TotalCount"] == full["TotalCount"]
    by_status = await api.get(JOBS, PageSize=1000, SortBy="Status", Order="desc", **ws)
    statuses = [j["Status"] for j in by_status["Jobs"]]
    assert statuses == sorted(statuses, reverse=True)
    finished = await api.get(JOBS, PageSize=1000, SortBy="GmtFinishTime", Order="desc", **ws)
    ends = [j["GmtFinishTime"] for j in finished["Jobs"] if j["GmtFinishTime"]]
    assert ends == sorted(ends, reverse=True)
    assert finished["Jobs"][-1]["GmtFinishTime"] is None  # unfinished jobs sort last in desc
    asc = await api.get(JOBS, PageSize=1000, Order="asc", **ws)
    assert [j["JobId"] for j in asc["Jobs"]] == [j["JobId"] for j in reversed((await api.get(
        JOBS, PageSize=1000, **ws))["Jobs"])]
