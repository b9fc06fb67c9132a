"""Settling a lost answer: read the resource back and judge whether the action took effect (issue 10)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from paitui.api.errors import NotFoundError, OutcomeUnknownError, PaiError, describe
from paitui.kinds import Action, Target, kind
from paitui.live.actions.outcome import Outcome
from paitui.live.status import is_terminal_run, is_terminal_tensorboard

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

Verdict = Literal["applied", "not applied", "unknown"]


@dataclass(frozen=True, slots=True)
class ReadBack:
    """What reading the resource back after a lost answer showed."""

    verdict: Verdict
    seen: str  # "GetJob now says Stopping" / "GetJob answers NotFound" / what to check, for unknown
    status: str | None = None  # the state read, for the row


def check_hint(t: Target) -> str:
    """Where a person looks to settle it themselves."""
    k = kind(t.kind)
    product, action_name, id_param = k.get_call or ("?", "Get?", "Id")
    return f"check the {k.noun} (r refreshes; or paitui call {product} {action_name} {id_param}={t.id})"


async def _gone(read: Callable[[], Any], what: str, status_of: Callable[[Any], str | None]) -> ReadBack:
    """A delete: applied when the read answers NotFound."""
    try:
        found = await read()
    except NotFoundError as error:
        return ReadBack("applied", f"{what} answers {error.code or 'not found'}")
    status = status_of(found)
    if status is None and getattr(found, "data", True) is None:  # PaiPlugin: not found is Data: null
        return ReadBack("applied", f"{what} finds nothing")
    return ReadBack("not applied", f"{what} still finds it" + (f" ({status})" if status else ""), status)


def _state(verdict: bool, what: str, status: str | None, *, otherwise: Verdict = "not applied") -> ReadBack:
    return ReadBack("applied" if verdict else otherwise, f"{what} now says {status or 'no status'}", status)


async def read_back(client: PaiClient, action_: Action, t: Target, args: Mapping[str, Any]) -> ReadBack:
    """Read the resource and judge whether ``action_`` took effect. Each action says what "applied" looks
    like; a new resource (clone, rerun that stays finished) cannot be proven and stays unknown."""
    low = lambda status: (status or "").lower()  # noqa: E731 - tiny local helper
    match (t.kind, action_.key):
        case ("job", "stop"):
            job = await client.dlc.get_job(t.id, need_detail=False)
            return _state(low(job.status) in ("stopping", "stopped"), "GetJob", job.status)
        case ("job", "delete"):
            return await _gone(lambda: client.dlc.get_job(t.id, need_detail=False), "GetJob",
                               lambda job: job.status)
        case ("job", "priority"):
            job = await client.dlc.get_job(t.id, need_detail=False)
            wanted = int(args["priority"])
            return ReadBack("applied" if job.priority == wanted else "not applied",
                            f"GetJob now says priority {job.priority}")
        case ("job", "clone"):
            name = (args.get("spec") or {}).get("display_name") or "the clone"
            return ReadBack("unknown", f'look for a new job named "{name}" in the jobs list before resubmitting')
        case ("run", "start"):
            run = await client.flow.get_pipeline_run(t.id)
            return _state(low(run.status) not in ("initialized", ""), "GetPipelineRun", run.status)
        case ("run", "terminate"):
            run = await client.flow.get_pipeline_run(t.id)
            return _state(low(run.status) in ("terminating", "terminated"), "GetPipelineRun", run.status)
        case ("run", "rerun"):
            run = await client.flow.get_pipeline_run(t.id)
            if not is_terminal_run(run.status) and low(run.status) != "unknown":
                return _state(True, "GetPipelineRun", run.status)
            return ReadBack("unknown", f"GetPipelineRun still says {run.status}; a rerun may not have started "
                            f"yet: check whether run {t.id} starts again before rerunning")
        case ("run", "rename"):
            run = await client.flow.get_pipeline_run(t.id)
            return ReadBack("applied" if run.name == str(args["name"]) else "not applied",
                            f'GetPipelineRun now says name "{run.name}"')
        case ("run", "delete"):
            return await _gone(lambda: client.flow.get_pipeline_run(t.id), "GetPipelineRun", lambda r: r.status)
        case ("pipeline", "delete"):
            return await _gone(lambda: client.flow.get_pipeline(t.id), "GetPipeline", lambda _p: "")
        case ("tensorboard", "start"):
            board = await client.dlc.get_tensorboard(t.id, workspace_id=t.workspace_id)
            return _state(not is_terminal_tensorboard(board.status), "GetTensorboard", board.status)
        case ("tensorboard", "stop"):
            board = await client.dlc.get_tensorboard(t.id, workspace_id=t.workspace_id)
            return _state(is_terminal_tensorboard(board.status), "GetTensorboard", board.status)
        case ("tensorboard", "delete"):
            return await _gone(lambda: client.dlc.get_tensorboard(t.id, workspace_id=t.workspace_id),
                               "GetTensorboard", lambda b: b.status)
        case ("schedule", "delete"):
            return await _gone(lambda: client.plugin.get_schedule(t.id), "GetSchedule",
                               lambda answer: None if answer.data is None else str(answer.data.status))
    return ReadBack("unknown", check_hint(t))


async def settle(client: PaiClient, action_: Action, t: Target, args: Mapping[str, Any],
                 error: OutcomeUnknownError) -> Outcome:
    """The answer to ``action_`` was lost: read the resource back and report applied, not applied, or still
    unknown with what to check."""
    lost = _lost_words(error.cause)
    try:
        seen = await read_back(client, action_, t, args)
    except PaiError as read_error:
        seen = ReadBack("unknown", f"reading it back failed too ({describe(read_error)}): {check_hint(t)}")
    if seen.verdict == "applied":
        return Outcome(t.id, t.name, True, error.request_id, None, _applied_value(action_, args),
                       note=f"{lost}; {seen.seen}", status=seen.status)
    if seen.verdict == "not applied":
        return Outcome(t.id, t.name, False, error.request_id, error, note=f"{lost}; {seen.seen}",
                       status=seen.status)
    return Outcome(t.id, t.name, False, error.request_id, error, unknown=True,
                   note=f"outcome unknown: {lost} ({describe(error.cause)}); {seen.seen}")


def _lost_words(cause: PaiError) -> str:
    """How the answer went missing, in words."""
    if cause.kind == "server":
        return f"PAI answered {cause.code or 'a server error'}, which does not say whether it acted"
    if cause.kind == "malformed":
        return "the answer was unreadable"
    return "the answer was lost"


def _applied_value(action_: Action, args: Mapping[str, Any]) -> str | None:
    """The value an applied form action shows (the new name or priority), as a direct success would."""
    if action_.form == "priority":
        return str(args["priority"])
    if action_.form == "rename":
        return str(args["name"])
    return None

