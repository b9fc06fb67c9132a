"""The official pai-dlc SDK (alibabacloud_pai_dlc20201203) against the simulated cloud: every simulated
operation once, through the sync and the async client, with AK, STS and bearer credentials; the typed models
must come back populated (a wire-shape mistake in the sim shows up here as a None or a wrong type)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from alibabacloud_pai_dlc20201203 import models as dlc
from alibabacloud_pai_dlc20201203.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException

pytestmark = pytest.mark.interop

Call = Callable[..., Awaitable[Any]]
IMAGE = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py311-cu121-ubuntu22.04"
CONTENT = {"JobType": "PyTorchJob", "UserCommand": "python -c 'print(123)'",
           "JobSpecs": [{"Type": "Worker", "PodCount": 1, "Image": IMAGE, "EcsSpec": "ecs.gn6i-c4g1.xlarge"}]}


def caller(client: Client, use_async: bool) -> Call:
    """``await call("list_jobs", request)`` through either flavour of the SDK client."""
    async def call(name: str, *args: Any) -> Any:
        if use_async:
            return (await getattr(client, f"{name}_async")(*args)).body
        return getattr(client, name)(*args).body

    return call


def pick(world: Any, pred: Callable[[Any], bool]) -> Any:
    now = world.clock.now().timestamp()
    world.dlc.sync(now)
    return next(j for j in reversed(world.dlc.all_jobs()) if pred(j))


def status_is(world: Any, status: str, **attrs: Any) -> Callable[[Any], bool]:
    def pred(job: Any) -> bool:
        now = world.clock.now().timestamp()
        return job.status_at(now) == status and all(getattr(job, k) == v for k, v in attrs.items())

    return pred


async def exercise(call: Call, world: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["jobs"] = await call("list_jobs", dlc.ListJobsRequest(
        show_own=True, from_all_workspaces=True, page_size=20, sort_by="GmtCreateTime", order="desc",
        start_time="2020-01-01T00:00:00Z", end_time="2030-01-01T00:00:00Z"))
    running = pick(world, status_is(world, "Running", payment="PrePaid"))
    out["job"] = await call("get_job", running.job_id, dlc.GetJobRequest(need_detail=True))
    pod = out["job"].pods[0]
    out["logs"] = await call("get_pod_logs", running.job_id, pod.pod_id, dlc.GetPodLogsRequest(
        pod_uid=pod.pod_uid, max_lines=100, start_time="2020-01-01T00:00:00Z"))
    out["pod_events"] = await call("get_pod_events", running.job_id, pod.pod_id, dlc.GetPodEventsRequest(
        pod_uid=pod.pod_uid, start_time="2020-01-01T00:00:00Z", max_events_num=50))
    out["job_events"] = await call("get_job_events", running.job_id, dlc.GetJobEventsRequest(
        start_time="2020-01-01T00:00:00Z"))
    out["metrics"] = await call("get_job_metrics", running.job_id, dlc.GetJobMetricsRequest(
        metric_type="CpuCoreUsage", time_step="1m"))
    out["terminal"] = await call("get_web_terminal", running.job_id, pod.pod_id,
                                 dlc.GetWebTerminalRequest(pod_uid=pod.pod_uid))
    out["ecs"] = await call("list_ecs_specs", dlc.ListEcsSpecsRequest(accelerator_type="GPU", page_size=50,
                                                                      sort_by="GPU", order="desc"))
    sane = pick(world, lambda j: j.sanity_check and j.status_at(world.clock.now().timestamp()) not in
                ("Creating", "Queuing", "Bidding", "EnvPreparing"))
    out["sanity_list"] = await call("list_job_sanity_check_results", sane.job_id,
                                    dlc.ListJobSanityCheckResultsRequest(order="asc"))
    out["sanity"] = await call("get_job_sanity_check_result", sane.job_id,
                               dlc.GetJobSanityCheckResultRequest(sanity_check_number=1))
    ray = pick(world, lambda j: j.job_type == "RayJob")
    out["token"] = await call("get_token", dlc.GetTokenRequest(target_type="job", target_id=ray.job_id,
                                                               expire_time=3600))
    out["dashboard"] = await call("get_dashboard", ray.job_id, dlc.GetDashboardRequest(
        is_shared=True, token=out["token"].token))
    out["ray_dashboard"] = await call("get_ray_dashboard", ray.job_id, dlc.GetRayDashboardRequest())

    # mutations
    out["update"] = await call("update_job", running.job_id, dlc.UpdateJobRequest(priority=8, description="sdk"))
    out["after_update"] = await call("get_job", running.job_id, dlc.GetJobRequest())
    victim = pick(world, status_is(world, "Running"))
    out["stop"] = await call("stop_job", victim.job_id)
    out["stopped"] = await call("get_job", victim.job_id, dlc.GetJobRequest())
    done = pick(world, status_is(world, "Succeeded"))
    out["delete"] = await call("delete_job", done.job_id)
    out["created"] = await call("create_job", dlc.CreateJobRequest(
        display_name="llama3-8b-sft-sdk", job_type="PyTorchJob", workspace_id="264904",
        user_command="torchrun train.py", priority=4, settings=dlc.JobSettings(tags={"team": "llm"}),
        job_specs=[dlc.JobSpec(type="Worker", image=IMAGE, pod_count=2, ecs_spec="ecs.gn7i-c8g1.2xlarge")]))
    out["created_job"] = await call("get_job", out["created"].job_id, dlc.GetJobRequest())

    # tensorboards
    out["tb_create"] = await call("create_tensorboard", dlc.CreateTensorboardRequest(
        job_id=running.job_id, max_running_time_minutes=60, display_name="tb-sdk"))
    tb_id = out["tb_create"].tensorboard_id
    out["tbs"] = await call("list_tensorboards", dlc.ListTensorboardsRequest(page_size=50, show_own=True))
    out["tb"] = await call("get_tensorboard", tb_id, dlc.GetTensorboardRequest(jod_id=running.job_id))
    out["tb_update"] = await call("update_tensorboard", tb_id, dlc.UpdateTensorboardRequest(
        max_running_time_minutes=120, accessibility="PUBLIC"))
    out["tb_url"] = await call("get_tensorboard_shared_url", tb_id,
                               dlc.GetTensorboardSharedUrlRequest(expire_time_seconds="3600"))
    out["tb_stop"] = await call("stop_tensorboard", tb_id, dlc.StopTensorboardRequest())
    out["tb_start"] = await call("start_tensorboard", tb_id, dlc.StartTensorboardRequest())
    out["tb_delete"] = await call("delete_tensorboard", tb_id, dlc.DeleteTensorboardRequest())

    # job templates
    out["tpl_create"] = await call("create_job_template", dlc.CreateJobTemplateRequest(
        template_name="demo-pytorch-template", workspace_id="264904", content=json.dumps(CONTENT),
        constraints={"JobSpecs[0].Image": "locked"}, metadata={"team": "llm"}))
    tpl_id = out["tpl_create"].template_id
    out["tpl_update"] = await call("update_job_template", tpl_id, dlc.UpdateJobTemplateRequest(
        content=json.dumps(dict(CONTENT, UserCommand="python train.py")), constraints={"UserCommand": "required"}))
    out["tpl_default"] = await call("set_job_template_default_version", tpl_id,
                                    dlc.SetJobTemplateDefaultVersionRequest(version=2))
    out["tpl"] = await call("get_job_template", tpl_id, dlc.GetJobTemplateRequest(version="all"))
    out["tpls"] = await call("list_job_templates", dlc.ListJobTemplatesRequest(workspace_id="264904",
                                                                               page_size=50))
    out["tpl_delete"] = await call("delete_job_template", tpl_id, dlc.DeleteJobTemplateRequest())
    return out


def check_models(out: dict[str, Any]) -> None:
    jobs = out["jobs"]
    assert jobs.total_count > 0 and jobs.request_id and jobs.jobs[0].status and jobs.jobs[0].job_id
    assert jobs.jobs[0].status_history[0].status == "Creating" and jobs.jobs[0].job_specs[0].type

    job = out["job"]
    assert job.status == "Running" and isinstance(job.request_gpu, float)
    assert job.job_specs[0].resource_config.cpu and job.job_specs[0].resource_config.memory.endswith("Gi")
    assert job.pods[0].pod_uid and job.pods[0].status == "Running" and job.status_history[-1].status == "Running"
    assert job.restart_times.count("/") == 1 and job.gmt_create_time.endswith("Z")

    logs = out["logs"]
    assert logs.logs and logs.pod_uid == job.pods[0].pod_uid and logs.container_info.main_container
    assert logs.logs[0][:4].isdigit() and logs.logs[0][23] == "Z"
    assert out["pod_events"].events and out["pod_events"].pod_id == job.pods[0].pod_id
    assert "JobCreated" in out["job_events"].events[0]
    assert out["metrics"].pod_metrics[0].metrics[0].time > 10**12
    assert isinstance(out["metrics"].pod_metrics[0].metrics[0].value, float)
    assert out["terminal"].web_terminal_url.startswith("wss://")

    ecs = out["ecs"]
    assert ecs.total_count >= 20 and ecs.ecs_specs[0].gpu >= ecs.ecs_specs[-1].gpu >= 1
    assert ecs.ecs_specs[0].instance_type and ecs.ecs_specs[0].gpu_type and ecs.ecs_specs[0].payment_types

    assert out["sanity_list"].request_id and out["sanity_list"].sanity_check_results[0][0].phase == "CheckInit"
    assert out["sanity"].request_id and out["sanity"].sanity_check_result[0].check_number == 1

    assert out["token"].token and out["token"].token in out["dashboard"].url
    assert out["ray_dashboard"].url and out["ray_dashboard"].metrics_enabled == "true"

    assert out["update"].job_id == job.job_id and out["after_update"].priority == 8
    assert out["after_update"].description == "sdk"
    assert out["stop"].job_id and out["stopped"].status == "Stopping"
    assert out["delete"].job_id
    created = out["created_job"]
    assert created.job_id == out["created"].job_id and created.status == "Creating"
    assert created.job_specs[0].ecs_spec == "ecs.gn7i-c8g1.2xlarge" and created.settings.tags == {"team": "llm"}

    assert out["tb_create"].tensorboard_id and out["tb_create"].job_id == job.job_id
    assert out["tbs"].total_count >= 1 and out["tbs"].tensorboards[0].tensorboard_id
    tb = out["tb"]
    assert tb.request_id and tb.status == "Creating" and tb.display_name == "tb-sdk" and tb.duration == "0"
    assert tb.tensorboard_data_sources[0].uri and tb.tensorboard_spec.ecs_type
    assert out["tb_update"].tensorboard_id == tb.tensorboard_id
    assert "token=" in out["tb_url"].tensorboard_shared_url
    for key in ("tb_stop", "tb_start", "tb_delete"):
        assert out[key].tensorboard_id == tb.tensorboard_id and out[key].request_id

    assert out["tpl_create"].template_id and out["tpl_create"].version == 1
    assert out["tpl_update"].version_created is True and out["tpl_update"].version == 2
    assert out["tpl_default"].default_version == 2
    tpl = out["tpl"]
    assert tpl.default_version == 2 and [v.version for v in tpl.versions] == [1, 2]
    assert tpl.versions[1].constraints == {"UserCommand": "required"} and tpl.versions[0].content["JobType"]
    assert tpl.template_id in [t.template_id for t in out["tpls"].job_templates]
    assert out["tpl_delete"].template_id == tpl.template_id


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_every_operation_sync(sim_server: Any, sdk_config: Callable[..., Any], kind: str) -> None:
    check_models(await exercise(caller(Client(sdk_config(kind)), use_async=False), sim_server.world))


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_every_operation_async(sim_server: Any, sdk_config: Callable[..., Any], kind: str) -> None:
    check_models(await exercise(caller(Client(sdk_config(kind)), use_async=True), sim_server.world))


def test_stop_is_visible(sim_server: Any, sdk_config: Callable[..., Any]) -> None:
    world = sim_server.world
    client = Client(sdk_config())
    job = pick(world, status_is(world, "Running"))
    client.stop_job(job.job_id)
    body = client.get_job(job.job_id, dlc.GetJobRequest()).body
    assert body.status == "Stopping" and body.reason_code == "JobStoppedByUser"
    assert body.status_history[-1].status == "Stopping" and body.status_history[-2].status == "Running"
    # the world's clock is shared with the other interop tests: the rest of the stop is checked in
    # tests/sim/test_dlc_jobs.py; here a job already finished refuses to stop
    done = pick(world, status_is(world, "Succeeded"))
    with pytest.raises(ClientException) as caught:
        client.stop_job(done.job_id)
    assert caught.value.code == "InvalidParameter.JobStatus" and caught.value.statusCode == 400


@pytest.mark.parametrize(("call", "code"), [
    (lambda c: c.get_job("dlcnope", dlc.GetJobRequest()), "NotFound.Job"),
    (lambda c: c.get_tensorboard("tbnope", dlc.GetTensorboardRequest()), "NotFound.Tensorboard"),
    (lambda c: c.get_job_template("jt-nope", dlc.GetJobTemplateRequest()), "NotFound.JobTemplate"),
    (lambda c: c.list_jobs(dlc.ListJobsRequest(sort_by="Nope")), "InvalidParameter"),
    (lambda c: c.create_job(dlc.CreateJobRequest(
        display_name="x", job_type="PyTorchJob", workspace_id="264904", user_command="true", resource_id="q",
        job_specs=[dlc.JobSpec(type="Worker", image=IMAGE, pod_count=1, ecs_spec="ecs.g7.2xlarge",
                               resource_config=dlc.ResourceConfig(cpu="4", memory="16Gi"))])), "InvalidParameter"),
])
def test_errors_are_client_exceptions(sdk_config: Callable[..., Any], call: Callable[[Client], Any],
                                      code: str) -> None:
    with pytest.raises(ClientException) as caught:
        call(Client(sdk_config()))
    assert caught.value.code == code and caught.value.statusCode in (400, 404)
