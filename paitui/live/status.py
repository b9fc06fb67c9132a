"""One status table: every product's status vocabulary, what each status means, read by every view, colour
and rule (jobs, runs, pipeline nodes, TensorBoards, workspaces, PaiPlugin schedules).

Each status has a ``Phase`` (what a person is told: the colour, the ``R``/``F``/``Q`` views, the summary
counts, the notification verb) and a ``terminal`` flag (what the rules use: a watch stops polling, a delete
is allowed). They are two facts, not one, because of DLC's reserving states: ``FailedReserving`` is a job
whose training **failed** (red, in the ``F`` view) but whose pods are kept for debugging, so it is not over
yet (not terminal; a stop releases the pods; its web terminal still works — see ``job_pods_up``).

Statuses are compared case-insensitively and an unknown value (the cloud adds states over time) is
``"unknown"`` rather than an error.

Choices worth knowing (docs/WIRE.md §8):

* DLC ``Stopping`` and ``Restarting`` are ``running`` (the job holds resources); ``SucceededReserving`` is
  ``succeeded`` and ``FailedReserving`` ``failed``, both not terminal (the API only calls the job finished
  after the reservation ends).
* PAIFlow run ``Unknown`` is **not** terminal: the service reports it when it lost track of a workflow for a
  moment, and treating it as final would stop a detail watch on a run that is in fact still going. The
  runs' terminal set is therefore Succeeded, Failed, Terminated, Skipped (= ``api.enums.RUN_TERMINAL``).
  ``Terminated`` and ``Skipped`` show as ``stopped`` (ended without success or failure).
* PAIFlow node status ``Succeed`` (what the service sends) and ``Succeeded`` (what the PAI SDK compares)
  are both success.
* A workspace has no lifecycle end: ``ENABLED`` is ``running`` (usable), ``DISABLED``/``FROZEN`` ``stopped``.
* PaiPlugin schedules (SMS send plans, int status): 0 checking and 1 check passed are ``pending``, 3 sending
  ``running``, 4 sent ``succeeded``, 2 check failed and 5 send failed ``failed``; 2, 4, 5 are terminal. Their
  words come from ``api.enums.ScheduleStatus`` (the wire enum), not a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from paitui.api.enums import (
    JOB_TERMINAL,
    NODE_TERMINAL,
    RUN_TERMINAL,
    TENSORBOARD_TERMINAL,
    ScheduleStatus,
    schedule_status_text,
)

Phase = Literal["pending", "running", "succeeded", "failed", "stopped", "unknown"]
PHASES: tuple[Phase, ...] = ("pending", "running", "succeeded", "failed", "stopped", "unknown")
TERMINAL_PHASES: frozenset[Phase] = frozenset({"succeeded", "failed", "stopped"})


@dataclass(frozen=True, slots=True)
class StatusClass:
    """What one status means: its phase (what the user is told) and whether it is final (what rules use)."""

    status: str
    phase: Phase
    terminal: bool


def _vocabulary(terminal: frozenset[str], **groups: tuple[str, ...]) -> dict[str, StatusClass]:
    final = {s.lower() for s in terminal}
    # the keyword names are the phases (pending=…, running=…); a typo is caught by the status tests
    return {status.lower(): StatusClass(status, cast(Phase, phase), status.lower() in final)
            for phase, statuses in groups.items() for status in statuses}


# --- THE table ------------------------------------------------------------------------------------------------

JOB: dict[str, StatusClass] = _vocabulary(
    JOB_TERMINAL,
    pending=("Creating", "Queuing", "Bidding", "EnvPreparing", "SanityChecking"),
    running=("Running", "Restarting", "Stopping"),
    succeeded=("SucceededReserving", "Succeeded"),
    failed=("FailedReserving", "Failed"),
    stopped=("Stopped",),
)
RUN: dict[str, StatusClass] = _vocabulary(
    RUN_TERMINAL,
    pending=("Initialized", "ReadyToSchedule", "Suspended"),
    running=("Starting", "WorkflowServiceStarting", "Running", "Terminating"),
    succeeded=("Succeeded",),
    failed=("Failed",),
    stopped=("Terminated", "Skipped"),
    unknown=("Unknown",),  # known to the table, deliberately neither a phase nor terminal (see above)
)
NODE: dict[str, StatusClass] = _vocabulary(
    NODE_TERMINAL,
    pending=("ReadyToSchedule", "Initialized", "Pending"),
    running=("Running", "Terminating"),
    succeeded=("Succeed", "Succeeded"),
    failed=("Failed",),
    stopped=("Skipped", "Terminated"),
    unknown=("Unknown",),
)
# DLC pods (GetJob ``Pods[].Status``, Kubernetes' words); a pod has no "stopped" of its own
POD_TERMINAL: frozenset[str] = frozenset({"Succeeded", "Failed"})
POD: dict[str, StatusClass] = _vocabulary(
    POD_TERMINAL,
    pending=("Pending",),
    running=("Running",),
    succeeded=("Succeeded",),
    failed=("Failed",),
    unknown=("Unknown",),
)
TENSORBOARD: dict[str, StatusClass] = _vocabulary(
    TENSORBOARD_TERMINAL,
    pending=("Creating",),
    running=("Running",),
    succeeded=("Succeeded",),
    failed=("Failed",),
    stopped=("Stopped",),
)
WORKSPACE: dict[str, StatusClass] = _vocabulary(
    frozenset(),
    pending=("INITIALIZING", "UPDATING"),
    running=("ENABLED",),
    failed=("FAILURE",),
    stopped=("DISABLED", "FROZEN"),
)
_SCHEDULE_PHASE: dict[ScheduleStatus, Phase] = {
    ScheduleStatus.CHECKING: "pending", ScheduleStatus.CHECK_PASSED: "pending",
    ScheduleStatus.CHECK_FAILED: "failed", ScheduleStatus.SENDING: "running",
    ScheduleStatus.SENT: "succeeded", ScheduleStatus.SEND_FAILED: "failed",
}
SCHEDULE_TERMINAL: frozenset[int] = frozenset({2, 4, 5})
SCHEDULE: dict[int, StatusClass] = {int(s): StatusClass(s.text, _SCHEDULE_PHASE[s], int(s) in SCHEDULE_TERMINAL)
                                    for s in ScheduleStatus}
SCHEDULE_STATUS_WORDS: dict[int, str] = {code: entry.status for code, entry in SCHEDULE.items()}

VOCABULARIES: dict[str, Mapping[str, StatusClass]] = {
    "job": JOB, "run": RUN, "node": NODE, "pod": POD, "tensorboard": TENSORBOARD, "workspace": WORKSPACE,
}

# the one-key status views of the lists (``R`` running, ``F`` failed, ``Q`` queuing): a view is a phase
VIEW_PHASES: dict[str, Phase] = {"running": "running", "failed": "failed", "queuing": "pending"}

# DLC statuses whose pods are up (a web terminal can attach; stop releases them)
_JOB_PODS_UP = frozenset({"running", "restarting", "succeededreserving", "failedreserving"})

_UNKNOWN_ENTRY = StatusClass("", "unknown", False)


def classify(vocabulary: Mapping[str, StatusClass], status: str | None) -> StatusClass:
    """The table's entry for ``status`` (case-insensitive); an unknown or empty status is ``unknown``."""
    if not status:
        return _UNKNOWN_ENTRY
    return vocabulary.get(status.strip().lower()) or StatusClass(status, "unknown", False)


