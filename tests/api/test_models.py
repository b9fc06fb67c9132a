"""Response models: lenient parsing of the inconsistent wire (docs/WIRE.md §2.6–2.8, §7, §8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paitui.api.models import dlc, flow, plugin, workspace
from paitui.api.models.common import (
    JOB_TERMINAL,
    NODE_SUCCEEDED,
    NODE_TERMINAL,
    RUN_TERMINAL,
    UTC8,
    Bool,
    Float,
    Int,
    JobStatus,
    NodeStatus,
    Obj,
    ScheduleStatus,
    Str,
    Time,
    Utc8Time,
    WireModel,
    normalize_node_status,
    parse_time,
    schedule_status_text,
    wire,
)
from paitui.api.operations import OPERATIONS

T0 = datetime(2021, 1, 12, 14, 35, 1, tzinfo=UTC)

LIST_JOBS = {
    "RequestId": "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
    "TotalCount": "2",  # numbers as strings must be fine
    "Jobs": [
        {
            "JobId": "dlc-abc123",
            "DisplayName": "train-bert",
            "JobType": "PyTorchJob",
            "Status": "Running",
            "SubStatus": "",
            "GmtCreateTime": "2021-01-12T14:35:01Z",
            "GmtRunningTime": "2021-01-12T14:36:01.250Z",
            "GmtFinishTime": "",
            "Duration": "3600",
            "NodeCount": "2",
            "RequestCPU": 16,
            "RequestGPU": "2",
            "RequestMemory": "64Gi",
            "Priority": "5",
            "RestartTimes": "1/10",
            "ResourceType": "ECS",
            "EnablePreemptibleJob": "false",
            "supportedProfilingTypes": "sysom",
            "JobSpecs": [
                {
                    "Type": "Worker",
                    "Image": "registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch:2.1",
                    "PodCount": 2,
                    "EcsSpec": "ecs.gn6v-c8g1.2xlarge",
                    "IsCheif": True,
                    "IsChief": True,
                    "ResourceConfig": {"CPU": "8", "GPU": "1", "Memory": "32Gi", "GPUType": "V100"},
                    "SpotSpec": {"SpotStrategy": "SpotWithPriceLimit", "SpotDiscountLimit": 0.4},
                }
            ],
            "Pods": [
                {
                    "PodId": "dlc-abc123-worker-0",
                    "PodUid": "uid-0",
                    "Type": "Worker",
                    "Status": "Running",
                    "Ip": "10.0.0.1",
                    "GmtStartTime": "2021-01-12T14:36:00Z",
                    "PodIps": [{"InterfaceName": "eth0", "Ip": "10.0.0.1"}],
                    "HistoryPods": [
                        {"PodId": "dlc-abc123-worker-0", "PodUid": "uid-old", "Status": "Failed",
                         "GmtFinishTime": "2021-01-12T14:35:50Z"}
                    ],
                }
            ],
            "StatusHistory": [
                {"Status": "Queuing", "StartTime": "2021-01-12T14:35:01Z", "EndTime": "2021-01-12T14:35:30Z"},
                {"Status": "Running", "StartTime": "2021-01-12T14:36:01Z", "ReasonCode": "JobRunning"},
            ],
            "Settings": {"Tags": {"team": "ml"}, "EnableSanityCheck": "true"},
            "Envs": {"A": "1"},
            "SomethingNew": {"added": "tomorrow"},
        },
        {"JobId": "dlc-def456", "Status": "SomeFutureStatus"},
    ],
}


def test_list_jobs_parses_realistic_body() -> None:
    body = dlc.ListJobsResponse.model_validate(LIST_JOBS)
    assert body.total_count == 2
    job = body.jobs[0]  # type: ignore[index]
    assert job.gmt_create_time == T0
    assert job.gmt_running_time == datetime(2021, 1, 12, 14, 36, 1, 250000, tzinfo=UTC)
    assert job.gmt_finish_time is None  # "" means unset
    assert (job.duration, job.node_count, job.request_cpu, job.request_gpu) == (3600, 2, 16, 2.0)
    assert job.request_memory == "64Gi"
    assert job.priority == 5
    assert job.enable_preemptible_job is False
    assert job.supported_profiling_types == "sysom"
    assert job.restarts == (1, 10)
    assert job.gpu_count == 2.0
    spec = job.job_specs[0]  # type: ignore[index]
    assert spec.is_cheif is True and spec.is_chief is True
    assert spec.resource_config is not None and spec.resource_config.gpu_type == "V100"
    assert spec.resource_config.gpu_count == 1.0 and spec.resource_config.memory == "32Gi"
    assert spec.spot_spec == {"SpotStrategy": "SpotWithPriceLimit", "SpotDiscountLimit": 0.4}
    pod = job.pods[0]  # type: ignore[index]
    assert pod.pod_ips[0].interface_name == "eth0"  # type: ignore[index]
    assert pod.history_pods[0].pod_uid == "uid-old"  # type: ignore[index]
    assert pod.history_pods[0].gmt_finish_time == datetime(2021, 1, 12, 14, 35, 50, tzinfo=UTC)  # type: ignore[index]
    assert [s.status for s in job.status_history] == ["Queuing", "Running"]  # type: ignore[union-attr]
    assert job.status_history[1].end_time is None  # type: ignore[index]
    assert job.settings is not None and job.settings.tags == {"team": "ml"} and job.settings.enable_sanity_check
    assert job.model_extra == {"SomethingNew": {"added": "tomorrow"}}
    assert not job.is_terminal
    # an unknown status never breaks parsing
    other = body.jobs[1]  # type: ignore[index]
    assert other.status == "SomeFutureStatus" and other.pods is None and other.gpu_count is None


def test_get_job_shares_the_job_model_with_float_types() -> None:
    body = dlc.GetJobResponse.model_validate({
        "RequestId": "r-1", "JobId": "dlc-1", "Status": "Stopped", "RequestGPU": 0.5, "RequestMemory": 32.0,
        "Pods": [{"PodId": "p", "Duration": "12.5", "ResourceType": "Lingjun"}],
        "RestartRecord": [{"OccurTime": "2024-01-01T00:00:00Z", "TriggerID": "t",
                           "DetailErrorInfoList": [{"ErrorCode": "E1", "TriggerRestart": "true"}]}],
        "CustomEnvs": [{"Key": "K", "Value": "V", "Visible": "true"}],
        "RestartTimes": "garbage",
    })
    assert isinstance(body, dlc.JobItem)
    assert body.request_id == "r-1" and body.request_gpu == 0.5 and body.request_memory == "32"
    assert body.pods[0].duration == 12.5  # type: ignore[index]
    assert body.restart_record[0].trigger_id == "t"  # type: ignore[index]
    assert body.restart_record[0].detail_error_info_list[0].trigger_restart is True  # type: ignore[index]
    assert body.is_terminal and body.restarts is None


def test_oddly_spelled_keys() -> None:
    sanity = dlc.ListJobSanityCheckResultsResponse.model_validate({
        "RequestID": "r", "TotalCount": 1,
        "SanityCheckResults": [[{"CheckNumber": "1", "Phase": "DeviceCheck", "Status": "Succeeded",
                                 "StartedAt": "2024-01-01T00:00:00Z", "FinishedAt": "2024-01-01T00:01:00Z"}]],
    })
    assert sanity.request_id == "r"
    item = sanity.sanity_check_results[0][0]  # type: ignore[index]
    assert item.check_number == 1 and item.finished_at - item.started_at == timedelta(minutes=1)  # type: ignore[operator]
    assert dlc.GetJobSanityCheckResultResponse.model_validate({"RequestID": "x"}).request_id == "x"
    ray = dlc.GetRayDashboardResponse.model_validate({"url": "https://ray", "metricsEnabled": "true"})
    assert ray.url == "https://ray" and ray.metrics_enabled == "true"
    assert dlc.GetDashboardResponse.model_validate({"url": "u"}).url == "u"
    listed = workspace.ListWorkspacesResponse.model_validate(
        {"Workspaces": [{"WorkspaceId": "1", "resourceGroupId": "rg-1", "Status": "ENABLED"}]}
    )
    assert listed.workspaces[0].resource_group_id == "rg-1"  # type: ignore[index]
    fetched = workspace.GetWorkspaceResponse.model_validate({"WorkspaceId": "1", "ResourceGroupId": "rg-2"})
    assert fetched.resource_group_id == "rg-2"


def test_models_can_be_built_by_attribute_name_and_dump_wire_keys() -> None:
    job = dlc.JobItem(job_id="dlc-1", request_cpu=4, supported_profiling_types="x")
    assert job.model_dump(by_alias=True, exclude_none=True) == {
        "JobId": "dlc-1", "RequestCPU": 4, "supportedProfilingTypes": "x"
    }


def test_missing_fields_are_none() -> None:
    for op in OPERATIONS.values():
        empty = op.response.model_validate({})
        assert all(getattr(empty, name) is None for name in type(empty).model_fields), op.action


def test_every_field_has_an_explicit_wire_alias() -> None:
    seen: set[type] = set()

    def visit(model: type[WireModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            assert info.alias, f"{model.__name__}.{name}"
            assert info.default is None
            for arg in _model_args(info.annotation):
                visit(arg)

    for op in OPERATIONS.values():
        visit(op.response)
    assert dlc.PodItem in seen and flow.PipelineRunNode in seen and plugin.Schedule in seen


def _model_args(annotation: object) -> list[type[WireModel]]:
    found: list[type[WireModel]] = []
    if get_origin(annotation) is None and isinstance(annotation, type) and issubclass(annotation, WireModel):
        found.append(annotation)
    for arg in get_args(annotation):
        found.extend(_model_args(arg))
    return found


def test_metrics_time_is_epoch_milliseconds() -> None:
    body = dlc.GetJobMetricsResponse.model_validate({
        "JobId": "j", "PodMetrics": [{"PodId": "p", "Metrics": [{"Time": 1704067200000, "Value": "0.5"},
                                                                {"Time": "1704067260000", "Value": 1}]}],
    })
    samples = body.pod_metrics[0].metrics  # type: ignore[index]
    assert samples[0].time == datetime(2024, 1, 1, tzinfo=UTC) and samples[0].value == 0.5  # type: ignore[index]
    assert samples[1].time == datetime(2024, 1, 1, 0, 1, tzinfo=UTC) and samples[1].value == 1.0  # type: ignore[index]


def test_pod_logs_and_events() -> None:
    logs = dlc.GetPodLogsResponse.model_validate({
        "JobId": "j", "PodId": "p", "PodUid": "u", "Logs": ["a", "b"],
        "ContainerInfo": {"MainContainer": "pytorch", "SidecarContainers": ["aimaster-worker"]},
    })
    assert logs.logs == ["a", "b"] and logs.container_info.sidecar_containers == ["aimaster-worker"]  # type: ignore[union-attr]
    assert dlc.GetJobEventsResponse.model_validate({"Events": []}).events == []


def test_tensorboard_and_templates() -> None:
    board = dlc.GetTensorboardResponse.model_validate({
        "RequestId": "r", "TensorboardId": "tb-1", "Status": "Running", "Duration": "120", "Cpu": "2",
        "GmtCreateTime": "2024-01-01T00:00Z", "TensorboardDataSources": [{"Id": "d", "SummaryPath": "/x"}],
    })
    assert board.duration == 120 and board.cpu == 2
    assert board.gmt_create_time == datetime(2024, 1, 1, tzinfo=UTC)
    assert board.tensorboard_data_sources[0].summary_path == "/x"  # type: ignore[index]
    template = dlc.GetJobTemplateResponse.model_validate(
        {"TemplateId": "t", "DefaultVersion": "2", "Versions": [{"Version": 1, "Content": {"a": 1}}]}
    )
    assert template.default_version == 2 and template.versions[0].content == {"a": 1}  # type: ignore[index]


def test_pipeline_run_node_tree_and_succeed_spelling() -> None:
    body = flow.GetPipelineRunNodeResponse.model_validate({
        "RequestId": "r", "ApiVersion": "core/v1",
        "Metadata": {"NodeId": "root", "NodeType": "Dag", "Name": "pipeline"},
        "StatusInfo": {"Status": "Running", "StartedAt": "2024-01-01T00:00:00+08:00", "FinishedAt": ""},
        "Spec": {"HasPipelines": "true", "Pipelines": [
            {"Metadata": {"NodeId": "a", "NodeType": "Task"}, "StatusInfo": {"Status": "Succeed"},
             "Spec": {"Inputs": {"Artifacts": [{"Name": "in"}]}, "Outputs": {"Parameters": []}}},
            {"Metadata": {"NodeId": "b", "NodeType": "Task"}, "StatusInfo": {"Status": "Succeeded"}},
        ]},
    })
    assert [n.metadata.node_id for n in body.walk()] == ["root", "a", "b"]  # type: ignore[union-attr]
    assert body.status_info.started_at == datetime(2023, 12, 31, 16, tzinfo=UTC)  # type: ignore[union-attr]
    assert body.status_info.finished_at is None  # type: ignore[union-attr]
    statuses = [c.status_info.normalized_status for c in body.children]  # type: ignore[union-attr]
    assert statuses == ["Succeeded", "Succeeded"]
    assert all(c.status_info.status in NODE_SUCCEEDED for c in body.children)  # type: ignore[union-attr]
    assert body.children[0].spec.inputs.artifacts == [{"Name": "in"}]  # type: ignore[union-attr]


def test_node_status_list_and_runs_status() -> None:
    body = flow.ListPipelineRunNodeStatusResponse.model_validate(
        {"Status": [{"NodeId": "a", "Status": "Succeed", "StartedAt": 1704067200}]}
    )
    item = body.status[0]  # type: ignore[index]
    assert item.normalized_status == "Succeeded" and item.started_at == datetime(2024, 1, 1, tzinfo=UTC)
    runs = flow.ListPipelineRunsStatusResponse.model_validate({
        "PipelineRuns": [{"PipelineRunId": "flow-1", "Status": "Terminated", "IsDeleted": 0}],
        "Nodes": [{"NodeId": "n", "InputArtifactArchived": "false"}],
        "Outputs": [{"Id": "o", "ExpandedArtifactIndex": "3", "Metadata": {"k": "v"}}],
    })
    assert runs.pipeline_runs[0].is_deleted is False and runs.pipeline_runs[0].status in RUN_TERMINAL  # type: ignore[index]
    assert runs.outputs[0].expanded_artifact_index == 3  # type: ignore[index]


def test_pipeline_runs_list() -> None:
    body = flow.ListPipelineRunsResponse.model_validate({
        "TotalCount": 1, "PipelineRuns": [{"PipelineRunId": "flow-1", "NodeId": "node-root", "Status": "Running",
                                           "Duration": "42", "StartedAt": "2024-01-01T00:00:00.123456789Z"}],
    })
    run = body.pipeline_runs[0]  # type: ignore[index]
    assert run.duration == 42 and run.started_at == datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)


def test_workspace_resources_and_datasets() -> None:
    res = workspace.ListResourcesResponse.model_validate({"Resources": [{
        "Id": "r", "EnvType": "prod", "IsDefault": "true", "Spec": {"a": 1},
        "Quotas": [{"Id": "q", "CardType": "GPU", "Specs": [{"Name": "gpu", "Value": "8"}]}],
        "Encryption": {"Enabled": True}, "Labels": [{"Key": "k", "Value": "v"}],
    }]})
    resource = res.resources[0]  # type: ignore[index]
    assert resource.is_default is True and resource.quotas[0].specs[0].value == "8"  # type: ignore[index]
    dataset = workspace.GetDatasetResponse.model_validate({
        "DatasetId": "d", "GmtCreateTime": "2024-01-01T00:00:00.000Z",
        "LatestVersion": {"VersionName": "v1", "DataSize": "1024"},
        "SharingConfig": {"SharedTo": [{"WorkspaceId": "w", "SharedAt": "2024-01-02T00:00Z"}]},
    })
    assert dataset.latest_version.data_size == 1024  # type: ignore[union-attr]
    assert dataset.sharing_config.shared_to[0].shared_at == datetime(2024, 1, 2, tzinfo=UTC)  # type: ignore[union-attr]
    image = workspace.GetImageResponse.model_validate({"ImageUri": "x", "Size": "10", "Labels": [{"Key": "a"}]})
    assert image.size == 10 and image.labels[0].key == "a"  # type: ignore[index]


def test_plugin_wrapper_and_utc8_times() -> None:
    body = plugin.ListSchedulesResponse.model_validate({
        "RequestId": "r", "ErrorCode": "0", "ErrorMessage": "",
        "Data": {"TotalCount": 1, "PageNumber": 1, "PageSize": 10, "Schedules": [{
            "Id": "s-1", "Status": "4", "CreatedTime": "2024-01-01 08:00:00", "ExecuteTime": "",
            "UpdatedTime": "2024-01-01T00:00:00Z", "EndTime": 0, "RepeatCycleUnit": 2,
        }]},
    })
    assert body.error_code == 0 and body.data.total_count == 1  # type: ignore[union-attr]
    schedule = body.data.schedules[0]  # type: ignore[union-attr,index]
    assert schedule.created_time == datetime(2024, 1, 1, tzinfo=UTC)  # zone-less = UTC+8
    assert schedule.updated_time == datetime(2024, 1, 1, tzinfo=UTC)  # explicit zone wins
    assert schedule.execute_time is None
    assert schedule.status == ScheduleStatus.SENT and schedule.status_text == "sent"
    deleted = plugin.DeleteScheduleResponse.model_validate({"RequestId": "r", "ErrorCode": 0, "Data": "s-1"})
    assert deleted.data == "s-1"
    unknown = plugin.GetScheduleResponse.model_validate({"Data": {"Status": 9}})
    assert unknown.data.status == 9 and unknown.data.status_text == "status 9"  # type: ignore[union-attr]


# --- scalar leniency ------------------------------------------------------------------------------------------


class _Probe(WireModel):
    i: Int = wire("I")
    f: Float = wire("F")
    b: Bool = wire("B")
    s: Str = wire("S")
    o: Obj = wire("O")
    t: Time = wire("T")
    u: Utc8Time = wire("U")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 1), ("12", 12), (" 7 ", 7), ("", None), ("2.0", 2), (2.0, 2), ("2.5", None), ("abc", None), (True, 1),
     ("12345678901234567890", 12345678901234567890), (None, None)],
)
def test_int(raw: object, expected: int | None) -> None:
    assert _Probe.model_validate({"I": raw}).i == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 1.0), ("0.5", 0.5), ("", None), ("nan", None), ("inf", None), ("x", None), (None, None)],
)
def test_float(raw: object, expected: float | None) -> None:
    assert _Probe.model_validate({"F": raw}).f == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), ("true", True), ("True", True), ("FALSE", False), (0, False), (1, True), ("maybe", None)],
)
def test_bool(raw: object, expected: bool | None) -> None:
    assert _Probe.model_validate({"B": raw}).b is expected


def test_str_obj() -> None:
    probe = _Probe.model_validate({"S": 16.0, "O": '{"a": 1}'})
    assert probe.s == "16" and probe.o == {"a": 1}
    assert _Probe.model_validate({"S": 1.5, "O": "not json"}).model_dump() == {
        "i": None, "f": None, "b": None, "s": "1.5", "o": None, "t": None, "u": None
    }


@pytest.mark.parametrize(
    "raw",
    [
        "2021-01-12T14:35:01Z",
        "2021-01-12T14:35:01.000Z",
        "2021-01-12T14:35:01+00:00",
        "2021-01-12T22:35:01+08:00",
        "2021-01-12T22:35:01+0800",
        "2021-01-12 14:35:01",
        "2021-01-12T14:35:01",
        1610462101,
        "1610462101",
        1610462101000,
        "1610462101000",
        1610462101.0,
        T0,
        T0.astimezone(UTC8),
    ],
)
def test_time_variants(raw: object) -> None:
    assert _Probe.model_validate({"T": raw}).t == T0


def test_time_without_seconds_and_unset_markers() -> None:
    assert parse_time("2021-01-12T14:35Z") == T0.replace(second=0)
    for unset in ("", "  ", 0, "0", "0001-01-01T00:00:00Z", None, "yesterday", "2021-13-45T00:00:00Z", True, [1]):
        assert parse_time(unset) is None, unset


def test_utc8_only_for_zone_less_values() -> None:
    probe = _Probe.model_validate({"U": "2021-01-12 22:35:01", "T": "2021-01-12 22:35:01"})
    assert probe.u == T0
    assert probe.t == T0 + timedelta(hours=8)
    assert _Probe.model_validate({"U": "2021-01-12T14:35:01Z"}).u == T0
    assert _Probe.model_validate({"U": 1610462101}).u == T0  # epochs have no zone to guess


aware = st.datetimes(
    min_value=datetime(1971, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(aware, offsets)
def test_time_iso_roundtrip(moment: datetime, tz: timezone) -> None:
    local = moment.astimezone(tz)
    assert parse_time(local.isoformat()) == moment
    assert parse_time(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) == moment
    whole = moment.replace(microsecond=0)
    assert parse_time(whole.strftime("%Y-%m-%dT%H:%M:%SZ")) == whole
    assert parse_time(moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z") == moment  # nanoseconds truncated
    parsed = parse_time(local.isoformat())
    assert parsed is not None and parsed.tzinfo == UTC


@given(st.datetimes(min_value=datetime(1973, 3, 4), max_value=datetime(5000, 1, 1), timezones=st.just(UTC)))
def test_time_epoch_seconds_and_millis(moment: datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    seconds = int(moment.timestamp())
    millis = seconds * 1000 + moment.microsecond // 1000
    assert parse_time(seconds) == moment.replace(microsecond=0)
    assert parse_time(str(seconds)) == moment.replace(microsecond=0)
    assert parse_time(millis) == moment
    assert parse_time(str(millis)) == moment


@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_time_never_raises(raw: object) -> None:
    result = parse_time(raw)
    assert result is None or result.tzinfo == UTC


# --- enumerations ------------------------------------------------------------------------------------------------


def test_status_sets() -> None:
    assert {"Succeeded", "Failed", "Stopped"} == JOB_TERMINAL
    assert JobStatus.SUCCEEDED in JOB_TERMINAL and JobStatus.RUNNING not in JOB_TERMINAL
    assert {"Succeed", "Succeeded"} <= NODE_TERMINAL and NodeStatus.SUCCEED in NODE_SUCCEEDED
    assert normalize_node_status("Succeed") == "Succeeded" and normalize_node_status("Running") == "Running"
    assert normalize_node_status(None) is None
    assert [schedule_status_text(s) for s in range(6)] == [
        "checking", "check passed", "check failed", "sending", "sent", "send failed"
    ]
    assert ScheduleStatus(2).text == "check failed" and schedule_status_text(None) == ""
