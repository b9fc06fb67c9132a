"""CreateJob validation and the job it produces (a fresh plan starting now).

Red line 1 (seed doc): a JobSpec carries ``EcsSpec`` (public pay-as-you-go resources) *or* ``ResourceConfig``
(a dedicated resource quota, which also needs ``ResourceId``), never both. A template (``TemplateId``) is
merged first: ``locked`` paths keep the template's value at any depth, ``required`` ones must be supplied by the
request.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
from typing import TYPE_CHECKING, Any

from paitui.sim.dlc import catalog as cat
from paitui.sim.dlc.lifecycle import apply, build, random_spec
from paitui.sim.dlc.model import Job, Role
from paitui.sim.errors import SimError, invalid_param, missing_param

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState
    from paitui.sim.routing import Call

RED_LINE = ("EcsSpec and ResourceConfig are mutually exclusive in one JobSpec: use EcsSpec for public "
            "pay-as-you-go resources, or ResourceConfig (CPU/GPU/Memory/GPUType) with ResourceId for a dedicated "
            "resource quota, never both")
_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")
_KEPT = ("CodeSource", "DataSources", "Envs", "Settings", "UserVpc", "JobMaxRunningTimeMinutes", "CustomEnvs",
         "ThirdpartyLibs", "ThirdpartyLibDir", "ElasticSpec", "CredentialConfig", "TemplateId", "TemplateName")


def _number(value: Any, name: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    m = _QUANTITY.match(str(value))
    if m is None:
        raise invalid_param(name, f"{value!r} is not a quantity")
    number, unit = float(m.group(1)), m.group(2).lower()
    if unit in ("mi", "m"):
        number /= 1024
    return number


def merge_template(dlc: DlcState, body: dict[str, Any]) -> dict[str, Any]:
    """The seed's merge: the template's content fills what the request leaves out; at each constraint path
    (any depth, ``JobSpecs[0].Image``) ``locked`` keeps the template's value, ``overridable`` takes the
    request's, and ``required`` must be in the request (``MissingParameter`` naming the path)."""
    tpl_id = body.get("TemplateId")
    if not tpl_id:
        return body
    tpl = dlc.templates.get(str(tpl_id))
    version = tpl.version(int(body.get("TemplateVersion") or tpl.default_version))
    content = version.content if isinstance(version.content, dict) else {}
    merged = copy.deepcopy(body)
    merged["TemplateName"] = tpl.name  # kept on the job: ListJobs reports TemplateId and TemplateName
    for key, value in content.items():
        if key not in merged:
            merged[key] = copy.deepcopy(value)
    for path, kind in version.constraints.items():
        steps = constraint_path(path)
        if kind == "required" and _lookup(body, steps) is _MISSING:
            raise missing_param(path.removeprefix("$."))
        if kind == "locked":
            value = _lookup(content, steps)
            if value is not _MISSING:
                _place(merged, steps, copy.deepcopy(value))
    return merged


_MISSING = object()
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def constraint_path(path: str) -> list[str | int]:
    """``JobSpecs[0].Image`` (optionally ``$.``-prefixed) → ``["JobSpecs", 0, "Image"]``."""
    text = path.removeprefix("$.").removeprefix("$")
    return [int(index) if index else name for name, index in _STEP.findall(text)]


def _lookup(doc: Any, steps: list[str | int]) -> Any:
    for step in steps:
        if isinstance(step, int):
            if not isinstance(doc, list) or step >= len(doc):
                return _MISSING
            doc = doc[step]
        else:
            if not isinstance(doc, dict) or step not in doc:
                return _MISSING
            doc = doc[step]
    return doc


def _place(doc: dict[str, Any], steps: list[str | int], value: Any) -> None:
    """Set ``value`` at ``steps``, creating the objects and list items on the way (a locked
    ``JobSpecs[0].Image`` holds even when the request's JobSpecs[0] does not name an image)."""
    here: Any = doc
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        nxt: Any = value if last else ([] if isinstance(steps[i + 1], int) else {})
        if isinstance(step, int):
            if not isinstance(here, list):
                return  # the request gave a scalar where the template has a list: left to validation
            while len(here) < step:  # earlier items the request left out (validation names them)
                here.append({} if not last else None)
            if len(here) == step:  # the item itself is new: of the kind the next step needs
                here.append(nxt)
            elif last or not isinstance(here[step], list | dict):
                here[step] = nxt
        else:
            if not isinstance(here, dict):
                return
            if last or not isinstance(here.get(step), list | dict):
                here[step] = nxt
        here = here[step]