def in_view(phase: Phase, view: str) -> bool:
    """Whether a row of ``phase`` belongs in the status view ``view`` (``all`` holds everything)."""
    return view == "all" or VIEW_PHASES.get(view) == phase


def job_phase(status: str | None) -> Phase:
    """DLC job ``Status`` → phase."""
    return classify(JOB, status).phase


def run_phase(status: str | None) -> Phase:
    """PAIFlow pipeline-run ``Status`` → phase."""
    return classify(RUN, status).phase


def node_phase(status: str | None) -> Phase:
    """PAIFlow node status → phase (``Succeed`` and ``Succeeded`` both succeed)."""
    return classify(NODE, status).phase


def pod_phase(status: str | None) -> Phase:
    """DLC pod status (Pending, Running, Succeeded, Failed, Unknown) → phase."""
    return classify(POD, status).phase


def is_terminal_pod(status: str | None) -> bool:
    return classify(POD, status).terminal


def tensorboard_phase(status: str | None) -> Phase:
    return classify(TENSORBOARD, status).phase


def workspace_phase(status: str | None) -> Phase:
    return classify(WORKSPACE, status).phase


def schedule_phase(status: int | None) -> Phase:
    """PaiPlugin schedule ``Status`` (int 0–5) → phase."""
    entry = SCHEDULE.get(status) if status is not None else None
    return entry.phase if entry is not None else "unknown"


def schedule_words(status: int | None) -> str:
    """Words for a schedule status; an unknown value is shown as itself."""
    return schedule_status_text(status)


def is_terminal_job(status: str | None) -> bool:
    return classify(JOB, status).terminal


def job_pods_up(status: str | None) -> bool:
    """The job's pods are up: running, restarting, or reserved for debugging after it ended."""
    return status is not None and status.strip().lower() in _JOB_PODS_UP


def is_terminal_run(status: str | None) -> bool:
    """Succeeded, Failed, Terminated, Skipped; not Unknown (see the module notes)."""
    return classify(RUN, status).terminal


def is_terminal_node(status: str | None) -> bool:
    return classify(NODE, status).terminal


def is_terminal_tensorboard(status: str | None) -> bool:
    return classify(TENSORBOARD, status).terminal


def is_terminal_schedule(status: int | None) -> bool:
    return status in SCHEDULE_TERMINAL


def is_terminal_phase(phase: Phase) -> bool:
    """The phase is an outcome (succeeded, failed, stopped). Not the same as terminal: a reserving DLC job
    has an outcome but is not over; rules ask ``is_terminal_*``."""
    return phase in TERMINAL_PHASES
