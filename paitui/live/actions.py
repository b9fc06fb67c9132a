"""One-off operations on resources — stop, terminate, rerun, delete … — without any UI.

The catalogue says, per kind of resource, which actions exist; ``availability`` says whether the current
state allows one and, when it does not, why (the action panel shows the reason, the headless commands
print it). ``perform`` runs one action through ``PaiClient`` and turns the answer or the error into an
``Outcome``; ``run_bulk`` runs one action over many resources concurrently, bounded by a semaphore (the
client's own rate limiter still paces every request).

State rules follow docs/WIRE.md §6 and §8 and the simulated cloud, which refuses the same transitions:

* a DLC job can be stopped until it is terminal (Succeeded, Failed, Stopped) and deleted only once it is;
* a PAIFlow run can be started only while Initialized, terminated while Initialized, Running or Suspended,
  rerun once finished (Succeeded, Failed, Terminated, Skipped — and Unknown, which the service accepts),
  and deleted unless it is active (Running, Terminating, Suspended);
* a TensorBoard starts when stopped (or finished) and stops while it is not.

Read-only mode disables every action that changes something; the read actions (copy a URL) stay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from paitui.api.errors import NotFoundError, OutcomeUnknownError, PaiError, describe
from paitui.api.operation import Operation
from paitui.api.operations import operation
from paitui.live.status import is_terminal_job, is_terminal_run, is_terminal_tensorboard, job_pods_up, run_phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

Kind = Literal["job", "run", "pipeline", "tensorboard", "schedule"]
KIND_WORDS: dict[str, str] = {"job": "DLC job", "run": "pipeline run", "pipeline": "pipeline",
                              "tensorboard": "TensorBoard", "schedule": "SMS send plan"}
MAX_BULK = 100  # one confirmation never lists (or sends) more than this
BULK_CONCURRENCY = 8  # requests of one bulk action in flight at once
PERMANENT = "Deletion is permanent and cannot be undone."
READ_ONLY_REASON = "read-only mode: paitui sends no changes (--read-only, the config file or the profile)"
_RUN_ACTIVE = frozenset({"running", "terminating", "suspended", "starting", "workflowservicestarting",
                         "readytoschedule"})


@dataclass(frozen=True, slots=True)
class Target:
    """The resource an action is about: enough to name it, to judge availability and to call the API."""

    kind: Kind
    id: str
    name: str = ""
    status: str | None = None  # schedules: the int status as text
    job_type: str | None = None
    workspace_id: str | None = None

    @property
    def label(self) -> str:
        """``DLC job "llama-sft" (dlc1a2b3c)`` — kind, name and id, as every confirmation names it."""
        word = KIND_WORDS[self.kind]
        return f'{word} "{self.name}" ({self.id})' if self.name and self.name != self.id else f"{word} {self.id}"


@dataclass(frozen=True, slots=True)
class Action:
    """One entry of the catalogue."""

    kind: Kind
    key: str  # stable id: "stop", "delete", "copy-terminal" …
    label: str  # what the panel shows: "Stop", "Delete" …
    hotkey: str  # the key that picks it inside the panel
    verb: str  # past tense for results: "stopped"
    consequence: str = ""  # what the confirmation says will happen
    mutating: bool = True
    destructive: bool = False  # a confirmation must be typed (name or id)
    transitional: str | None = None  # the status the row shows at once after success
    bulk: bool = True  # may run over marked rows
    form: str | None = None  # "priority", "clone", "rename": asks for input before confirming
    removes: bool = False  # the resource is gone afterwards

    @property
    def confirm(self) -> bool:
        return self.mutating


@dataclass(frozen=True, slots=True)
class Availability:
    action: Action
    ok: bool
    reason: str = ""  # why not, when not ok


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one action on one resource: ok, failed, or (``unknown``) sent with its answer lost and
    not settled by reading the resource back. ``note`` says how a lost answer was settled."""

    id: str
    name: str
    ok: bool
    request_id: str | None = None
    error: PaiError | None = None
    value: str | None = None  # a URL for the copy actions, a new id for a clone
    unknown: bool = False  # sent, but whether it was applied is not known (never together with ok)
    note: str = ""  # "the answer was lost; GetJob now says Stopping"
    status: str | None = None  # the state read back, which the row shows instead of the transitional one

    @property
    def state(self) -> Literal["ok", "failed", "unknown"]:
        return "ok" if self.ok else "unknown" if self.unknown else "failed"

    def line(self, action: Action) -> str:
        """One line per item, for the headless commands and the bulk summary."""
        who = f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id
        tail = f"  RequestId={self.request_id}" if self.request_id else ""
        if self.ok:
            extra = f"  {self.value}" if self.value else ""
            note = f" ({self.note})" if self.note else ""
            return f"ok      {KIND_WORDS[action.kind]} {who} {action.verb}{note}{extra}{tail}"
        if self.unknown:
            return f"unknown {KIND_WORDS[action.kind]} {who}: {self.note}{tail}"
        if self.note:
            return f"failed  {KIND_WORDS[action.kind]} {who}: not applied ({self.note}){tail}"
        return f"failed  {KIND_WORDS[action.kind]} {who}: {describe_error(self.error)}"


