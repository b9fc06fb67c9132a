"""Job templates: the seeds' rules and the requests that save a job as a template, add a version and set the
default version, plus the diff between two versions.

Rules (the PAI-DLC reference, JobTemplate): a name of 1 to 1024 characters; ``Content`` a CreateJob body (a JSON
object naming a known ``JobType``); ``Constraints`` maps a field path (``JobSpecs[0].Image``, ``UserCommand``,
no ``$.`` prefix) to ``locked`` / ``overridable`` / ``required``; UpdateJobTemplate takes ``Content`` and
``Constraints`` together or not at all, and makes a version only when the content changes; the default version
is switched with SetJobTemplateDefaultVersion (not with UpdateJobTemplate).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paitui.api.enums import JobType
from paitui.api.models.common import Unreadable
from paitui.api.operations import operation
from paitui.live.actions.clone import clone_spec
from paitui.live.create.request import CreateRequest, Refusal, Refused

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobTemplateResponse

CONSTRAINT_KINDS = ("locked", "overridable", "required")
MAX_NAME = 1024
JOB_TYPES = tuple(t.value for t in JobType)
# a field path as the service writes it: names joined by dots, each with an optional [index]
_PATH = re.compile(r"^[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*$")
_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")
# what a template's Content leaves out of a job's CreateJob body: a name is given when submitting, the
# workspace is the template's own
_NOT_CONTENT = ("DisplayName", "WorkspaceId")


# --- content and paths ---------------------------------------------------------------------------------------

def content_from_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """A template's Content from GetJob's raw body: what CreateJob takes back (the clone's rule, one place)."""
    spec = clone_spec(job, name=str(job.get("DisplayName") or ""), command=str(job.get("UserCommand") or ""),
                      priority=None)
    named = {"display_name": "DisplayName", "job_type": "JobType", "job_specs": "JobSpecs",
             "user_command": "UserCommand", "workspace_id": "WorkspaceId"}
    body = {named.get(k, k): v for k, v in spec.items()}
    return {k: v for k, v in body.items() if k not in _NOT_CONTENT and v not in (None, "", [], {})}


def flatten(content: Any, prefix: str = "") -> dict[str, Any]:
    """Every field path of ``content`` a constraint can name, with its value: its keys, and inside lists of
    objects each item's (``JobSpecs[0].Image``); a list of plain values or an empty object is one field."""
    out: dict[str, Any] = {}
    if isinstance(content, Mapping) and content:
        for key, value in content.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(content, list) and content and all(isinstance(v, Mapping) for v in content):
        for i, value in enumerate(content):
            out.update(flatten(value, f"{prefix}[{i}]"))
    elif prefix:
        out[prefix] = content
    return out


def paths(content: Any) -> list[str]:
    return list(flatten(content))


def lookup(content: Any, path: str) -> tuple[bool, Any]:
    """(found, value) of ``path`` in ``content``; a path naming a whole object or list is found too."""
    node = content
    for name, index in _STEP.findall(path):
        if name:
            if not isinstance(node, Mapping) or name not in node:
                return False, None
            node = node[name]
        else:
            i = int(index)
            if not isinstance(node, list) or i >= len(node):
                return False, None
            node = node[i]
    return True, node


# --- rules -----------------------------------------------------------------------------------------------------

def name_refusals(name: str) -> list[Refusal]:
    if not name.strip():
        return [Refusal("TemplateName", "template-name-length", "the template needs a name (1 to 1024 characters)")]
    if len(name) > MAX_NAME:
        return [Refusal("TemplateName", "template-name-length",
                        f"the name has {len(name)} characters; at most {MAX_NAME} are allowed")]
    return []


def content_refusals(content: Any) -> list[Refusal]:
    if not isinstance(content, Mapping):
        return [Refusal("Content", "content-object",
                        f"Content must be an object (a CreateJob body by wire names), not {type(content).__name__}")]
    job_type = content.get("JobType")
    if job_type not in JOB_TYPES:
        return [Refusal("Content.JobType", "content-job-type",
                        f"Content must name a JobType, one of {', '.join(JOB_TYPES)}; not {job_type!r}")]
    return []


def constraint_refusals(content: Any, constraints: Mapping[str, Any]) -> list[Refusal]:
    """Each constraint: a well-formed path, a known kind, and a locked field that has a value to keep."""
    out: list[Refusal] = []
    for path, kind in constraints.items():
        where = f"Constraints.{path}"
        if not isinstance(path, str) or not _PATH.match(path):
            out.append(Refusal(where, "constraint-path",
                               f"{path!r} is not a field path such as JobSpecs[0].Image (no '$.' prefix)"))
            continue
        if kind not in CONSTRAINT_KINDS:
            out.append(Refusal(where, "constraint-kind",
                               f"{kind!r} is not one of {', '.join(CONSTRAINT_KINDS)}"))
            continue
        if kind == "locked" and isinstance(content, Mapping) and not lookup(content, path)[0]:
            out.append(Refusal(where, "locked-field-missing",
                               f"{path} is locked but Content has no value for it: a locked field keeps the "
                               "template's value, so give one or make it required"))
    return out


def constraints_from(locked: Iterable[str] = (), overridable: Iterable[str] = (),
                     required: Iterable[str] = ()) -> dict[str, str]:
    """Constraints from lists of paths; a path named twice keeps the last kind given (locked < overridable <
    required in argument order)."""
    out: dict[str, str] = {}
    for kind, given in (("locked", locked), ("overridable", overridable), ("required", required)):
        for path in given:
            out[path.strip()] = kind
    return out


# --- reading a content file -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContentFile:
    content: Any
    constraints: dict[str, Any] | None  # None: the file gave none


def read_content_file(path: str, field: str = "-f") -> ContentFile:
    """A YAML or JSON file holding either the Content itself (a CreateJob body) or ``{Content, Constraints}``;
    an unreadable file is refused naming the file and line."""
    import yaml  # why lazily: only the file-reading commands need it

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise Refused([Refusal(field, "file-unreadable", f"cannot read {path}: {exc.strerror or exc}")]) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path} line {mark.line + 1}" if mark is not None else path
        problem = getattr(exc, "problem", None) or str(exc)
        raise Refused([Refusal(field, "file-syntax", f"{where}: {problem}")]) from None
    if isinstance(doc, Mapping) and "Content" in doc and "JobType" not in doc:
        constraints = doc.get("Constraints")
        if constraints is not None and not isinstance(constraints, Mapping):
            raise Refused([Refusal("Constraints", "constraints-object",
                                   f"{path}: Constraints must map field paths to locked/overridable/required")])
        return ContentFile(doc["Content"], dict(constraints) if constraints is not None else None)
    return ContentFile(doc, None)


