"""The jobs list's compact reading of ListJobs: one slim record per job, not a pydantic model per row.

A list holds tens of thousands of jobs and re-reads them every few seconds. A full ``JobItem`` keeps pods,
specs, status history, settings, data sources and envs as nested models (about 26 KB per job); a ``JobRow``
keeps only what the list, its filters, notices, actions and ``:quotas`` read — ids, names, status, type,
owner, times, priority, reason, quota and the node-count × spec summary — under the same attribute names as
``JobItem``, so either can be handed to those readers. The job detail reads the full model from GetJob.

The rows are frozen slots dataclasses, filled by pydantic-core straight from the bytes: its JSON reader
skips every key a row does not keep without building it (the pods are most of a page), and each kept field
has the models' own lenient type (``Str``, ``Int``, ``Time`` …), so a row reads a value exactly as ``JobItem``
does and a value of the wrong shape is the same ``ValidationError`` (the client's malformed-response error).
Short repeated strings (statuses, types, owners) are shared by pydantic-core's string cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from paitui.api.models.common import JOB_TERMINAL, Float, Int, Str, Time


def requested_gpus(request_gpu: float | None, job_specs: Any) -> float | None:
    """GPUs a job asks for: ``RequestGPU`` when sent, else the sum over ``JobSpecs`` of pods × GPUs (a full
    model's specs or a row's: both have ``pod_count`` and ``resource_config.gpu_count``)."""
    if request_gpu is not None:
        return request_gpu
    total, known = 0.0, False
    for spec in job_specs or ():
        gpus = spec.resource_config.gpu_count if spec.resource_config is not None else None
        if gpus is not None:
            total += gpus * (spec.pod_count if spec.pod_count is not None else 1)
            known = True
    return total if known else None

__all__ = ["JobRow", "ListJobRowsResponse", "RowResources", "RowSpec", "read_job_rows"]


def _count(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RowResources:
    """A spec's per-pod ``ResourceConfig``: the strings the wire sends (``CPU`` ``"4"``, ``Memory`` ``"16Gi"``)."""

    cpu: Annotated[Str, Field(alias="CPU")] = None
    gpu: Annotated[Str, Field(alias="GPU")] = None
    memory: Annotated[Str, Field(alias="Memory")] = None

    @property
    def gpu_count(self) -> float | None:
        return _count(self.gpu)

    @property
    def cpu_count(self) -> float | None:
        return _count(self.cpu)


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One ``JobSpecs[]`` entry as the NODES×SPEC column and ``:quotas`` read it."""

    pod_count: Annotated[Int, Field(alias="PodCount")] = None
    ecs_spec: Annotated[Str, Field(alias="EcsSpec")] = None
    resource_config: Annotated[RowResources | None, Field(alias="ResourceConfig")] = None


@dataclass(frozen=True, slots=True)
class JobRow:
    """A ListJobs item as a list keeps it. Equal rows compare equal (the list's diff relies on it)."""

    job_id: Annotated[Str, Field(alias="JobId")] = None
    display_name: Annotated[Str, Field(alias="DisplayName")] = None
    status: Annotated[Str, Field(alias="Status")] = None
    job_type: Annotated[Str, Field(alias="JobType")] = None
    user_id: Annotated[Str, Field(alias="UserId")] = None
    username: Annotated[Str, Field(alias="Username")] = None
    workspace_id: Annotated[Str, Field(alias="WorkspaceId")] = None
    workspace_name: Annotated[Str, Field(alias="WorkspaceName")] = None
    reason_code: Annotated[Str, Field(alias="ReasonCode")] = None
    reason_message: Annotated[Str, Field(alias="ReasonMessage")] = None
    priority: Annotated[Int, Field(alias="Priority")] = None
    resource_id: Annotated[Str, Field(alias="ResourceId")] = None
    resource_quota_name: Annotated[Str, Field(alias="ResourceQuotaName")] = None
    resource_type: Annotated[Str, Field(alias="ResourceType")] = None
    request_gpu: Annotated[Float, Field(alias="RequestGPU")] = None
    job_specs: Annotated[tuple[RowSpec, ...] | None, Field(alias="JobSpecs")] = None
    duration: Annotated[Int, Field(alias="Duration")] = None
    gmt_create_time: Annotated[Time, Field(alias="GmtCreateTime")] = None
    gmt_running_time: Annotated[Time, Field(alias="GmtRunningTime")] = None
    gmt_finish_time: Annotated[Time, Field(alias="GmtFinishTime")] = None
    gmt_successed_time: Annotated[Time, Field(alias="GmtSuccessedTime")] = None
    gmt_failed_time: Annotated[Time, Field(alias="GmtFailedTime")] = None
    gmt_stopped_time: Annotated[Time, Field(alias="GmtStoppedTime")] = None

    @property
    def is_terminal(self) -> bool:
        return self.status in JOB_TERMINAL

    @property
    def gpu_count(self) -> float | None:
        """As ``JobFields.gpu_count``."""
        return requested_gpus(self.request_gpu, self.job_specs)

    @property
    def pods(self) -> None:
        """A list row keeps no pods (the detail reads them from GetJob)."""
        return None


@dataclass(frozen=True, slots=True)
class ListJobRowsResponse:
    """A ListJobs page read into ``JobRow`` items."""

    jobs: Annotated[list[JobRow] | None, Field(alias="Jobs")] = None
    request_id: Annotated[Str, Field(alias="RequestId")] = None
    total_count: Annotated[Int, Field(alias="TotalCount")] = None


@cache
def _reader() -> Any:
    # built on first use: the schema costs a few milliseconds that ``paitui --help`` need not pay
    return TypeAdapter(ListJobRowsResponse).validate_json


def read_job_rows(raw: bytes) -> ListJobRowsResponse:
    """A ListJobs body read into rows; pydantic's ``ValidationError`` when it is not JSON or a kept field has
    the wrong shape (the client says malformed)."""
    rows: ListJobRowsResponse = _reader()(raw)
    return rows