def _a(kind: Kind, key: str, label: str, hotkey: str, verb: str, **kw: Any) -> Action:
    return Action(kind, key, label, hotkey, verb, **kw)


CATALOGUE: dict[str, tuple[Action, ...]] = {
    "job": (
        _a("job", "stop", "Stop", "s", "stop requested", transitional="Stopping",
           consequence="The job stops: its pods are killed and it ends as Stopped."),
        _a("job", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
           consequence=f"The job and its record are deleted. {PERMANENT}"),
        _a("job", "priority", "Change priority", "p", "priority changed", form="priority", bulk=False,
           consequence="The job's priority (1 lowest … 9 highest) changes; queuing order follows it."),
        _a("job", "clone", "Clone and resubmit", "c", "submitted", form="clone", bulk=False,
           consequence="A new job is created from this job's spec and submitted; it uses resources."),
        _a("job", "copy-terminal", "Copy web terminal URL", "t", "URL copied", mutating=False, bulk=False),
        _a("job", "copy-dashboard", "Copy dashboard URL", "b", "URL copied", mutating=False, bulk=False),
        _a("job", "copy-ray", "Copy Ray dashboard URL", "y", "URL copied", mutating=False, bulk=False),
    ),
    "run": (
        _a("run", "start", "Start", "s", "started", transitional="Starting",
           consequence="The run starts executing its nodes."),
        _a("run", "terminate", "Terminate", "t", "termination requested", transitional="Terminating",
           consequence="The run is terminated: running nodes are killed and it ends as Terminated."),
        _a("run", "rerun", "Rerun", "r", "rerun", transitional="Starting",
           consequence="The run executes again from the start, with new nodes."),
        _a("run", "rename", "Rename", "n", "renamed", form="rename", bulk=False,
           consequence="The run's name changes."),
        _a("run", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
           consequence=f"The run and its nodes' records are deleted. {PERMANENT}"),
    ),
    "pipeline": (
        _a("pipeline", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
           consequence=f"The pipeline definition is deleted. {PERMANENT}"),
    ),
    "tensorboard": (
        _a("tensorboard", "start", "Start", "s", "started", transitional="Creating",
           consequence="The TensorBoard starts again (it uses resources while running)."),
        _a("tensorboard", "stop", "Stop", "t", "stopped", transitional="Stopped",
           consequence="The TensorBoard stops; its URL stops working."),
        _a("tensorboard", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
           consequence=f"The TensorBoard is deleted. {PERMANENT}"),
        _a("tensorboard", "copy-shared", "Copy shared URL", "u", "URL copied", mutating=False, bulk=False),
    ),
    "schedule": (
        _a("schedule", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
           consequence=f"The SMS send plan is deleted and will send nothing more. {PERMANENT}"),
    ),
}


def action(kind: str, key: str) -> Action:
    for item in CATALOGUE[kind]:
        if item.key == key:
            return item
    raise KeyError(f"no action {key!r} for {kind}")


# --- availability ------------------------------------------------------------------------------------------