# --- requests ----------------------------------------------------------------------------------------------------

def _content_json(content: Any) -> str:
    # Content is a string on the wire (the service's JSON of a CreateJob body)
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def version_content(version: Any) -> Any:
    value = version.content_value()
    return value.raw if isinstance(value, Unreadable) else value


def template_label(template_id: str, name: str | None) -> str:
    return f'job template "{name}" ({template_id})' if name else f"job template {template_id}"


def create_template_request(*, workspace_id: str, name: str, content: Any, constraints: Mapping[str, Any],
                            description: str = "", before: frozenset[str] = frozenset()) -> CreateRequest:
    """CreateJobTemplate; ``before`` are the ids of templates of that name already there (read by the caller), so
    a lost answer is settled by finding one that is new."""
    refusals = name_refusals(name) + content_refusals(content) + constraint_refusals(content, constraints)
    if not workspace_id:
        refusals.append(Refusal("WorkspaceId", "workspace", "a template belongs to a workspace: choose one"))
    params: dict[str, Any] = {"WorkspaceId": workspace_id, "TemplateName": name, "Content": _content_json(content)}
    if constraints:
        params["Constraints"] = dict(constraints)
    if description:
        params["Description"] = description

    async def settle(client: PaiClient) -> str | None:
        return next(iter(await named_templates(client, workspace_id, name) - before), None)

    return CreateRequest("template", f'job template "{name}"', operation("dlc", "CreateJobTemplate"), params,
                         new_id=lambda answer: str(answer.template_id), settle=settle, refusals=tuple(refusals))


async def named_templates(client: PaiClient, workspace_id: str, name: str) -> frozenset[str]:
    """Ids of the workspace's templates named exactly ``name``."""
    page = await client.dlc.list_job_templates(workspace_id=workspace_id, template_name=name, page_size=100)
    return frozenset(t.template_id or "" for t in page.job_templates or () if t.template_name == name)


async def template_from_job_request(client: PaiClient, job_id: str, *, name: str, constraints: Mapping[str, Any],
                                    description: str = "") -> CreateRequest:
    """Save job ``job_id`` as a template: its CreateJob body as Content, in the job's workspace."""
    raw = await client.invoke_json(operation("dlc", "GetJob"), {"JobId": job_id})
    workspace = str(raw.get("WorkspaceId") or "")
    before = await named_templates(client, workspace, name) if workspace and name.strip() else frozenset()
    return create_template_request(workspace_id=workspace, name=name, content=content_from_job(raw),
                                   constraints=constraints,
                                   description=description or f"saved from job {job_id}", before=before)


def latest_version(template: GetJobTemplateResponse) -> Any:
    return max(template.versions or (), key=lambda v: v.version or 0, default=None)


