"""The jobs list's compact rows (``models.job_row``): the same values as the full model, the same verdicts on
a malformed body, shared strings, and equality the list's diff can rely on."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from pydantic import ValidationError

from paitui.api import errors as e
from paitui.api.client import PaiClient
from paitui.api.models.dlc import JobItem, ListJobsResponse
from paitui.api.models.job_row import JobRow, read_job_rows
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.windows import ALL_START
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.api.test_client import Clock, Script, make_client, ok

ROW_FIELDS = [f.name for f in dataclasses.fields(JobRow) if f.name != "job_specs"]
WINDOW = {"start_time": ALL_START, "end_time": "2100-01-01T00:00:00Z"}


def spec_summary(job: JobItem | JobRow) -> list[tuple[object, ...]] | None:
    if job.job_specs is None:
        return None
    return [(s.pod_count, s.ecs_spec, *((c.cpu, c.gpu, c.memory) if (c := s.resource_config) else (None,)))
            for s in job.job_specs]


def assert_same_job(row: JobRow, item: JobItem) -> None:
    for name in ROW_FIELDS:
        assert getattr(row, name) == getattr(item, name), name
    assert spec_summary(row) == spec_summary(item)
    assert row.gpu_count == item.gpu_count and row.is_terminal == item.is_terminal and row.pods is None


def sim_client(world: World) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    return PaiClient(settings, credentials=demo_credentials(), region=region,
                     transport=SimTransport(create_app(world)))


async def test_rows_hold_what_the_full_model_reads_from_the_same_pages() -> None:
    world = World(seed=7, jobs=700, clock=SimClock.manual())
    rows: list[JobRow] = []
    async with sim_client(world) as client:
        for page in (1, 2, 3):
            full = await client.dlc.list_jobs(page_size=100, page_number=page, **WINDOW)
            compact = await client.dlc.list_job_rows(page_size=100, page_number=page, **WINDOW)
            assert compact.total_count == full.total_count and compact.request_id
            assert full.jobs and compact.jobs and len(compact.jobs) == len(full.jobs)
            for row, item in zip(compact.jobs, full.jobs, strict=True):
                assert_same_job(row, item)
            rows.extend(compact.jobs)
    # the comparison covered what the columns show: quota jobs' resources, reasons, finished and running jobs
    assert any(s.resource_config is not None for r in rows for s in r.job_specs or ())
    assert any(s.ecs_spec for r in rows for s in r.job_specs or ())
    assert any(r.reason_message for r in rows) and any(r.gmt_running_time for r in rows)
    assert {r.is_terminal for r in rows} == {True, False}


ODD_JOB: dict[str, Any] = {
    "JobId": "dlc-odd", "DisplayName": 123, "Status": "Running", "JobType": None, "UserId": 1557702098194904,
    "Priority": "3", "RequestGPU": "1.5", "Duration": 12.0, "ReasonCode": 42, "ReasonMessage": {"a": 1},
    "GmtCreateTime": 1767225600000, "GmtRunningTime": "2026-03-02 06:23:25", "GmtFinishTime": "",
    "GmtSuccessedTime": "0001-01-01T00:00:00Z", "GmtFailedTime": "not a time", "GmtStoppedTime": "1772432605",
    "JobSpecs": [{"PodCount": "2", "EcsSpec": None, "ResourceConfig": {"CPU": 4, "GPU": 1.0, "Memory": "16Gi"}},
                 {"PodCount": 1, "ResourceConfig": None}],
    "Settings": "rows do not read this, so its shape is not theirs to check",
}


def test_odd_scalars_are_converted_as_the_models_convert_them() -> None:
    raw = json.dumps({"RequestId": "R1", "TotalCount": "1", "Jobs": [ODD_JOB]}).encode()
    rows = read_job_rows(raw)
    assert rows.total_count == 1 and rows.jobs is not None
    item = JobItem.model_validate({k: v for k, v in ODD_JOB.items() if k != "Settings"})
    assert_same_job(rows.jobs[0], item)
    assert rows.jobs[0].priority == 3 and rows.jobs[0].gpu_count == 1.5 and rows.jobs[0].display_name == "123"


def _loc(error: ValidationError) -> str:
    return ".".join(str(part) for part in error.errors()[0]["loc"])


@pytest.mark.parametrize(("body", "where"), [
    (b"{not json", ""),
    (b"[1, 2]", ""),
    (b'{"Jobs": {"JobId": "x"}}', "Jobs"),
    (b'{"Jobs": [{"JobId": "a"}, "b"]}', "Jobs.1"),
    (b'{"Jobs": [{"JobId": "a", "JobSpecs": "4xA10"}]}', "Jobs.0.JobSpecs"),
    (b'{"Jobs": [{"JobId": "a", "JobSpecs": [{"PodCount": 1}, 7]}]}', "Jobs.0.JobSpecs.1"),
    (b'{"Jobs": [{"JobId": "a", "JobSpecs": [{"ResourceConfig": ["4", "16Gi"]}]}]}',
     "Jobs.0.JobSpecs.0.ResourceConfig"),
])
def test_a_wrong_shape_in_a_kept_field_is_refused_where_the_model_refuses_it(body: bytes, where: str) -> None:
    with pytest.raises(ValidationError) as model:
        ListJobsResponse.model_validate_json(body)
    with pytest.raises(ValidationError) as compact:
        read_job_rows(body)
    assert _loc(compact.value) == where == _loc(model.value)


async def test_the_client_says_malformed_for_a_page_rows_cannot_read() -> None:
    bad = (200, {}, b'{"RequestId": "R-BAD", "Jobs": [{"JobId": "a", "JobSpecs": "4xA10"}]}')
    app = Script(bad, (200, {}, b"{cut"), ok({"RequestId": "R2", "TotalCount": 0, "Jobs": None}))
    async with make_client(app, Clock()) as client:
        with pytest.raises(e.MalformedResponseError) as info:
            await client.dlc.list_job_rows(page_size=10)
        assert "ListJobs answered a body paitui cannot read: Jobs.0.JobSpecs: " in str(info.value)
        with pytest.raises(e.MalformedResponseError, match="cannot read: Invalid JSON"):
            await client.dlc.list_job_rows(page_size=10)
        empty = await client.dlc.list_job_rows(page_size=10)
    assert empty.jobs is None and empty.total_count == 0 and empty.request_id == "R2"
    assert len(app.requests) == 3  # a malformed read is not repeated


def test_repeated_short_strings_are_shared_between_rows() -> None:
    one = json.dumps({"Jobs": [{"JobId": "a", "Status": "Run" + "ning", "Username": "alice"}]}).encode()
    two = json.dumps({"Jobs": [{"JobId": "b", "Status": "Runn" + "ing", "Username": "alice"}]}).encode()
    a, b = read_job_rows(one).jobs[0], read_job_rows(two).jobs[0]  # type: ignore[index]  # both have Jobs
    assert a.status is b.status and a.username is b.username


def test_rows_compare_by_value_so_the_diff_sees_what_changed() -> None:
    raw = json.dumps({"Jobs": [ODD_JOB]}).encode()
    first, again = read_job_rows(raw).jobs[0], read_job_rows(raw).jobs[0]  # type: ignore[index]  # both have Jobs
    assert first == again and first is not again
    stopped = dataclasses.replace(first, status="Stopping")
    assert stopped != first and stopped.job_id == first.job_id
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.status = "Failed"  # type: ignore[misc]  # a held row is never changed in place


def test_a_row_keeps_nothing_but_its_fields() -> None:
    row = read_job_rows(json.dumps({"Jobs": [ODD_JOB]}).encode()).jobs[0]  # type: ignore[index]  # has Jobs
    assert not hasattr(row, "__dict__") and not hasattr(row, "settings")

