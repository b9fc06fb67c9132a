"""A JobTemplate's Content and Constraints merged with what the user gives, by the service's rules
(PAI-DLC reference, "Connecting JobTemplate with CreateJob"), checked before sending.

The service fills each top-level field the request leaves out from the template's Content; at each
constraint path (any depth, ``JobSpecs[0].Image``) ``locked`` keeps the template's value, ``overridable``
takes the request's, ``required`` must be in the request. paitui refuses rather than letting a locked value
silently win: giving a locked field another value is a ``Refusal`` (rule ``template-locked``), leaving a
required one out or blank is one too (``template-required``).

``overrides`` (path → value, from ``--set`` or a form) edit the merged body, so ``JobSpecs[0].PodCount=2``
changes the template's first role; a top-level field of ``body`` replaces the template's whole field, as the
service does. The merged body is what is sent (with TemplateId and TemplateVersion), so the preview is exactly
the job the service makes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paitui.live.create import wire_paths
from paitui.live.create.request import Refusal

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

CONSTRAINT_KINDS = ("locked", "overridable", "required")


@dataclass(frozen=True)
class TemplateField:
    """One field a submission form shows: its path, its constraint ("" for content without one) and the
    template's value (``None`` when the template has none)."""

    path: str
    constraint: str
    value: Any

    @property
    def editable(self) -> bool:
        return self.constraint != "locked"


@dataclass(frozen=True)
class JobTemplateSource:
    """A template version as a submission starts from it."""

    template_id: str
    name: str
    version: int | None
    workspace_id: str
    content: dict[str, Any]
    constraints: dict[str, str] = field(default_factory=dict)

    def fields(self) -> list[TemplateField]:
        """The constraint paths first (as the template orders them), then the content's other top-level
        fields."""
        out = [TemplateField(_plain(path), str(kind), _value(self.content, path))
               for path, kind in self.constraints.items() if kind in CONSTRAINT_KINDS]
        named = {f.path for f in out}
        out += [TemplateField(key, "", value) for key, value in self.content.items() if key not in named]
        return out


async def load_template(client: PaiClient, template_id: str, version: int | None = None) -> JobTemplateSource:
    """GetJobTemplate for ``version`` (the default one when ``None``)."""
    answer = await client.dlc.get_job_template(template_id, version=version)
    picked = answer.versions[0] if answer.versions else None
    content: Any = picked.content_value() if picked is not None else {}
    constraints = picked.constraints if picked is not None and isinstance(picked.constraints, dict) else {}
    return JobTemplateSource(template_id, answer.template_name or template_id,
                             picked.version if picked is not None else version, answer.workspace_id or "",
                             dict(content) if isinstance(content, Mapping) else {},
                             {str(k): str(v) for k, v in constraints.items()})


def merge_template(template: JobTemplateSource, body: Mapping[str, Any],
                   overrides: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[Refusal]]:
    """The body to send and every constraint it breaks (see the module doc)."""
    refusals: list[Refusal] = []
    given = copy.deepcopy(dict(body))  # what the user gave, for the locked and required checks
    merged = copy.deepcopy(dict(body))
    for key, value in template.content.items():
        if key not in merged:
            merged[key] = copy.deepcopy(value)
    if not merged.get("WorkspaceId") and template.workspace_id:
        merged["WorkspaceId"] = template.workspace_id  # the template's own workspace unless told otherwise
    for path, value in (overrides or {}).items():
        refusals.extend(apply_override(given, path, value))
        refusals.extend(apply_override(merged, path, value))
    for path, kind in template.constraints.items():
        steps = _steps(path)
        if steps is None:
            continue  # the service accepted the template; a path paitui cannot read is left to it
        mine, theirs = wire_paths.lookup(given, steps), wire_paths.lookup(template.content, steps)
        where = wire_paths.text(steps)
        if kind == "locked" and theirs is not wire_paths.MISSING:
            if mine is not wire_paths.MISSING and mine != theirs:
                refusals.append(Refusal(where, "template-locked",
                                        f"{where} is locked by template {template.name} to {theirs!r}; leave it "
                                        f"out (or give the same value), or use another template"))
            wire_paths.place(merged, steps, theirs)
        elif kind == "required" and _blank(mine):
            refusals.append(Refusal(where, "template-required",
                                    f"template {template.name} requires {where}: give it in the file, with "
                                    f"--set {where}=…, or in the form"))
    merged["TemplateId"] = template.template_id
    if template.version is not None:
        merged["TemplateVersion"] = template.version
    return merged, _dedupe(refusals)


def apply_override(doc: dict[str, Any], path: str, value: Any) -> list[Refusal]:
    """Set ``value`` at ``path`` in ``doc``; a path that is malformed or runs through another shape is a
    Refusal naming it."""
    try:
        wire_paths.place(doc, path, value)
    except ValueError as error:
        return [Refusal(path, "bad-path", str(error))]
    return []


def _steps(path: str) -> list[wire_paths.Step] | None:
    try:
        return wire_paths.parse(path)
    except ValueError:
        return None


def _plain(path: str) -> str:
    steps = _steps(path)
    return wire_paths.text(steps) if steps else path


def _value(content: Mapping[str, Any], path: str) -> Any:
    steps = _steps(path)
    found = wire_paths.lookup(content, steps) if steps else wire_paths.MISSING
    return None if found is wire_paths.MISSING else found


def _blank(value: Any) -> bool:
    return value is wire_paths.MISSING or value is None or (isinstance(value, str) and not value.strip())


def _dedupe(refusals: list[Refusal]) -> list[Refusal]:
    return list(dict.fromkeys(refusals))