def parse_roles(specs: Any, resource_id: str | None) -> tuple[tuple[Role, ...], str, str]:
    if not isinstance(specs, list) or not specs:
        raise missing_param("JobSpecs")
    roles: list[Role] = []
    payment, resource_type = "PostPaid", "ECS"
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise invalid_param(f"JobSpecs[{i}]", "must be an object")
        if not spec.get("Type"):
            raise missing_param(f"JobSpecs[{i}].Type")
        if not spec.get("Image"):
            raise missing_param(f"JobSpecs[{i}].Image")
        ecs, rc = spec.get("EcsSpec"), spec.get("ResourceConfig")
        if ecs and rc:
            raise SimError(400, "InvalidParameter", f"JobSpecs[{i}]: {RED_LINE}.")
        if not ecs and not rc:
            raise invalid_param(f"JobSpecs[{i}]", "either EcsSpec or ResourceConfig is required")
        count = spec.get("PodCount", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise invalid_param(f"JobSpecs[{i}].PodCount", f"{count!r} is not a positive integer")
        spot = bool(spec.get("UseSpotInstance"))
        if ecs:
            info = cat.ECS_BY_TYPE.get(str(ecs))
            if info is None:
                raise invalid_param(f"JobSpecs[{i}].EcsSpec", f"unknown instance type {ecs!r} (see ListEcsSpecs)")
            roles.append(Role(str(spec["Type"]), count, str(spec["Image"]), info.instance_type, info.cpu,
                              info.gpu, info.memory, info.gpu_type, spot, dict(spec)))
            payment = "Spot" if spot else payment
            resource_type = "Lingjun" if info.resource_type == "Lingjun" else resource_type
        else:
            if not isinstance(rc, dict):
                raise invalid_param(f"JobSpecs[{i}].ResourceConfig", "must be an object")
            if not resource_id:
                raise SimError(400, "MissingParameter", "ResourceConfig needs ResourceId (the resource quota); "
                                                        "use EcsSpec for public resources.")
            gpu = int(_number(rc.get("GPU", 0), f"JobSpecs[{i}].ResourceConfig.GPU"))
            roles.append(Role(str(spec["Type"]), count, str(spec["Image"]), None,
                              int(_number(rc.get("CPU", 1), f"JobSpecs[{i}].ResourceConfig.CPU")), gpu,
                              int(_number(rc.get("Memory", 1), f"JobSpecs[{i}].ResourceConfig.Memory")),
                              str(rc.get("GPUType") or ""), spot, dict(spec)))
            payment = "PrePaid"
    return tuple(roles), payment, resource_type


def create_job(dlc: DlcState, call: Call, now: float) -> Job:
    body = merge_template(dlc, call.body_dict())
    name = body.get("DisplayName")
    if not name or not isinstance(name, str):
        raise missing_param("DisplayName")
    job_type = body.get("JobType")
    if not job_type:
        raise missing_param("JobType")
    if job_type not in cat.JOB_TYPES:
        raise invalid_param("JobType", f"{job_type!r} is not one of {', '.join(cat.JOB_TYPES)}")
    workspace_id = body.get("WorkspaceId")
    if not workspace_id:
        raise missing_param("WorkspaceId")
    if dlc.world.workspace_ref(str(workspace_id)) is None:
        raise invalid_param("WorkspaceId", f"workspace {workspace_id} does not exist")
    command = body.get("UserCommand")
    if not command:
        raise missing_param("UserCommand")
    priority = body.get("Priority", 1)
    if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 9:
        raise invalid_param("Priority", f"{priority!r} is not an integer from 1 to 9")
    resource_id = body.get("ResourceId") or None
    roles, payment, resource_type = parse_roles(body.get("JobSpecs"), resource_id)
    quota_name = None
    if resource_id:
        for quota in cat.QUOTAS.get(str(workspace_id), ()):
            if quota[0] == resource_id:
                quota_name, resource_type = quota[1], quota[2]
        quota_name = quota_name or str(resource_id)
    settings = raw if isinstance(raw := body.get("Settings"), dict) else {}
    tags = raw if isinstance(raw := settings.get("Tags"), dict) else {}

    job_id = dlc.world.new_id("dlc")
    key = int.from_bytes(hashlib.blake2b(job_id.encode(), digest_size=8).digest(), "big")
    rng = random.Random(key)
    job = Job(
        job_id=job_id, key=key, workspace_id=str(workspace_id), user_id=call.caller.user_id,
        display_name=name, job_type=job_type, created=now, roles=roles, payment=payment,
        resource_type=resource_type, quota_id=str(resource_id) if resource_id else None, quota_name=quota_name,
        priority=priority, description=str(body.get("Description") or ""),
        accessibility=str(body.get("Accessibility") or "PRIVATE"), tags={str(k): str(v) for k, v in tags.items()},
        sanity_check=bool(settings.get("EnableSanityCheck")),
        reserved_minutes=int(settings.get("JobReservedMinutes") or 0), max_restarts=3,
        elastic=bool((body.get("ElasticSpec") or {}).get("EnableAIMaster")) or job_type == "ElasticBatchJob",
        user_command=str(command), times=[], phases=[], modified=now,
        custom={k: body[k] for k in _KEPT if k in body},
    )
    spec = random_spec(rng, fresh=True)
    spec.queue, spec.env = rng.uniform(5.0, 20.0), rng.uniform(10.0, 30.0)
    spec.spot, spec.sanity, spec.reserved_minutes = payment == "Spot", job.sanity_check, job.reserved_minutes
    spec.run = rng.uniform(120.0, 360.0)
    if any("does-not-exist" in r.image for r in roles):
        spec.outcome = "failed_pull"
    elif "exit 1" in job.user_command:
        spec.outcome, spec.reason, spec.run = "failed", "UserCodeError", rng.uniform(30.0, 90.0)
    job.failing_pod = 0
    job.planned_run = spec.run
    job.outcome = spec.outcome
    job.failure = cat.failure_of(spec.reason, key) if spec.outcome == "failed" else ""
    if job.failure == cat.LOST_NODE:
        spec.reason = "NodeNotReady"
    ctx = {"pod": f"{job_id}-{roles[0].type.lower()}-0", "image": roles[0].image, "quota": quota_name or "",
           "node": "", "minutes": str(job.reserved_minutes), "failure": job.failure}
    apply(job, build(spec, ctx), now)
    return job
