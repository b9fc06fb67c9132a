"""Compare a job with its last good run: the spec fields that differ, side by side.

A job's comparable facts are flattened to readable paths — ``Worker.Image``, ``Worker.PodCount``,
``Envs.NCCL_DEBUG``, ``CodeSource.Commit``, ``Settings.EnableRDMA`` — so that two jobs with different role
lists or env sets still line up field by field. Ids, times, statuses and pods are not compared: they differ
between any two runs and explain nothing.

The last good run of a job is the newest Succeeded job created before it from the same template, or else
with the same name stem (``bert-ft-v3-20261204`` and ``bert-ft-v2`` share ``bert-ft``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import JobFields, JobSpec

MISSING = "—"


@dataclass(frozen=True)
class Difference:
    field: str
    ours: str  # this job's value (MISSING when it has none)
    theirs: str  # the other job's

    @property
    def changed(self) -> bool:
        return self.ours != self.theirs


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in sorted(value.items()))
    return str(value)


def _role(spec: JobSpec, index: int, seen: set[str]) -> str:
    name = spec.type or f"JobSpecs[{index}]"
    while name in seen:  # two specs of one role: keep both apart
        name = f"{name}#{index}"
    seen.add(name)
    return name


def spec_fields(job: JobFields) -> dict[str, str]:
    """The comparable facts of ``job`` by readable path, values as shown."""
    out: dict[str, str] = {
        "JobType": _text(job.job_type), "UserCommand": _text(job.user_command), "Priority": _text(job.priority),
        "ResourceId": _text(job.resource_id), "JobMaxRunningTimeMinutes": _text(job.job_max_running_time_minutes),
        "ThirdpartyLibs": _text(job.thirdparty_libs), "ThirdpartyLibDir": _text(job.thirdparty_lib_dir),
        "WorkingDir": _text(job.working_dir),
    }
    seen: set[str] = set()
    for index, spec in enumerate(job.job_specs or ()):
        role = _role(spec, index, seen)
        resources = spec.resource_config
        out |= {
            f"{role}.Image": _text(spec.image), f"{role}.PodCount": _text(spec.pod_count),
            f"{role}.EcsSpec": _text(spec.ecs_spec), f"{role}.UseSpotInstance": _text(spec.use_spot_instance),
            f"{role}.UserCommand": _text(spec.user_command),
        }
        if resources is not None:
            out |= {f"{role}.ResourceConfig.{k}": _text(v)
                    for k, v in resources.model_dump(by_alias=True, exclude_none=True).items()}
    for key, value in sorted((job.envs or {}).items()):
        out[f"Envs.{key}"] = _text(value)
    for env in job.custom_envs or ():
        if env.key:
            out[f"CustomEnvs.{env.key}"] = _text(env.value)
    for data in job.data_sources or ():
        where = data.mount_path or data.data_source_id or data.uri or "?"
        out[f"DataSources[{where}]"] = _text(" ".join(v for v in (data.data_source_id, data.uri) if v))
    if job.code_source is not None:
        out |= {f"CodeSource.{k}": _text(v)
                for k, v in job.code_source.model_dump(by_alias=True, exclude_none=True).items()}
    if job.settings is not None:
        out |= {f"Settings.{k}": _text(v)
                for k, v in job.settings.model_dump(by_alias=True, exclude_none=True).items()}
    return out


def compare(ours: JobFields, theirs: JobFields, *, every_field: bool = False) -> list[Difference]:
    """Field by field, in ``ours``' order then the fields only ``theirs`` has; only the changed ones unless
    ``every_field``."""
    a, b = spec_fields(ours), spec_fields(theirs)
    rows = [Difference(k, a.get(k, MISSING), b.get(k, MISSING)) for k in (*a, *(k for k in b if k not in a))]
    return rows if every_field else [r for r in rows if r.changed]


# a trailing part that changes from run to run: a date, a time, a counter, a version, "clone", "retry2"
_VARYING = re.compile(r"[-_.](?:\d+|v\d+(?:\.\d+)*|clone|copy|retry\d*|rerun\d*|run\d*|try\d*|exp\d*|[0-9a-f]{6,})$",
                      re.IGNORECASE)


def name_stem(name: str) -> str:
    """The name without its varying tail: ``bert-ft-v3-20261204`` → ``bert-ft``; a name that is all tail
    stays as it is."""
    stem = name.strip()
    while (shorter := _VARYING.sub("", stem)) != stem and shorter:
        stem = shorter
    return stem


class Candidate(Protocol):
    @property
    def job_id(self) -> str | None: ...
    @property
    def display_name(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def gmt_create_time(self) -> datetime | None: ...
    @property
    def template_id(self) -> str | None: ...


def last_good(job: Candidate, candidates: Iterable[Candidate]) -> Candidate | None:
    """The newest Succeeded candidate created before ``job`` from the same template, or else with the same
    name stem; None when there is none."""
    stem = name_stem(job.display_name or "")
    created = job.gmt_create_time
    good = [c for c in candidates if c.status == "Succeeded" and c.job_id != job.job_id
            and (created is None or c.gmt_create_time is None or c.gmt_create_time < created)]

    def newest(found: list[Candidate]) -> Candidate | None:
        return max(found, key=lambda c: c.gmt_create_time.timestamp() if c.gmt_create_time else 0.0, default=None)

    if job.template_id:
        same = newest([c for c in good if c.template_id == job.template_id])
        if same is not None:
            return same
    return newest([c for c in good if name_stem(c.display_name or "") == stem]) if stem else None


async def find_last_good(client: PaiClient, job: JobFields, *, days: int = 30) -> str | None:
    """The id of ``job``'s last good run: Succeeded jobs of its workspace created in the ``days`` before it
    whose name contains its stem (ListJobs' DisplayName is a contains match), newest first, one page of 100."""
    created = job.gmt_create_time
    if created is None or not job.workspace_id:
        return None
    page = await client.dlc.list_jobs(
        workspace_id=job.workspace_id, status="Succeeded", display_name=name_stem(job.display_name or "") or None,
        start_time=created - timedelta(days=days), end_time=created, sort_by="GmtCreateTime", order="desc",
        page_size=100)
    found = last_good(job, page.jobs or ())
    return found.job_id if found is not None else None


@dataclass(frozen=True)
class Comparison:
    ours: JobFields
    theirs: JobFields | None  # None: no job to compare with (``missing`` says why)
    chosen: str  # "given" or "last good run"
    rows: list[Difference]
    missing: str = ""


async def compare_jobs(client: PaiClient, job_id: str, against: str | None = None, *,
                       every_field: bool = False) -> Comparison:
    """``job_id`` against ``against`` or, when None, its last good run (``find_last_good``)."""
    ours = await client.dlc.get_job(job_id)
    chosen = "given" if against else "last good run"
    if not against:
        against = await find_last_good(client, ours)
        if against is None:
            return Comparison(ours, None, chosen, [], missing=(
                f"no Succeeded job of the same template or name stem as {ours.display_name!r} in the 30 days "
                "before it; name one to compare with"))
    theirs = await client.dlc.get_job(against)
    return Comparison(ours, theirs, chosen, compare(ours, theirs, every_field=every_field))


def format_table(ours: JobFields, theirs: JobFields, chosen: str, rows: list[Difference], *,
                 every_field: bool = False, side: int = 50) -> list[str]:
    """The comparison as text lines: a heading naming both jobs, then FIELD / THIS JOB / AGAINST, each long
    value cut around where the two start to differ."""
    out = [f"{ours.job_id} ({ours.display_name}, {ours.status})  against  {theirs.job_id} "
           f"({theirs.display_name}, {theirs.status}, {chosen})"]
    if not rows:
        return [*out, "no fields" if every_field else "no field differs"]
    width = min(40, max(len(r.field) for r in rows))
    out.append(f"{'FIELD':<{width}}  {'THIS JOB':<{side}}  AGAINST")
    for r in rows:
        mark = "" if r.changed else "  (same)"
        start = _first_difference(r.ours, r.theirs)
        out.append(f"{r.field:<{width}}  {_cut(r.ours, side, start):<{side}}  {_cut(r.theirs, side, start)}{mark}")
    return out


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _cut(text: str, width: int, start: int = 0) -> str:
    """At most ``width`` characters, showing where two long values start to differ (``start``)."""
    if len(text) <= width:
        return text
    begin = max(0, min(start - 12, len(text) - width + 1)) if start > width - 12 else 0
    head = "…" if begin else ""
    body = text[begin:begin + width - len(head)]
    return head + (body[:-1] + "…" if begin + len(body) < len(text) else body)
