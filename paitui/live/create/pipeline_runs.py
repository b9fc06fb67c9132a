"""Starting a pipeline run (CreatePipelineRun) with arguments for the pipeline's input parameters.

The rules, checked before sending (each a ``Refusal`` on ``Arguments.<name>`` or ``Name``): an argument names
a parameter the manifest declares (``unknown-argument``), its value has the parameter's type
(``argument-type``) and is one of its allowed values (``argument-enum``); a parameter without a default is
given (``argument-required``); the run name fits 128 characters (``run-name-length``, UpdatePipelineRun's
limit). Arguments go on the wire as the PAI SDK sends them: ``Arguments`` is the JSON text
``{"arguments": {"parameters": [{"name": …, "value": …}]}}``. The dashboard's form and ``paitui run create``
both build their request here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.api.operations import operation
from paitui.live.create.manifest import BadValue, Manifest, Parameter
from paitui.live.create.request import CreateRequest, Refusal

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

MAX_RUN_NAME = 128


def parse_assignments(items: list[str] | tuple[str, ...]) -> tuple[dict[str, str], list[Refusal]]:
    """``--arg name=value`` words → {name: raw value}; a word without ``=`` is a refusal naming it."""
    given: dict[str, str] = {}
    refusals = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            refusals.append(Refusal("Arguments", "argument-syntax", f"{item!r} is not name=value"))
            continue
        given[name.strip()] = value
    return given, refusals


def check_arguments(parameters: list[Parameter], given: Mapping[str, str]) -> tuple[dict[str, Any], list[Refusal]]:
    """The typed values of ``given`` (raw text by parameter name) and every rule they break."""
    by_name = {p.name: p for p in parameters}
    values: dict[str, Any] = {}
    refusals: list[Refusal] = []
    for name, raw in given.items():
        param = by_name.get(name)
        if param is None:
            known = ", ".join(f"{p.name} ({p.type})" for p in parameters) or "none"
            refusals.append(Refusal(f"Arguments.{name}", "unknown-argument",
                                    f"the pipeline has no input parameter {name!r}; its parameters: {known}"))
            continue
        try:
            values[name] = param.parse(raw)
        except BadValue as bad:
            refusals.append(Refusal(f"Arguments.{name}", bad.rule, str(bad)))
    for param in parameters:
        if param.required and param.name not in given:
            refusals.append(Refusal(f"Arguments.{param.name}", "argument-required",
                                    f"{param.name} ({param.type_label}) has no default: give it "
                                    f"(--arg {param.name}=…)"))
    return values, refusals


def arguments_text(values: Mapping[str, Any]) -> str:
    return json.dumps({"arguments": {"parameters": [{"name": k, "value": v} for k, v in values.items()]}},
                      ensure_ascii=False)


def run_request(pipeline: Any, given: Mapping[str, str], name: str | None = None,
                refusals: list[Refusal] | None = None, *, now: datetime | None = None) -> CreateRequest:
    """CreatePipelineRun for ``pipeline`` (a GetPipeline answer: id, workspace, manifest) with ``given``;
    ``now`` (the server's clock) bounds the read-back after a lost answer."""
    manifest = Manifest(pipeline.manifest or "")
    found = list(refusals or [])
    values, broken = check_arguments(manifest.parameters, given)
    found += broken
    run_name = (name or "").strip()
    if len(run_name) > MAX_RUN_NAME:
        found.append(Refusal("Name", "run-name-length", f"at most {MAX_RUN_NAME} characters ({len(run_name)} given)"))
    params: dict[str, Any] = {"WorkspaceId": pipeline.workspace_id or "", "PipelineId": pipeline.pipeline_id or "",
                              "NoConfirmRequired": True}
    if run_name:
        params["Name"] = run_name
    if values:
        params["Arguments"] = arguments_text(values)
    ident = pipeline.identifier or pipeline.pipeline_id or "pipeline"
    label = f"pipeline run {run_name!r} of {ident}" if run_name else f"pipeline run of {ident}"
    return CreateRequest(kind="run", label=label, operation=operation("flow", "CreatePipelineRun"), params=params,
                         new_id=lambda answer: str(answer.pipeline_run_id or ""),
                         settle=_settle(params, now) if run_name and now is not None else None,
                         refusals=tuple(found))


def _settle(params: Mapping[str, Any], sent_after: datetime) -> Any:
    """After a lost answer: a run of this pipeline with this name created since the request was built."""
    async def settle(client: PaiClient) -> str | None:
        async for run in client.flow.iter_pipeline_runs(workspace_id=params["WorkspaceId"],
                                                        pipeline_ids=params["PipelineId"], name=params["Name"],
                                                        limit=100):
            created = run.gmt_create_time
            # the server's seconds: a run made by this request is not older than the moment it was built
            if run.name == params["Name"] and (created is None or created >= sent_after - timedelta(seconds=1)):
                return run.pipeline_run_id
        return None

    return settle


async def build_for(client: PaiClient, pipeline_id: str, given: Mapping[str, str], name: str | None = None,
                    refusals: list[Refusal] | None = None) -> CreateRequest:
    """Read the pipeline (its manifest gives the parameters), then ``run_request``."""
    pipeline = await client.flow.get_pipeline(pipeline_id)
    return run_request(pipeline, given, name, refusals, now=client.server_now())


async def pipeline_of_run(client: PaiClient, run_id: str) -> tuple[Any | None, dict[str, str]]:
    """"Run again with new arguments": the pipeline a run was made from, and the arguments it was given
    (raw text by name, as a form prefills them). A run from an inline manifest has no pipeline: ``None``."""
    run = await client.flow.get_pipeline_run(run_id)
    if not run.pipeline_id:
        return None, {}
    pipeline = await client.flow.get_pipeline(run.pipeline_id)
    return pipeline, previous_arguments(run.arguments or "", Manifest(pipeline.manifest or "").parameters)


def previous_arguments(text: str, parameters: list[Parameter]) -> dict[str, str]:
    """A run's ``Arguments`` → {name: value as typed} for the parameters the pipeline still has."""
    try:
        doc = json.loads(text) if text.strip() else {}
        items = (doc.get("arguments") or {}).get("parameters") or []
    except (ValueError, AttributeError):
        return {}
    by_name = {p.name: p for p in parameters}
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("name") in by_name:
            found[item["name"]] = by_name[item["name"]].shown(item.get("value"))
    return found
