"""CreateJob's rules, checked before anything is sent (the PAI-DLC reference's red lines and the wire limits).

``check_job_body(body, registered_images=…, allow_unregistered_image=…)`` returns every rule the body breaks
as a ``Refusal`` naming the wire path: top-level fields CreateJob does not take (a typo), the required ones,
``JobType`` and ``Priority`` (1–9), and per task spec (``JobSpecs[i]``) ``Type``, ``Image``, ``PodCount``
(a positive integer), red line 1 (``EcsSpec`` and ``ResourceConfig`` never together; one of them is needed,
and ``ResourceConfig`` needs the quota's ``ResourceId``) and red line 2 (an image ListImages does not return
is refused with how to register it, unless the caller passes the explicit override).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from paitui.api.enums import JobType
from paitui.api.operations import operation
from paitui.live.create.request import Refusal

# the fields CreateJob takes, from the operations table (one place for the wire shape)
CREATE_JOB_FIELDS: tuple[str, ...] = tuple(p.name for p in operation("dlc", "CreateJob").params)
REQUIRED_FIELDS = ("DisplayName", "JobType", "WorkspaceId", "UserCommand", "JobSpecs")
JOB_TYPES: tuple[str, ...] = tuple(t.value for t in JobType)
PRIORITY_RANGE = range(1, 10)  # 1 (lowest) … 9 (highest), docs/WIRE.md §8
OVERRIDE_FLAG = "--allow-unregistered-image"  # the override's name, in the messages and on the command line

RED_LINE_1 = ("EcsSpec and ResourceConfig are mutually exclusive in one task spec (red line 1): keep EcsSpec for "
              "public pay-as-you-go machines, or ResourceConfig with ResourceId for a dedicated quota")


def check_job_body(body: Any, *, registered_images: Collection[str] | None = None,
                   allow_unregistered_image: bool = False) -> list[Refusal]:
    """Every rule ``body`` (CreateJob's body, wire names) breaks. ``registered_images`` are the ImageUris
    ListImages returns for the workspace; ``None`` skips red line 2 (the caller could not list them)."""
    if not isinstance(body, Mapping):
        return [Refusal("(body)", "body-not-object",
                        f"CreateJob's body must be an object of wire-named fields, not {type(body).__name__}")]
    out: list[Refusal] = []
    for name in body:
        if name not in CREATE_JOB_FIELDS:
            hint = difflib.get_close_matches(str(name), CREATE_JOB_FIELDS, n=1, cutoff=0.6)
            tip = f"; did you mean {hint[0]}?" if hint else " (see docs/WIRE.md, CreateJob)"
            out.append(Refusal(str(name), "unknown-field", f"CreateJob has no field {name}{tip}"))
    for name in REQUIRED_FIELDS:
        if _blank(body.get(name)):
            out.append(Refusal(name, "required", f"{name} is required by CreateJob"))
    for name in ("DisplayName", "UserCommand", "WorkspaceId"):
        value = body.get(name)
        # a YAML ``WorkspaceId: 264901`` reads as a number: an id, so a whole number is taken as its text
        if not _blank(value) and not (isinstance(value, str) or (name == "WorkspaceId" and _integer(value))):
            out.append(Refusal(name, "not-text", f"{name} must be text, not {type(value).__name__} {value!r}"))
    job_type = body.get("JobType")
    if not _blank(job_type) and job_type not in JOB_TYPES:
        out.append(Refusal("JobType", "job-type", f"{job_type!r} is not a DLC job type; use one of "
                                                  f"{', '.join(JOB_TYPES)} (case-sensitive)"))
    if "Priority" in body and body["Priority"] is not None:
        priority = body["Priority"]
        if not _integer(priority) or priority not in PRIORITY_RANGE:
            out.append(Refusal("Priority", "priority-range",
                               f"Priority must be a whole number from 1 (lowest) to 9 (highest), not {priority!r}"))
    minutes = body.get("JobMaxRunningTimeMinutes")
    if minutes is not None and (not _integer(minutes) or minutes < 0):
        out.append(Refusal("JobMaxRunningTimeMinutes", "not-a-count",
                           f"JobMaxRunningTimeMinutes must be a whole number of minutes (0 = no limit), "
                           f"not {minutes!r}"))
    specs = body.get("JobSpecs")
    if not _blank(specs) and not isinstance(specs, list):
        out.append(Refusal("JobSpecs", "not-a-list", "JobSpecs must be a list of task specs (one per role)"))
    elif isinstance(specs, list):
        for index, spec in enumerate(specs):
            out.extend(_check_spec(f"JobSpecs[{index}]", spec, body, registered_images, allow_unregistered_image))
    return out


def _check_spec(where: str, spec: Any, body: Mapping[str, Any], registered: Collection[str] | None,
                allow_unregistered: bool) -> list[Refusal]:
    if not isinstance(spec, Mapping):
        return [Refusal(where, "task-spec-not-object", f"{where} must be an object (Type, Image, PodCount, "
                                                       "EcsSpec or ResourceConfig)")]
    out: list[Refusal] = []
    for name in ("Type", "Image"):
        if _blank(spec.get(name)):
            out.append(Refusal(f"{where}.{name}", "required", f"{where}.{name} is required"))
    count = spec.get("PodCount", 1)
    if not _integer(count) or count < 1:
        out.append(Refusal(f"{where}.PodCount", "pod-count", f"PodCount must be a whole number of pods, at least "
                                                             f"1, not {count!r}"))
    ecs, rc = spec.get("EcsSpec"), spec.get("ResourceConfig")
    if not _blank(ecs) and not _blank(rc):
        out.append(Refusal(where, "ecs-spec-with-resource-config", RED_LINE_1))
    elif _blank(ecs) and _blank(rc):
        out.append(Refusal(where, "ecs-spec-or-resource-config",
                           f"{where} needs EcsSpec (an instance type from ListEcsSpecs) or ResourceConfig "
                           "(CPU, Memory, GPU, GPUType with ResourceId)"))
    elif not _blank(rc):
        if not isinstance(rc, Mapping):
            out.append(Refusal(f"{where}.ResourceConfig", "not-an-object",
                               "ResourceConfig must be an object: CPU, Memory, GPU, GPUType"))
        if _blank(body.get("ResourceId")):
            out.append(Refusal("ResourceId", "resource-config-needs-resource-id",
                               f"{where} asks a dedicated quota (ResourceConfig), so ResourceId must name the "
                               "quota (its QuotaId); use EcsSpec instead for public resources"))
    image = spec.get("Image")
    if isinstance(image, str) and image and registered is not None and image not in registered \
            and not allow_unregistered:
        out.append(Refusal(f"{where}.Image", "image-not-registered", unregistered_message(image, body)))
    return out


def unregistered_message(image: str, body: Mapping[str, Any]) -> str:
    workspace = body.get("WorkspaceId") or "<workspace-id>"
    return (f"{image} is not an image ListImages returns for workspace {workspace} (red line 2: images come "
            f"from ListImages, never typed in). Pick one from ListImages, or register it first: "
            f"aliyun aiworkspace create-image --workspace-id {workspace} --name <name> --image-uri {image}; "
            f"or pass {OVERRIDE_FLAG} to send it anyway")


def job_images(body: Mapping[str, Any]) -> list[str]:
    """The distinct images the body's task specs name, in order."""
    specs = body.get("JobSpecs")
    found = [s.get("Image") for s in specs if isinstance(s, Mapping)] if isinstance(specs, list) else []
    return list(dict.fromkeys(i for i in found if isinstance(i, str) and i))


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
