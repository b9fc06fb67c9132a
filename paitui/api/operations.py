"""The operations table: every PAI operation paitui calls, declared once (docs/WIRE.md §6).

Each row gives product, action, method, path template, response model, the query and body parameters and
whether the operation changes anything. The typed facades (``paitui.api.dlc`` …), the raw ``paitui call`` and
the request-shape tests all read this table, and ``tests/api/test_operations.py`` checks every row against
the official SDKs' ``client.py`` (method, action, path, parameter names and locations).

Response models are named, ``"dlc:ListJobsResponse"`` (a class of ``paitui.api.models.dlc``), and imported
on the operation's first call: a start that shows workspaces loads the AIWorkSpace models only, not the ~125
models of the four products. ``tests/api/test_operations.py`` resolves every row, so a wrong name fails there.

Parameter specs are compact strings: ``"Name"`` (string), ``"Name:kind"`` (see ``operation.ParamKind``), and a
trailing ``!`` for a parameter the API requires. Path parameters come from the ``{Placeholders}`` of the path
template (wire-named, always required).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from typing import Any, cast

from paitui.api.operation import Location, ModelRef, Operation, Param, ParamKind

__all__ = ["OPERATIONS", "actions", "closest", "operation", "products", "snake_case", "wire_params"]

_KINDS: frozenset[str] = frozenset({"str", "int", "float", "bool", "time", "json", "flat", "any"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _params(spec: str, location: Location) -> list[Param]:
    params = []
    for word in spec.split():
        required = word.endswith("!")
        name, _, kind = word.rstrip("!").partition(":")
        kind = kind or "str"
        if kind not in _KINDS:
            raise ValueError(f"unknown parameter kind {kind!r} in {word!r}")
        params.append(Param(name, location, _as_kind(kind), required))
    return params


def _as_kind(kind: str) -> ParamKind:
    return cast(ParamKind, kind)  # checked against _KINDS above


def _op(
    product: str,
    action: str,
    method: str,
    path: str,
    response: ModelRef,
    *,
    query: str = "",
    body: str = "",
    mutating: bool = False,
    idempotent: bool | None = None,
) -> Operation:
    path_params = [Param(name, "path", "str", True) for name in _PLACEHOLDER.findall(path)]
    params = path_params + _params(query, "query") + _params(body, "body")
    return Operation(product, action, method, path, response, tuple(params), mutating, idempotent)


# Idempotent = sending it twice leaves the same state as once, so a lost answer may be retried: every read,
# and the mutations that set values (Update*, SetJobTemplateDefaultVersion), marked ``idempotent=True``.
# Create*, Delete*, Start*, Stop*, Terminate* and RerunPipelineRun are not: a repeat creates a second
# resource, or answers an error for an action the first attempt already performed.
# Mutating = refused in read-only mode: Create/Update/Delete/Stop/Start/Terminate/Rerun/Set*. PAIFlow
# ListPipelineRunsStatus is a PUT but only reads. Kinds: DLC StartTime/EndTime are ``time`` (ISO-8601 UTC);
# PAIFlow node-log times are epoch-second ints; ListJobs Tags is a JSON "shrink" string; GetToken
# TokenSettings is flattened (TokenSettings.Key=...); structured body values are ``any``.
# Required flags follow the SDKs' "This parameter is required" notes (and §6.2 for PAIFlow creates);
# ListResources WorkspaceId is required only for the default Option, so it is not marked.
_TABLE: list[Operation] = [
    # --- dlc ---
    _op("dlc", "ListJobs", "GET", "/api/v1/jobs", "dlc:ListJobsResponse",
        query=(
            "Accessibility BusinessUserId Caller Description DisplayName DisplayNameSearchMode "
            "EnableAssignNode EndTime:time FromAllWorkspaces:bool ImageSearch JobId JobIds JobType "
            "NumericRangeField NumericRangeMax:int NumericRangeMin:int Order OversoldInfo PageNumber:int "
            "PageSize:int PaymentType PipelineId ReasonSearch ResourceId ResourceIds ResourceQuotaName "
            "ShowOwn:bool SortBy StartTime:time Status Tags:json TemplateId TimeRangeField UserCommandSearch "
            "UserIdForFilter Username WorkspaceId"
        )),
    _op("dlc", "GetJob", "GET", "/api/v1/jobs/{JobId}", "dlc:GetJobResponse",
        query="NeedDetail:bool"),
    _op("dlc", "StopJob", "POST", "/api/v1/jobs/{JobId}/stop", "dlc:StopJobResponse", mutating=True),
    _op("dlc", "DeleteJob", "DELETE", "/api/v1/jobs/{JobId}", "dlc:DeleteJobResponse", mutating=True),
    _op("dlc", "UpdateJob", "PUT", "/api/v1/jobs/{JobId}", "dlc:UpdateJobResponse", mutating=True, idempotent=True,
        body="Accessibility Description JobSpecs:any Priority:int UserCommand"),
    _op("dlc", "CreateJob", "POST", "/api/v1/jobs", "dlc:CreateJobResponse", mutating=True,
        body=(
            "Accessibility CodeSource:any CredentialConfig:any CustomEnvs:any DataSources:any "
            "DebuggerConfigContent Description DisplayName! ElasticSpec:any Envs:any "
            "JobMaxRunningTimeMinutes:int JobSpecs:any! JobType! Options Priority:int ResourceId "
            "SchedulingStrategy Settings:any SuccessPolicy TemplateId TemplateVersion:int ThirdpartyLibDir "
            "ThirdpartyLibs:any UserCommand! UserVpc:any WorkspaceId"
        )),
    _op("dlc", "GetPodLogs", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/logs", "dlc:GetPodLogsResponse",
        query="Containers DownloadToFile:bool EndTime:time MaxLines:int PodUid StartTime:time"),
    _op("dlc", "GetPodEvents", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/events", "dlc:GetPodEventsResponse",
        query="EndTime:time MaxEventsNum:int PodUid StartTime:time"),
    _op("dlc", "GetJobEvents", "GET", "/api/v1/jobs/{JobId}/events", "dlc:GetJobEventsResponse",
        query="EndTime:time MaxEventsNum:int StartTime:time"),
    _op("dlc", "GetJobMetrics", "GET", "/api/v1/jobs/{JobId}/metrics", "dlc:GetJobMetricsResponse",
        query="EndTime:time MetricType! StartTime:time TimeStep Token"),
    _op("dlc", "ListEcsSpecs", "GET", "/api/v1/ecsspecs", "dlc:ListEcsSpecsResponse",
        query="AcceleratorType InstanceTypes Order PageNumber:int PageSize:int ResourceType SortBy"),
    _op("dlc", "ListJobSanityCheckResults", "GET", "/api/v1/jobs/{JobId}/sanitycheckresults",
        "dlc:ListJobSanityCheckResultsResponse",
        query="Order"),
    _op("dlc", "GetJobSanityCheckResult", "GET", "/api/v1/jobs/{JobId}/sanitycheckresult",
        "dlc:GetJobSanityCheckResultResponse",
        query="SanityCheckNumber:int! SanityCheckPhase Token"),
    _op("dlc", "ListTensorboards", "GET", "/api/v1/tensorboards", "dlc:ListTensorboardsResponse",
        query=(
            "Accessibility DisplayName EndTime:time JobId Order PageNumber:int PageSize:int PaymentType "
            "QuotaId ShowOwn:bool SortBy SourceId SourceType StartTime:time Status TensorboardId UserId "
            "Username Verbose:bool WorkspaceId"
        )),
    _op("dlc", "GetTensorboard", "GET", "/api/v1/tensorboards/{TensorboardId}", "dlc:GetTensorboardResponse",
        query="JodId Token WorkspaceId"),
    _op("dlc", "StartTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}/start",
        "dlc:StartTensorboardResponse", mutating=True,
        query="WorkspaceId"),
    _op("dlc", "StopTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}/stop",
        "dlc:StopTensorboardResponse", mutating=True,
        query="WorkspaceId"),
    _op("dlc", "DeleteTensorboard", "DELETE", "/api/v1/tensorboards/{TensorboardId}",
        "dlc:DeleteTensorboardResponse", mutating=True,
        query="WorkspaceId"),
    _op("dlc", "CreateTensorboard", "POST", "/api/v1/tensorboards",
        "dlc:CreateTensorboardResponse", mutating=True,
        body=(
            "Accessibility Cpu:int DataSourceId DataSourceType DataSources:any DisplayName JobId "
            "MaxRunningTimeMinutes:int Memory:int Options Priority QuotaId SourceId SourceType SummaryPath "
            "SummaryRelativePath TensorboardDataSources:any TensorboardSpec:any Uri WorkspaceId"
        )),
    _op("dlc", "ListJobTemplates", "GET", "/api/v1/jobtemplates", "dlc:ListJobTemplatesResponse",
        query=(
            "Description Order PageNumber:int PageSize:int SortBy TemplateId TemplateName UserId "
            "WorkspaceId!"
        )),
    _op("dlc", "GetJobTemplate", "GET", "/api/v1/jobtemplates/{TemplateId}", "dlc:GetJobTemplateResponse",
        query="Version"),
    _op("dlc", "GetDashboard", "GET", "/api/v1/jobs/{JobId}/dashboard", "dlc:GetDashboardResponse",
        query="isShared:bool token"),
    _op("dlc", "GetRayDashboard", "GET", "/api/v1/jobs/{JobId}/rayDashboard", "dlc:GetRayDashboardResponse",
        query="isShared:bool token"),
    _op("dlc", "GetWebTerminal", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/webterminal",
        "dlc:GetWebTerminalResponse",
        query="IsShared:bool PodUid"),
    _op("dlc", "GetToken", "GET", "/api/v1/tokens", "dlc:GetTokenResponse",
        query="ExpireTime:int TargetId TargetType TokenSettings:flat"),
    _op("dlc", "GetTensorboardSharedUrl", "GET", "/api/v1/tensorboards/{TensorboardId}/sharedurl",
        "dlc:GetTensorboardSharedUrlResponse",
        query="ExpireTimeSeconds"),
    _op("dlc", "CreateJobTemplate", "POST", "/api/v1/jobtemplates",
        "dlc:CreateJobTemplateResponse", mutating=True,
        body="Constraints:any Content! Description Metadata:any TemplateName! WorkspaceId!"),
    _op("dlc", "UpdateJobTemplate", "PUT", "/api/v1/jobtemplates/{TemplateId}",
        "dlc:UpdateJobTemplateResponse", mutating=True, idempotent=True,
        body="Constraints:any Content Description Metadata:any SetAsDefault:bool TemplateName version:int"),
    _op("dlc", "DeleteJobTemplate", "DELETE", "/api/v1/jobtemplates/{TemplateId}",
        "dlc:DeleteJobTemplateResponse", mutating=True),
    _op("dlc", "SetJobTemplateDefaultVersion", "PUT", "/api/v1/jobtemplates/{TemplateId}/defaultversion",
        "dlc:SetJobTemplateDefaultVersionResponse", mutating=True, idempotent=True,
        body="Version:int!"),
    _op("dlc", "UpdateTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}",
        "dlc:UpdateTensorboardResponse", mutating=True, idempotent=True,
        query="Accessibility MaxRunningTimeMinutes:int Priority WorkspaceId"),

    # --- flow ---
    _op("flow", "ListPipelines", "GET", "/api/v1/pipelines", "flow:ListPipelinesResponse",
        query=(
            "FuzzyMatching:bool PageNumber:int PageSize:int PipelineIdentifier PipelineProvider "
            "PipelineVersion WorkspaceId"
        )),
    _op("flow", "GetPipeline", "GET", "/api/v1/pipelines/{PipelineId}", "flow:GetPipelineResponse"),
    _op("flow", "DeletePipeline", "DELETE", "/api/v1/pipelines/{PipelineId}",
        "flow:DeletePipelineResponse", mutating=True),
    _op("flow", "CreatePipeline", "POST", "/api/v1/pipelines", "flow:CreatePipelineResponse", mutating=True,
        body="Manifest! WorkspaceId!"),
    _op("flow", "UpdatePipeline", "PUT", "/api/v1/pipelines/{PipelineId}",
        "flow:UpdatePipelineResponse", mutating=True, idempotent=True,
        body="Manifest"),
    _op("flow", "ListPipelineRuns", "GET", "/api/v1/pipelineruns", "flow:ListPipelineRunsResponse",
        query=(
            "Name Order PageNumber:int PageSize:int PipelineIds PipelineRunId SortBy SourceId SourceType "
            "Status UserId WorkspaceId"
        )),
    _op("flow", "GetPipelineRun", "GET", "/api/v1/pipelineruns/{PipelineRunId}", "flow:GetPipelineRunResponse",
        query="ManifestType TokenId Verbose:bool"),
    _op("flow", "CreatePipelineRun", "POST", "/api/v1/pipelineruns",
        "flow:CreatePipelineRunResponse", mutating=True,
        body=(
            "Accessibility Arguments Name NoConfirmRequired:bool Options PipelineId PipelineManifest "
            "SourceId SourceType WorkspaceId!"
        )),
    _op("flow", "StartPipelineRun", "PUT", "/api/v1/pipelineruns/{PipelineRunId}/start",
        "flow:StartPipelineRunResponse", mutating=True),
    _op("flow", "TerminatePipelineRun", "PUT", "/api/v1/pipelineruns/{PipelineRunId}/termination",
        "flow:TerminatePipelineRunResponse", mutating=True),
    _op("flow", "RerunPipelineRun", "PUT", "/api/v1/pipelineruns/{PipelineRunId}/rerun",
        "flow:RerunPipelineRunResponse", mutating=True),
    _op("flow", "DeletePipelineRun", "DELETE", "/api/v1/pipelineruns/{PipelineRunId}",
        "flow:DeletePipelineRunResponse", mutating=True),
    _op("flow", "UpdatePipelineRun", "PUT", "/api/v1/pipelineruns/{PipelineRunId}",
        "flow:UpdatePipelineRunResponse", mutating=True, idempotent=True,
        body="Name"),
    _op("flow", "GetPipelineRunNode", "GET", "/api/v1/pipelineruns/{PipelineRunId}/nodes/{NodeId}",
        "flow:GetPipelineRunNodeResponse",
        query="Depth:int TokenId Type"),
    _op(
        "flow", "ListPipelineRunNodeLogs", "GET", "/api/v1/pipelineruns/{PipelineRunId}/nodes/{NodeId}/logs",
        "flow:ListPipelineRunNodeLogsResponse",
        query=(
            "FromTimeInSeconds:int Keyword Offset:int PageSize:int Reverse:bool ToTimeInSeconds:int "
            "TokenId"
        )),
    _op(
        "flow", "ListPipelineRunNodeOutputs", "GET", "/api/v1/pipelineruns/{PipelineRunId}/nodes/{NodeId}/outputs",
        "flow:ListPipelineRunNodeOutputsResponse",
        query="Depth:int Name Order PageNumber:int PageSize:int SortBy TokenId Type"),
    _op(
        "flow", "ListPipelineRunNodeStatus", "GET", "/api/v1/pipelineruns/{PipelineRunId}/nodes/{NodeId}/status",
        "flow:ListPipelineRunNodeStatusResponse",
        query="Depth:int TokenId Type"),
    _op("flow", "ListPipelineRunsStatus", "PUT", "/api/v1/pipelineruns", "flow:ListPipelineRunsStatusResponse",
        body="Nodes:any OutputType PipelineRuns:any WorkspaceId"),

    # --- workspace ---
    _op("workspace", "ListWorkspaces", "GET", "/api/v1/workspaces", "workspace:ListWorkspacesResponse",
        query=(
            "Fields ModuleList Option Order PageNumber:int PageSize:int ResourceGroupId SortBy Status UserId "
            "Verbose:bool WorkspaceIds WorkspaceName"
        )),
    _op("workspace", "GetWorkspace", "GET", "/api/v1/workspaces/{WorkspaceId}", "workspace:GetWorkspaceResponse",
        query="Verbose:bool"),
    _op("workspace", "GetDefaultWorkspace", "GET", "/api/v1/defaultWorkspaces",
        "workspace:GetDefaultWorkspaceResponse",
        query="Verbose:bool"),
    _op("workspace", "ListImages", "GET", "/api/v1/images", "workspace:ListImagesResponse",
        query=(
            "Accessibility ImageUri Labels Name Options Order PageNumber:int PageSize:int Query SortBy "
            "Verbose:bool WorkspaceId"
        )),
    _op("workspace", "ListDatasets", "GET", "/api/v1/datasets", "workspace:ListDatasetsResponse",
        query=(
            "Accessibility DataSourceTypes DataTypes DatasetIds Edition Label Name Order PageNumber:int "
            "PageSize:int Properties Provider ShareScope SortBy SourceDatasetId SourceId SourceTypes "
            "WorkspaceId"
        )),
    _op("workspace", "ListCodeSources", "GET", "/api/v1/codesources", "workspace:ListCodeSourcesResponse",
        query="DisplayName Order PageNumber:int PageSize:int SortBy WorkspaceId!"),
    _op("workspace", "ListQuotas", "GET", "/api/v1/quotas", "workspace:ListQuotasResponse",
        query="Name"),
    _op("workspace", "ListResources", "GET", "/api/v1/resources", "workspace:ListResourcesResponse",
        query=(
            "GroupName Labels Option PageNumber:int PageSize:int ProductTypes QuotaIds ResourceName "
            "ResourceTypes Verbose:bool VerboseFields WorkspaceId"
        )),
    _op("workspace", "GetImage", "GET", "/api/v1/images/{ImageId}", "workspace:GetImageResponse",
        query="Verbose:bool"),
    _op("workspace", "GetDataset", "GET", "/api/v1/datasets/{DatasetId}", "workspace:GetDatasetResponse"),
    _op("workspace", "GetCodeSource", "GET", "/api/v1/codesources/{CodeSourceId}", "workspace:GetCodeSourceResponse"),

    # --- plugin ---
    _op("plugin", "ListSchedules", "GET", "/api/v2/schedules", "plugin:ListSchedulesResponse",
        query="Name PageNumber:int PageSize:int Status:int"),
    _op("plugin", "GetSchedule", "GET", "/api/v2/schedules/{Id}", "plugin:GetScheduleResponse"),
    _op("plugin", "DeleteSchedule", "DELETE", "/api/v2/schedules/{Id}",
        "plugin:DeleteScheduleResponse", mutating=True),
    _op("plugin", "CreateSchedule", "POST", "/api/v2/schedules", "plugin:CreateScheduleResponse", mutating=True,
        body=(
            "AISendEndDate AISendStartDate EndTime:int ExecuteTime GroupId Name PaymentType RepeatCycle:int "
            "RepeatCycleUnit:int RepeatTimes:int SignName SignatureId TemplateCode TemplateId"
        )),

]

OPERATIONS: dict[tuple[str, str], Operation] = {(op.product, op.action): op for op in _TABLE}
if len(OPERATIONS) != len(_TABLE):  # pragma: no cover - a duplicated row is a programming error
    raise RuntimeError("duplicate (product, action) in the operations table")


def products() -> list[str]:
    """The products the table has operations for, in table order (``paitui call``'s product list)."""
    return list(dict.fromkeys(prod for prod, _ in OPERATIONS))


def actions(product: str) -> list[str]:
    """The actions of ``product`` in table order (``[]`` for an unknown product)."""
    return [action for (prod, action) in OPERATIONS if prod == product]


def closest(product: str, action: str) -> list[str]:
    """Actions of ``product`` that look like ``action`` (for "did you mean" messages); case-insensitive."""
    known = actions(product)
    by_lower = {name.lower(): name for name in known}
    matches = difflib.get_close_matches(action.lower(), list(by_lower), n=3, cutoff=0.6)
    return [by_lower[m] for m in matches]


def operation(product: str, action: str) -> Operation:
    """The row for ``(product, action)``; ``KeyError`` naming close matches when there is none."""
    try:
        return OPERATIONS[(product, action)]
    except KeyError:
        pass
    hints = closest(product, action)
    hint = f"; did you mean {', '.join(hints)}?" if hints else ""
    if not actions(product):
        raise KeyError(f"unknown product {product!r}") from None
    raise KeyError(f"unknown {product} action {action!r}{hint}") from None


def snake_case(wire_name: str) -> str:
    """``PageSize`` -> ``page_size``, ``RequestCPU`` -> ``request_cpu``, ``isShared`` -> ``is_shared``."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", wire_name)
    return re.sub(r"([a-z\d])([A-Z])", r"\1_\2", text).lower()


@functools.cache
def _snake_names(product: str, action: str) -> dict[str, str]:
    return {snake_case(p.name): p.name for p in operation(product, action).params}


def wire_params(product: str, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Rename snake_case keys to the operation's wire names; wire names and unknown keys pass unchanged
    (the client rejects unknown ones with a "did you mean")."""
    names = _snake_names(product, action)
    return {names.get(key, key): value for key, value in params.items()}