def version_request(template: GetJobTemplateResponse, content: Any, constraints: Mapping[str, Any], *,
                    set_default: bool = False) -> CreateRequest:
    """A new version: UpdateJobTemplate with Content and Constraints together (``template`` read with
    ``Version=all``). Content equal to the newest version's makes no version on the service, so it is refused."""
    template_id = template.template_id or ""
    refusals = content_refusals(content) + constraint_refusals(content, constraints)
    latest = latest_version(template)
    if latest is not None and not refusals and version_content(latest) == content:
        refusals.append(Refusal("Content", "content-unchanged",
                                f"Content is the same as version {latest.version}: the service makes a version "
                                "only when the content changes; edit the content"))
    params: dict[str, Any] = {"TemplateId": template_id, "Content": _content_json(content),
                              "Constraints": dict(constraints)}
    if set_default:
        params["SetAsDefault"] = True
    newest = latest.version if latest is not None else 0

    async def settle(client: PaiClient) -> str | None:
        fresh = await client.dlc.get_job_template(template_id, version="all")
        for v in fresh.versions or ():
            if (v.version or 0) > (newest or 0) and version_content(v) == content:
                return f"v{v.version}"
        return None

    return CreateRequest("template", f"a new version of {template_label(template_id, template.template_name)}",
                         operation("dlc", "UpdateJobTemplate"), params,
                         new_id=lambda answer: f"v{answer.version}", settle=settle, refusals=tuple(refusals),
                         verb="add", done="added" + (" as the default" if set_default else ""))


def set_default_request(template: GetJobTemplateResponse, version: str | int) -> CreateRequest:
    """SetJobTemplateDefaultVersion to a version the template has (``template`` read with ``Version=all``)."""
    template_id = template.template_id or ""
    known = sorted(v.version for v in template.versions or () if v.version is not None)
    refusals: list[Refusal] = []
    number = 0
    try:
        number = int(str(version).strip().removeprefix("v"))
    except ValueError:
        refusals.append(Refusal("Version", "version-number", f"{version!r} is not a version number"))
    if not refusals and number not in known:
        have = ", ".join(str(v) for v in known) or "none"
        refusals.append(Refusal("Version", "version-unknown",
                                f"the template has no version {number}; its versions: {have}"))
    elif not refusals and number == template.default_version:
        refusals.append(Refusal("Version", "already-default", f"version {number} is already the default"))

    async def settle(client: PaiClient) -> str | None:  # setting a default is idempotent: read it back
        fresh = await client.dlc.get_job_template(template_id)
        return f"v{number}" if fresh.default_version == number else None

    return CreateRequest("template", f"version {number} as the default of "
                         f"{template_label(template_id, template.template_name)}",
                         operation("dlc", "SetJobTemplateDefaultVersion"),
                         {"TemplateId": template_id, "Version": number},
                         new_id=lambda answer: f"v{answer.default_version}", settle=settle,
                         refusals=tuple(refusals), verb="set", done="set")


# --- diff between versions ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    path: str  # "Content.JobSpecs[0].PodCount" or "Constraints.UserCommand"
    old: Any  # MISSING when the field was not there
    new: Any

    def line(self) -> str:
        if self.old is MISSING:
            return f"+ {self.path}: {_show(self.new)}"
        if self.new is MISSING:
            return f"- {self.path}: {_show(self.old)}"
        return f"~ {self.path}: {_show(self.old)} → {_show(self.new)}"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def version_diff(old: Any, new: Any) -> list[Change]:
    """The changed fields from version ``old`` to ``new`` (``JobTemplateVersion``s): content and constraints,
    by field path, in ``new``'s order with removed fields after."""
    before = {**flatten(version_content(old), "Content"), **_prefixed(old.constraints or {}, "Constraints")}
    after = {**flatten(version_content(new), "Content"), **_prefixed(new.constraints or {}, "Constraints")}
    changes = [Change(p, before.get(p, MISSING), v) for p, v in after.items() if before.get(p, MISSING) != v]
    changes += [Change(p, v, MISSING) for p, v in before.items() if p not in after]
    return changes


def _prefixed(constraints: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    return {f"{prefix}.{k}": v for k, v in constraints.items()}


def diff_text(template: GetJobTemplateResponse, a: int, b: int) -> str:
    """The diff of versions ``a`` → ``b`` as lines (``+`` added, ``-`` removed, ``~`` changed)."""
    by_number = {v.version: v for v in template.versions or ()}
    missing = [n for n in (a, b) if n not in by_number]
    if missing:
        have = ", ".join(str(n) for n in sorted(k for k in by_number if k is not None)) or "none"
        raise ValueError(f"the template has no version {missing[0]}; its versions: {have}")
    changes = version_diff(by_number[a], by_number[b])
    head = f"# {template_label(template.template_id or '', template.template_name)}: v{a} → v{b}, " \
           f"{len(changes)} changed field(s)"
    return "\n".join([head, *(c.line() for c in changes)] if changes else [head, "(no differences)"])
