"""Creating a pipeline (CreatePipeline) or replacing its definition (UpdatePipeline) from a manifest file.

Rules checked before sending: the manifest's own, field by field (``live.create.manifest``); an update keeps
``metadata.identifier`` (``identifier-fixed``: PAIFlow refuses a change too); and an update is refused while
the pipeline has runs that are not finished (``pipeline-has-active-runs``) — the seeds: "you can only update
the pipeline definition when no runs are active". That is checked through ListPipelineRuns by PipelineIds;
the service answers ``InvalidParameter.PipelineInUse`` when a run started in between.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from paitui.api.operations import operation
from paitui.live.create.manifest import Manifest
from paitui.live.create.request import CreateRequest, Refusal
from paitui.live.status import is_terminal_run, run_phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


def read_manifest_file(path: str) -> tuple[str, list[Refusal]]:
    """The file's text, or a refusal naming the file (missing, unreadable, not UTF-8)."""
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as handle:
            return handle.read(), []
    except FileNotFoundError:
        return "", [Refusal("-f", "manifest-file", f"{path}: no such file")]
    except (OSError, UnicodeDecodeError) as exc:
        return "", [Refusal("-f", "manifest-file", f"{path}: cannot be read ({exc.__class__.__name__}: {exc})")]


async def workspace_refusals(client: PaiClient, wanted: str | None) -> tuple[str, list[Refusal]]:
    """``--workspace`` (an id or a name, as everywhere in paitui) → the workspace id, or a refusal."""
    if not wanted:
        return "", [Refusal("WorkspaceId", "workspace-required", "choose a workspace (--workspace ID or NAME)")]
    names = []
    async for ws in client.workspace.iter_workspaces():
        if wanted in (ws.workspace_id, ws.workspace_name, ws.display_name):
            return ws.workspace_id or wanted, []
        names.append(ws.workspace_name or ws.workspace_id or "")
    return "", [Refusal("WorkspaceId", "workspace-unknown",
                        f"no workspace {wanted!r} in this region (there are: {', '.join(names[:8]) or 'none'})")]


def _label(manifest: Manifest) -> str:
    ident = manifest.identifier or "?"
    return f"pipeline {ident} {manifest.version}".rstrip()


def create_request(workspace_id: str, text: str, refusals: list[Refusal] | None = None) -> CreateRequest:
    """CreatePipeline of ``text`` in ``workspace_id``; a lost answer is settled by ListPipelines finding the
    identifier, version and provider (unique in a workspace)."""
    manifest = Manifest(text)
    found = list(refusals or []) + manifest.refusals
    if not workspace_id and not any(r.field == "WorkspaceId" for r in found):
        found.append(Refusal("WorkspaceId", "workspace-required", "choose a workspace"))
    params = {"WorkspaceId": workspace_id, "Manifest": text}

    async def settle(client: PaiClient) -> str | None:
        async for p in client.flow.iter_pipelines(workspace_id=workspace_id, pipeline_identifier=manifest.identifier,
                                                  pipeline_version=manifest.version, limit=100):
            if (p.identifier, p.version) == (manifest.identifier, manifest.version) and \
                    p.provider in (manifest.provider, None, ""):
                return p.pipeline_id
        return None

    return CreateRequest(kind="pipeline", label=_label(manifest), operation=operation("flow", "CreatePipeline"),
                         params=params, new_id=lambda answer: str(answer.pipeline_id or ""), settle=settle,
                         refusals=tuple(found))


async def active_runs(client: PaiClient, pipeline: Any) -> list[Any]:
    """The pipeline's runs that are not finished (Initialized, Running, Terminating, Suspended …). A run in
    status Unknown has stopped reporting: PAIFlow counts it as finished, and so does this rule."""
    return [run async for run in client.flow.iter_pipeline_runs(workspace_id=pipeline.workspace_id or None,
                                                                pipeline_ids=pipeline.pipeline_id)
            if run.pipeline_id == pipeline.pipeline_id and not is_terminal_run(run.status)
            and run_phase(run.status) != "unknown"]


async def update_request(client: PaiClient, pipeline_id: str, text: str,
                         refusals: list[Refusal] | None = None) -> CreateRequest:
    """UpdatePipeline of ``pipeline_id`` to ``text``: reads the pipeline and its runs first (the rules)."""
    manifest = Manifest(text)
    found = list(refusals or []) + manifest.refusals
    pipeline = await client.flow.get_pipeline(pipeline_id)
    if manifest.identifier and pipeline.identifier and manifest.identifier != pipeline.identifier:
        found.append(Refusal("metadata.identifier", "identifier-fixed",
                             f"must stay {pipeline.identifier!r}: an update cannot rename a pipeline (create a new "
                             "one instead)"))
    running = await active_runs(client, pipeline)
    if running:
        example = ", ".join(f"{r.pipeline_run_id} ({r.status})" for r in running[:3])
        found.append(Refusal("PipelineId", "pipeline-has-active-runs",
                             f"{pipeline.identifier or pipeline_id} has {len(running)} unfinished run(s): {example}; "
                             "a pipeline can be updated only when no runs are active: wait for them to finish "
                             "or terminate them"))
    params = {"PipelineId": pipeline_id, "Manifest": text}

    async def settle(client: PaiClient) -> str | None:  # idempotent, but say what the read-back saw
        return pipeline_id if (await client.flow.get_pipeline(pipeline_id)).manifest == text else None

    return CreateRequest(kind="pipeline", label=f"pipeline {pipeline.identifier or pipeline_id}",
                         operation=operation("flow", "UpdatePipeline"), params=params,
                         new_id=lambda _answer: pipeline_id, settle=settle, refusals=tuple(found), verb="update",
                         done="updated")
