"""Performing an action: one API call per resource through ``PaiClient`` (``perform``), and many resources
concurrently, bounded by a semaphore (``run_bulk``; the client's own rate limiter still paces every request).
A lost answer is settled by reading the resource back (``live.actions.settle``) before anything is reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from paitui.api.errors import OutcomeUnknownError, PaiError
from paitui.api.operation import Operation
from paitui.api.operations import operation
from paitui.kinds import Action, Target
from paitui.live.actions.catalogue import MAX_BULK, WIRE
from paitui.live.actions.outcome import Outcome
from paitui.live.actions.settle import settle

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

BULK_CONCURRENCY = 8  # requests of one bulk action in flight at once


def _request_id(answer: Any) -> str | None:
    rid = getattr(answer, "request_id", None)
    return str(rid) if rid else None



async def _first_running_pod(client: PaiClient, job_id: str) -> tuple[str, str | None]:
    job = await client.dlc.get_job(job_id)
    for pod in job.pods or ():
        if (pod.status or "").lower() == "running" and pod.pod_id:
            return pod.pod_id, pod.pod_uid
    raise PaiError(f"the job {job_id} has no running pod, so there is no web terminal to open.",
                   code="NoRunningPod", action="GetWebTerminal")





def wire_request(action_: Action, target: Target) -> tuple[Operation, dict[str, Any]]:
    """The operation and wire parameters of a one-call action (``WIRE``)."""
    product, name, id_param = WIRE[(action_.kind, action_.key)]
    params: dict[str, Any] = {id_param: target.id}
    if action_.kind == "tensorboard" and target.workspace_id:
        params["WorkspaceId"] = target.workspace_id
    return operation(product, name), params



async def _call(client: PaiClient, action_: Action, t: Target, args: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The API call behind ``action_``; returns (answer, value to show such as a URL or a new id)."""
    if (t.kind, action_.key) in WIRE:
        op, params = wire_request(action_, t)
        return await client.invoke(op, params), None
    dlc = client.dlc
    answer: Any  # each action answers its own response model
    match (t.kind, action_.key):
        case ("job", "priority"):
            return await dlc.update_job(t.id, priority=int(args["priority"])), str(args["priority"])
        case ("job", "clone"):
            answer = await dlc.create_job(**args["spec"])
            return answer, answer.job_id
        case ("job", "copy-terminal"):
            pod, uid = await _first_running_pod(client, t.id)
            answer = await dlc.get_web_terminal(t.id, pod, pod_uid=uid)
            return answer, answer.web_terminal_url
        case ("job", "copy-dashboard"):
            answer = await dlc.get_dashboard(t.id)
            return answer, _url_or_none(answer.url, t, "dashboard")
        case ("job", "copy-ray"):
            answer = await dlc.get_ray_dashboard(t.id)
            return answer, _url_or_none(answer.url, t, "Ray dashboard")
        case ("run", "rename"):
            return await client.flow.update_pipeline_run(t.id, name=str(args["name"])), str(args["name"])
        case ("tensorboard", "copy-shared"):
            seconds = args.get("seconds")
            if seconds is not None:  # the rule (≤ 604,800 s) before sending, whoever asks
                from paitui.live.create.tensorboards import share_expiry_refusals

                if refused := share_expiry_refusals(seconds):
                    raise PaiError(refused[0].line(), code="Refused." + refused[0].rule,
                                   action="GetTensorboardSharedUrl")
            answer = await dlc.get_tensorboard_shared_url(t.id, expire_time_seconds=seconds)
            return answer, answer.tensorboard_shared_url
    raise KeyError(f"no call for {t.kind} {action_.key}")



def _url_or_none(url: str | None, t: Target, what: str) -> str:
    if not url:
        raise PaiError(f"the job {t.id} has no {what}.", code="NoDashboard")
    return url



async def perform(client: PaiClient, action_: Action, target: Target,
                  args: Mapping[str, Any] | None = None) -> Outcome:
    """Run one action; a ``PaiError`` (including a read-only refusal) becomes a failed ``Outcome``, and a lost
    answer is settled by reading the resource back (``settle``) before anything is reported."""
    try:
        answer, value = await _call(client, action_, target, args or {})
    except OutcomeUnknownError as error:
        return await settle(client, action_, target, args or {}, error)
    except PaiError as error:
        return Outcome(target.id, target.name, False, error.request_id, error)
    return Outcome(target.id, target.name, True, _request_id(answer), None, value)




async def run_bulk(client: PaiClient, action_: Action, targets: Iterable[Target], *,
                   concurrency: int = BULK_CONCURRENCY, args: Mapping[str, Any] | None = None,
                   on_done: Callable[[Target, Outcome], None] | None = None,
                   on_start: Callable[[Target], None] | None = None) -> list[Outcome]:
    """``action_`` on every target (at most ``MAX_BULK``), ``concurrency`` at a time; outcomes in input order.

    ``on_start`` is told as an item's request is about to go out (the headless commands know, when
    interrupted, which items were sent); ``on_done`` as each item finishes (the UI clears that row's spinner)."""
    items = list(targets)
    if len(items) > MAX_BULK:
        raise ValueError(f"at most {MAX_BULK} resources per action, not {len(items)}")
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(target: Target) -> Outcome:
        async with gate:
            if on_start is not None:
                on_start(target)
            outcome = await perform(client, action_, target, args)
        if on_done is not None:
            on_done(target, outcome)
        return outcome

    return list(await asyncio.gather(*(one(t) for t in items)))

