"""Cloning a DLC job: CreateJob's body from GetJob's raw body, and the priority form's check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paitui.api.operations import operation

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


_CLONE_KEYS = ("Accessibility", "CodeSource", "CredentialConfig", "CustomEnvs", "DataSources", "Description",
               "ElasticSpec", "Envs", "JobMaxRunningTimeMinutes", "JobSpecs", "JobType", "Priority", "ResourceId",
               "SchedulingStrategy", "Settings", "SuccessPolicy", "ThirdpartyLibDir", "ThirdpartyLibs",
               "UserCommand", "UserVpc", "WorkspaceId", "DisplayName")
_CODE_KEYS = ("CodeSourceId", "Branch", "Commit", "MountPath")
_DATA_KEYS = ("DataSourceId", "MountPath", "Uri", "Options")


@dataclass(frozen=True, slots=True)
class CloneSource:
    """What a clone starts from: GetJob's raw body (CreateJob takes back exactly what GetJob sent, including
    fields the typed model does not know) and the form's defaults."""

    job: dict[str, Any]
    name: str
    command: str
    priority: int | None


async def load_clone_source(client: PaiClient, job_id: str) -> CloneSource:
    raw = await client.invoke_json(operation("dlc", "GetJob"), {"JobId": job_id})
    priority = raw.get("Priority")
    return CloneSource(raw, f"{raw.get('DisplayName') or job_id}-clone", str(raw.get("UserCommand") or ""),
                       priority if isinstance(priority, int) else None)


def clone_body(job: Mapping[str, Any], *, name: str) -> dict[str, Any]:
    """CreateJob's body (wire names) from GetJob's raw body: the job's whole spec — image, roles, counts,
    specs, envs, data, code, settings — under a new name.

    Only what CreateJob accepts is copied (status, pods, times and ids of the old job are not); GetJob's
    ``UserVpc.ExtendedCidrs`` is CreateJob's ``ExtendedCIDRs``."""
    body = {k: job[k] for k in _CLONE_KEYS if job.get(k) not in (None, "", [], {})}
    if isinstance(code := body.get("CodeSource"), dict):
        body["CodeSource"] = {k: code[k] for k in _CODE_KEYS if code.get(k)}
    if isinstance(data := body.get("DataSources"), list):
        body["DataSources"] = [{k: d[k] for k in _DATA_KEYS if d.get(k)} for d in data if isinstance(d, dict)]
    if isinstance(vpc := body.get("UserVpc"), dict):
        vpc = dict(vpc)
        if "ExtendedCidrs" in vpc:
            vpc["ExtendedCIDRs"] = vpc.pop("ExtendedCidrs")
        body["UserVpc"] = {k: v for k, v in vpc.items() if v not in (None, "", [])}
    return {"DisplayName": name, **{k: v for k, v in body.items() if k != "DisplayName"}}


def clone_spec(job: Mapping[str, Any], *, name: str, command: str, priority: int | None) -> dict[str, Any]:
    """``clone_body`` with a new command and priority, as the facade's ``create_job`` arguments."""
    body = clone_body(job, name=name)
    body["UserCommand"] = command
    if priority is not None:
        body["Priority"] = priority
    # the facade takes snake_case for its named arguments and wire names for the rest
    spec = {k: v for k, v in body.items() if k not in ("DisplayName", "JobType", "JobSpecs", "UserCommand",
                                                        "WorkspaceId")}
    return {"display_name": body["DisplayName"], "job_type": body.get("JobType", ""),
            "job_specs": body.get("JobSpecs", []), "user_command": body["UserCommand"],
            "workspace_id": body.get("WorkspaceId"), **spec}


def validate_priority(text: str) -> int:
    """1–9 (docs/WIRE.md §8); raises ``ValueError`` with a sentence otherwise."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"priority must be a whole number from 1 to 9, not {text.strip()!r}") from None
    if not 1 <= value <= 9:
        raise ValueError(f"priority must be from 1 (lowest) to 9 (highest), not {value}")
    return value