def _why_not(action_: Action, t: Target) -> str:
    """'' when the state allows the action, else the reason in words."""
    status = t.status or "unknown"
    low = status.lower()
    match (t.kind, action_.key):
        case ("job", "stop"):
            if is_terminal_job(t.status):
                return f"the job is {status}: it has already finished"
            if low == "stopping":
                return "the job is already stopping"
        case ("job", "delete"):
            if not is_terminal_job(t.status):
                return f"the job is {status}: only a finished job can be deleted; stop it first"
        case ("job", "priority"):
            if is_terminal_job(t.status):
                return f"the job is {status}: priority no longer matters once a job has finished"
        case ("job", "copy-terminal"):
            if not job_pods_up(t.status):
                return f"the job is {status}: a web terminal needs a running pod"
        case ("job", "copy-dashboard" | "copy-ray"):
            if t.job_type != "RayJob":
                return f"only Ray jobs have a dashboard (this one: {t.job_type or 'type unknown'})"
        case ("run", "start"):
            if low != "initialized":
                return f"the run is {status}: only an Initialized run can be started"
        case ("run", "terminate"):
            if low == "terminating":
                return "the run is already terminating"
            if is_terminal_run(t.status) or run_phase(t.status) == "unknown":
                return f"the run is {status}: only an unfinished run can be terminated"
        case ("run", "rerun"):
            if not (is_terminal_run(t.status) or low == "unknown"):
                return f"the run is {status}: only a finished run can be rerun"
        case ("run", "delete"):
            if low in _RUN_ACTIVE:
                return f"the run is {status}: terminate it and wait until it is Terminated before deleting it"
        case ("tensorboard", "start"):
            if not is_terminal_tensorboard(t.status):
                return f"the TensorBoard is {status}: only a stopped one can be started"
        case ("tensorboard", "stop"):
            if is_terminal_tensorboard(t.status):
                return f"the TensorBoard is already {status}"
        case ("tensorboard", "copy-shared"):
            if is_terminal_tensorboard(t.status):
                return f"the TensorBoard is {status}: a shared URL opens a running TensorBoard; start it first"
    return ""


def availability(action_: Action, target: Target, *, read_only: bool = False) -> Availability:
    if read_only and action_.mutating:
        return Availability(action_, False, READ_ONLY_REASON)
    reason = _why_not(action_, target)
    return Availability(action_, not reason, reason)


def available_actions(target: Target, *, read_only: bool = False) -> list[Availability]:
    """Every action of the target's kind, each with whether it is allowed now and why not."""
    return [availability(a, target, read_only=read_only) for a in CATALOGUE[target.kind]]


def bulk_availability(action_: Action, targets: Sequence[Target], *,
                      read_only: bool = False) -> tuple[list[Target], list[tuple[Target, str]]]:
    """Split ``targets`` into those the action applies to and those it does not (with the reason)."""
    ok: list[Target] = []
    skipped: list[tuple[Target, str]] = []
    for target in targets:
        verdict = availability(action_, target, read_only=read_only)
        if verdict.ok:
            ok.append(target)
        else:
            skipped.append((target, verdict.reason))
    return ok, skipped


# --- targets from rows -------------------------------------------------------------------------------------

def target_of(kind: Kind, row: Any) -> Target:
    """A ``Target`` from a list row or a detail model (``JobItem``, ``PipelineRun``, ``Pipeline`` …)."""
    g = lambda name: getattr(row, name, None)  # noqa: E731 - tiny local accessor
    if kind == "job":
        return Target(kind, g("job_id") or "", g("display_name") or "", g("status"), g("job_type"),
                      g("workspace_id"))
    if kind == "run":
        return Target(kind, g("pipeline_run_id") or "", g("name") or "", g("status"), None, g("workspace_id"))
    if kind == "pipeline":
        return Target(kind, g("pipeline_id") or "", g("identifier") or "", None, None, g("workspace_id"))
    if kind == "tensorboard":
        return Target(kind, g("tensorboard_id") or "", g("display_name") or "", g("status"), None,
                      g("workspace_id"))
    status = g("status")
    return Target(kind, g("id") or "", g("name") or "", None if status is None else str(status))


# --- performing --------------------------------------------------------------------------------------------

def describe_error(error: PaiError | None) -> str:
    """``Code: Message (Recommend: …) RequestId=…`` — what a failed item says, with a PipelineInUse
    explanation in words (the seed documents' meaning of the code)."""
    if error is None:
        return "failed"
    parts = [f"{error.code}: " if error.code else ""]
    parts.append(error.server_message or str(error))
    text = "".join(parts)
    hint = explain(error)
    if hint:
        text += f" — {hint}"
    if error.recommend:
        text += f" (Recommend: {error.recommend})"
    if error.request_id:
        text += f" RequestId={error.request_id}"
    return text


