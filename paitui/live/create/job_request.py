"""CreateJob's one request, for ``paitui job submit``, the template form and edit-and-resubmit alike:
the template merged (``template_merge``), the overrides applied, the rules checked (``job_rules``, with the
images looked up in ListImages) and, for a lost answer, a ``settle`` that finds the new job by its
DisplayName among the jobs that did not exist before sending."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from paitui.api.operations import operation
from paitui.live.create.job_rules import check_job_body, job_images
from paitui.live.create.request import CreateRequest, Refusal
from paitui.live.create.template_merge import JobTemplateSource, apply_override, load_template, merge_template

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


async def create_job_request(client: PaiClient, body: Any, *, template_id: str | None = None,
                             template_version: int | None = None, template: JobTemplateSource | None = None,
                             overrides: Mapping[str, Any] | None = None,
                             allow_unregistered_image: bool = False) -> CreateRequest:
    """The CreateJob request for ``body`` (wire names), its refusals set when it breaks a rule.

    ``template_id`` (or the body's own ``TemplateId``) merges that template version (GetJobTemplate; pass
    ``template`` when it is loaded already); ``overrides`` are path → value edits (``JobSpecs[0].PodCount``).
    Reads: GetJobTemplate, ListImages per distinct image, and ListJobs by the new name (for ``settle``) — only
    once the body passes the rules that need no reading."""
    if not isinstance(body, Mapping):
        return _refused(body, check_job_body(body))
    wanted = template_id or body.get("TemplateId")
    refusals: list[Refusal] = []
    if template is None and wanted:
        version = template_version if template_version is not None else body.get("TemplateVersion")
        template = await load_template(client, str(wanted), int(version) if isinstance(version, int) else None)
    if template is not None:
        merged, refusals = merge_template(template, {k: v for k, v in body.items()
                                                     if k not in ("TemplateId", "TemplateVersion")}, overrides)
    else:
        merged = copy.deepcopy(dict(body))
        for path, value in (overrides or {}).items():
            refusals.extend(apply_override(merged, path, value))
    if isinstance(merged.get("WorkspaceId"), int) and not isinstance(merged["WorkspaceId"], bool):
        merged["WorkspaceId"] = str(merged["WorkspaceId"])  # YAML reads an id as a number
    refusals += check_job_body(merged, registered_images=None)
    if refusals:
        return _refused(merged, refusals)
    registered = await registered_images(client, str(merged["WorkspaceId"]), job_images(merged))
    refusals = check_job_body(merged, registered_images=registered, allow_unregistered_image=allow_unregistered_image)
    if refusals:
        return _refused(merged, refusals)
    name = str(merged["DisplayName"])
    before: list[str] = []

    async def snapshot(reader: PaiClient) -> None:  # the jobs of that name just before sending
        before[:] = await _jobs_named(reader, str(merged["WorkspaceId"]), name)

    async def settle(reader: PaiClient) -> str | None:
        new = [i for i in await _jobs_named(reader, str(merged["WorkspaceId"]), name) if i not in before]
        return new[0] if len(new) == 1 else None  # two new jobs of that name: cannot tell which is ours

    return CreateRequest("job", f"DLC job '{name}'", operation("dlc", "CreateJob"), merged,
                         lambda answer: str(answer.job_id), settle, verb="submit", done="submitted",
                         before_send=snapshot)


async def registered_images(client: PaiClient, workspace_id: str, images: list[str]) -> set[str]:
    """Which of ``images`` ListImages returns for the workspace (one exact ImageUri query each)."""
    found: set[str] = set()
    op = operation("workspace", "ListImages")
    for image in images:
        answer: Any = await client.invoke(op, {"WorkspaceId": workspace_id, "ImageUri": image, "PageSize": 10})
        if any(i.image_uri == image for i in answer.images or ()):
            found.add(image)
    return found


async def _jobs_named(client: PaiClient, workspace_id: str, name: str) -> list[str]:
    """Ids of the workspace's jobs called exactly ``name``, newest first (DisplayName filters by substring)."""
    page = await client.dlc.list_jobs(workspace_id=workspace_id, display_name=name, sort_by="GmtCreateTime",
                                      order="desc", page_size=100)
    return [str(j.job_id) for j in page.jobs or () if j.display_name == name]


def _refused(body: Any, refusals: list[Refusal]) -> CreateRequest:
    params = dict(body) if isinstance(body, Mapping) else {}
    label = f"DLC job '{params.get('DisplayName') or '?'}'"
    return CreateRequest("job", label, operation("dlc", "CreateJob"), params, lambda answer: str(answer.job_id),
                         None, tuple(dict.fromkeys(refusals)), verb="submit", done="submitted")
