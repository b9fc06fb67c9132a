"""The jobs list's compact reading of ListJobs: one slim record per job, read without pydantic.

A list holds tens of thousands of jobs and re-reads them every few seconds. A full ``JobItem`` keeps pods,
specs, status history, settings, data sources and envs as nested models (about 26 KB per job); a ``JobRow``
keeps only what the list, its filters, notices, actions and ``:quotas`` read — ids, names, status, type,
owner, times, priority, reason, quota and the node-count × spec summary — under the same attribute names as
``JobItem``, so either can be handed to those readers. The job detail reads the full model from GetJob.

The page is parsed by orjson and each kept field is read by ``models.reading``: converted as the models
convert it, or refused (``ShapeError`` → ``MalformedResponseError``) when its shape is wrong. Fields a row
does not keep are not looked at. Repeated strings are interned and the spec summaries shared between jobs,
so a row costs a few hundred bytes beyond its own ids and names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from paitui.api.models.common import JOB_TERMINAL
from paitui.api.models.reading import ShapeError, integer, items, moment, name, number, text

__all__ = ["JobRow", "ListJobRowsResponse", "RowResources", "RowSpec", "read_job_rows"]


def _count(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RowResources:
    """A spec's per-pod ``ResourceConfig``: the strings the wire sends (``CPU`` ``"4"``, ``Memory`` ``"16Gi"``)."""

    cpu: str | None
    gpu: str | None
    memory: str | None

    @property
    def gpu_count(self) -> float | None:
        return _count(self.gpu)

    @property
    def cpu_count(self) -> float | None:
        return _count(self.cpu)


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One ``JobSpecs[]`` entry as the NODES×SPEC column and ``:quotas`` read it."""

    pod_count: int | None
    ecs_spec: str | None
    resource_config: RowResources | None


@dataclass(frozen=True, slots=True)
class JobRow:
    """A ListJobs item as a list keeps it. Equal rows compare equal (the list's diff relies on it)."""

    job_id: str | None
    display_name: str | None
    status: str | None
    job_type: str | None
    user_id: str | None
    username: str | None
    workspace_id: str | None
    workspace_name: str | None
    reason_code: str | None
    reason_message: str | None
    priority: int | None
    resource_id: str | None
    resource_quota_name: str | None
    resource_type: str | None
    request_gpu: float | None
    job_specs: tuple[RowSpec, ...] | None
    duration: int | None
    gmt_create_time: datetime | None
    gmt_running_time: datetime | None
    gmt_finish_time: datetime | None
    gmt_successed_time: datetime | None
    gmt_failed_time: datetime | None
    gmt_stopped_time: datetime | None

    @property
    def is_terminal(self) -> bool:
        return self.status in JOB_TERMINAL

    @property
    def gpu_count(self) -> float | None:
        """As ``JobFields.gpu_count``: ``RequestGPU`` when sent, else pods × GPUs summed over the specs."""
        if self.request_gpu is not None:
            return self.request_gpu
        total, known = 0.0, False
        for spec in self.job_specs or ():
            gpus = spec.resource_config.gpu_count if spec.resource_config is not None else None
            if gpus is not None:
                total += gpus * (spec.pod_count if spec.pod_count is not None else 1)
                known = True
        return total if known else None

    @property
    def pods(self) -> None:
        """A list row keeps no pods (the detail reads them from GetJob)."""
        return None


@dataclass(frozen=True, slots=True)
class ListJobRowsResponse:
    """A ListJobs page read into ``JobRow`` items."""

    jobs: list[JobRow] | None
    request_id: str | None
    total_count: int | None


# Spec summaries repeat across jobs (a workspace submits the same few shapes), so equal ones are shared.
# Bounded: a new entry past the bound starts the table afresh (rows keep the objects they already hold).
_SHARED_LIMIT = 4096
_shared_specs: dict[tuple[Any, ...], tuple[RowSpec, ...]] = {}


def _spec(value: Any, index: int, position: int) -> RowSpec:
    # locations are spelled only when something is wrong: a page reads thousands of these
    if type(value) is not dict:
        raise ShapeError(f"Jobs.{index}.JobSpecs.{position}", "Input should be an object")
    config = value.get("ResourceConfig")
    if config is not None and type(config) is not dict:
        raise ShapeError(f"Jobs.{index}.JobSpecs.{position}.ResourceConfig", "Input should be an object")
    resources = None if config is None else RowResources(
        name(config.get("CPU")), name(config.get("GPU")), name(config.get("Memory")))
    return RowSpec(integer(value.get("PodCount")), name(value.get("EcsSpec")), resources)


def _specs(value: Any, index: int) -> tuple[RowSpec, ...] | None:
    if value is None:
        return None
    if type(value) is not list:
        raise ShapeError(f"Jobs.{index}.JobSpecs", "Input should be a valid list")
    specs = tuple(_spec(item, index, n) for n, item in enumerate(value))
    shared = _shared_specs.get(specs)
    if shared is None:
        if len(_shared_specs) >= _SHARED_LIMIT:
            _shared_specs.clear()
        shared = _shared_specs[specs] = specs
    return shared


def _row(job: dict[str, Any], index: int) -> JobRow:
    g = job.get
    return JobRow(
        text(g("JobId")), text(g("DisplayName")), name(g("Status")), name(g("JobType")), name(g("UserId")),
        name(g("Username")), name(g("WorkspaceId")), name(g("WorkspaceName")), name(g("ReasonCode")),
        text(g("ReasonMessage")), integer(g("Priority")), name(g("ResourceId")), name(g("ResourceQuotaName")),
        name(g("ResourceType")), number(g("RequestGPU")), _specs(g("JobSpecs"), index),
        integer(g("Duration")), moment(g("GmtCreateTime")), moment(g("GmtRunningTime")),
        moment(g("GmtFinishTime")), moment(g("GmtSuccessedTime")), moment(g("GmtFailedTime")),
        moment(g("GmtStoppedTime")),
    )  # positional, in field order


def read_job_rows(raw: bytes) -> ListJobRowsResponse:
    """A ListJobs body read into rows; ``ShapeError`` when it is not JSON or a kept field has the wrong shape."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ShapeError("", f"Invalid JSON: {error}") from None
    if type(body) is not dict:
        raise ShapeError("", "Input should be an object")
    listed = items(body.get("Jobs"), "Jobs")
    jobs = None
    if listed is not None:
        jobs = []
        for i, job in enumerate(listed):
            if type(job) is not dict:
                raise ShapeError(f"Jobs.{i}", "Input should be an object")
            jobs.append(_row(job, i))
    return ListJobRowsResponse(jobs, text(body.get("RequestId")), integer(body.get("TotalCount")))