def explain(error: PaiError) -> str:
    """Words for error codes whose message alone does not say what to do."""
    if error.code == "InvalidParameter.PipelineInUse":
        return ("the pipeline is in use: other users subscribe to it as a shared pipeline, another pipeline "
                "references it as a sub-pipeline, or unfinished runs use it. Remove those references (or "
                "wait for the runs to finish) before deleting it")
    if error.code and error.code.startswith("Throttling"):
        return "PAI is rate-limiting requests; nothing was changed — wait a moment and try again"
    if error.kind == "read_only":
        return "nothing was sent"
    return ""


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



# Actions that are one API call on the resource's id: (product, API action, id parameter). ``perform`` and
# the headless ``--dry-run`` both build their request from this table, so what is printed is what is sent.
WIRE: dict[tuple[str, str], tuple[str, str, str]] = {
    ("job", "stop"): ("dlc", "StopJob", "JobId"),
    ("job", "delete"): ("dlc", "DeleteJob", "JobId"),
    ("run", "start"): ("flow", "StartPipelineRun", "PipelineRunId"),
    ("run", "terminate"): ("flow", "TerminatePipelineRun", "PipelineRunId"),
    ("run", "rerun"): ("flow", "RerunPipelineRun", "PipelineRunId"),
    ("run", "delete"): ("flow", "DeletePipelineRun", "PipelineRunId"),
    ("pipeline", "delete"): ("flow", "DeletePipeline", "PipelineId"),
    ("tensorboard", "start"): ("dlc", "StartTensorboard", "TensorboardId"),
    ("tensorboard", "stop"): ("dlc", "StopTensorboard", "TensorboardId"),
    ("tensorboard", "delete"): ("dlc", "DeleteTensorboard", "TensorboardId"),
    ("schedule", "delete"): ("plugin", "DeleteSchedule", "Id"),
}


def wire_request(action_: Action, target: Target) -> tuple[Operation, dict[str, Any]]:
    """The operation and wire parameters of a one-call action (``WIRE``)."""
    product, name, id_param = WIRE[(action_.kind, action_.key)]
    params: dict[str, Any] = {id_param: target.id}
    if action_.kind == "tensorboard" and target.workspace_id:
        params["WorkspaceId"] = target.workspace_id
    return operation(product, name), params


async def _call(client: PaiClient, action_: Action, t: Target, args: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The API call behind ``action_``; returns (answer, value to show such as a URL or a new id)."""
    answer: Any  # each case below binds its own response model
    if (t.kind, action_.key) in WIRE:
        op, params = wire_request(action_, t)
        return await client.invoke(op, params), None
    dlc = client.dlc
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
            answer = await dlc.get_tensorboard_shared_url(t.id)
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


# --- settling a lost answer --------------------------------------------------------------------------------

Verdict = Literal["applied", "not applied", "unknown"]


@dataclass(frozen=True, slots=True)
class ReadBack:
    """What reading the resource back after a lost answer showed."""

    verdict: Verdict
    seen: str  # "GetJob now says Stopping" / "GetJob answers NotFound" / what to check, for unknown
    status: str | None = None  # the state read, for the row


def check_hint(t: Target) -> str:
    """Where a person looks to settle it themselves."""
    where = {"job": ("dlc", "GetJob", "JobId"), "run": ("flow", "GetPipelineRun", "PipelineRunId"),
             "pipeline": ("flow", "GetPipeline", "PipelineId"),
             "tensorboard": ("dlc", "GetTensorboard", "TensorboardId"),
             "schedule": ("plugin", "GetSchedule", "Id")}[t.kind]
    return f"check the {KIND_WORDS[t.kind]} (r refreshes; or paitui call {where[0]} {where[1]} {where[2]}={t.id})"


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


@dataclass
class Summary:
    """Counts of a bulk run, for a toast title and the headless exit status."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "failed"]

    @property
    def unknown(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.unknown]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def exit_status(self) -> int:
        """Headless exit status: 3 when any outcome is unknown (it wins: a script must look before it
        retries), else 1 when any failed, else 0."""
        return 3 if self.unknown else 1 if self.failed else 0

    def headline(self, action_: Action) -> str:
        done = sum(o.ok for o in self.outcomes)
        noun = KIND_WORDS[action_.kind] + ("s" if len(self.outcomes) != 1 else "")
        text = f"{action_.label}: {done} of {len(self.outcomes)} {noun} {action_.verb}"
        text += f", {len(self.failed)} failed" if self.failed else ""
        return text + (f", {len(self.unknown)} outcome unknown" if self.unknown else "")


# --- cloning a job -----------------------------------------------------------------------------------------

_CLONE_KEYS = ("Accessibility", "CodeSource", "CredentialConfig", "CustomEnvs", "DataSources", "Description",
               "ElasticSpec", "Envs", "JobMaxRunningTimeMinutes", "JobSpecs", "JobType", "Priority", "ResourceId",
               "SchedulingStrategy", "Settings", "SuccessPolicy", "ThirdpartyLibDir", "ThirdpartyLibs",
               "UserCommand", "UserVpc", "WorkspaceId", "DisplayName")
_CODE_KEYS = ("CodeSourceId", "Branch", "Commit", "MountPath")
_DATA_KEYS = ("DataSourceId", "MountPath", "Uri", "Options")


@dataclass(frozen=True, slots=True)
class CloneSource:
    """What a clone starts from: GetJob's raw body (CreateJob takes back exactly what GetJob sent, including
    fields the typed model does not know) and the form's defaults."""

    job: dict[str, Any]
    name: str
    command: str
    priority: int | None


async def load_clone_source(client: PaiClient, job_id: str) -> CloneSource:
    raw = await client.invoke_json(operation("dlc", "GetJob"), {"JobId": job_id})
    priority = raw.get("Priority")
    return CloneSource(raw, f"{raw.get('DisplayName') or job_id}-clone", str(raw.get("UserCommand") or ""),
                       priority if isinstance(priority, int) else None)


def clone_spec(job: Mapping[str, Any], *, name: str, command: str, priority: int | None) -> dict[str, Any]:
    """CreateJob's body from GetJob's raw body: the job's own spec with a new name, command and priority.

    Only what CreateJob accepts is copied (status, pods, times and ids of the old job are not); GetJob's
    ``UserVpc.ExtendedCidrs`` is CreateJob's ``ExtendedCIDRs``."""
    body = {k: job[k] for k in _CLONE_KEYS if job.get(k) not in (None, "", [], {})}
    if isinstance(code := body.get("CodeSource"), dict):
        body["CodeSource"] = {k: code[k] for k in _CODE_KEYS if code.get(k)}
    if isinstance(data := body.get("DataSources"), list):
        body["DataSources"] = [{k: d[k] for k in _DATA_KEYS if d.get(k)} for d in data if isinstance(d, dict)]
    if isinstance(vpc := body.get("UserVpc"), dict):
        vpc = dict(vpc)
        if "ExtendedCidrs" in vpc:
            vpc["ExtendedCIDRs"] = vpc.pop("ExtendedCidrs")
        body["UserVpc"] = {k: v for k, v in vpc.items() if v not in (None, "", [])}
    body["DisplayName"] = name
    body["UserCommand"] = command
    if priority is not None:
        body["Priority"] = priority
    # the facade takes snake_case for its named arguments and wire names for the rest
    spec = {k: v for k, v in body.items() if k not in ("DisplayName", "JobType", "JobSpecs", "UserCommand",
                                                        "WorkspaceId")}
    return {"display_name": body["DisplayName"], "job_type": body.get("JobType", ""),
            "job_specs": body.get("JobSpecs", []), "user_command": body["UserCommand"],
            "workspace_id": body.get("WorkspaceId"), **spec}


def validate_priority(text: str) -> int:
    """1–9 (docs/WIRE.md §8); raises ``ValueError`` with a sentence otherwise."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"priority must be a whole number from 1 to 9, not {text.strip()!r}") from None
    if not 1 <= value <= 9:
        raise ValueError(f"priority must be from 1 (lowest) to 9 (highest), not {value}")
    return value


def typed_matches(typed: str, targets: Sequence[Target]) -> bool:
    """The typed confirmation of a delete: the name or id of a single resource, or the count of several."""
    text = typed.strip()
    if not text:
        return False
    if len(targets) == 1:
        t = targets[0]
        return text in {t.id, t.name} - {""}
    return text == str(len(targets))


def typed_prompt(targets: Sequence[Target]) -> str:
    if len(targets) == 1:
        t = targets[0]
        return f"type the {KIND_WORDS[t.kind]}'s name or id ({t.id}) to confirm"
    return f"type {len(targets)} (the number of resources) to confirm"
