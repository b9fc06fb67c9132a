"""Phase classification: every product's status vocabulary folded into six phases for colours and logic.

Statuses are compared case-insensitively and an unknown value (the cloud adds states over time) is
``"unknown"`` rather than an error. A phase is terminal exactly when the matching ``is_terminal_*`` says so,
so screens can colour by phase and watches can stop by the same rule.

Choices worth knowing (PAI-API.md §8):

* DLC ``Stopping``, ``Restarting`` and the ``*Reserving`` states are ``running``: the job still holds
  resources and none of them is terminal (a reserving job succeeded or failed, but the API only calls it
  finished after the reservation ends).
* PAIFlow run ``Unknown`` is **not** terminal: the service reports it when it lost track of a workflow for a
  moment, and treating it as final would stop a detail watch on a run that is in fact still going. The
  runs' terminal set is therefore Succeeded, Failed, Terminated, Skipped (= ``common.RUN_TERMINAL``).
  ``Terminated`` and ``Skipped`` show as ``stopped`` (ended without success or failure).
* PAIFlow node status ``Succeed`` (what the service sends) and ``Succeeded`` (what the PAI SDK compares)
  are both success.
* A workspace has no lifecycle end: ``ENABLED`` is ``running`` (usable), ``DISABLED``/``FROZEN`` ``stopped``.
* PaiPlugin schedules (SMS send plans, int status): 0 checking and 1 check passed are ``pending``, 3 sending
  ``running``, 4 sent ``succeeded``, 2 check failed and 5 send failed ``failed``; 2, 4, 5 are terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from paitui.api.models.common import JOB_TERMINAL, NODE_TERMINAL, RUN_TERMINAL, TENSORBOARD_TERMINAL

Phase = Literal["pending", "running", "succeeded", "failed", "stopped", "unknown"]
PHASES: tuple[Phase, ...] = ("pending", "running", "succeeded", "failed", "stopped", "unknown")
TERMINAL_PHASES: frozenset[Phase] = frozenset({"succeeded", "failed", "stopped"})

SCHEDULE_STATUS_WORDS: dict[int, str] = {
    0: "checking",
    1: "check passed",
    2: "check failed",
    3: "sending",
    4: "sent",
    5: "send failed",
}
SCHEDULE_TERMINAL: frozenset[int] = frozenset({2, 4, 5})


def _table(**groups: tuple[str, ...]) -> dict[str, Phase]:
    return {status.lower(): phase for phase, statuses in groups.items() for status in statuses}  # type: ignore[misc]


_JOB = _table(
    pending=("Creating", "Queuing", "Bidding", "EnvPreparing", "SanityChecking"),
    running=("Running", "Restarting", "Stopping", "SucceededReserving", "FailedReserving"),
    succeeded=("Succeeded",),
    failed=("Failed",),
    stopped=("Stopped",),
)
_RUN = _table(
    pending=("Initialized", "ReadyToSchedule", "Suspended"),
    running=("Starting", "WorkflowServiceStarting", "Running", "Terminating"),
    succeeded=("Succeeded",),
    failed=("Failed",),
    stopped=("Terminated", "Skipped"),
)
_NODE = _table(
    pending=("ReadyToSchedule", "Initialized", "Pending"),
    running=("Running", "Terminating"),
    succeeded=("Succeed", "Succeeded"),
    failed=("Failed",),
    stopped=("Skipped", "Terminated"),
)
_TENSORBOARD = _table(
    pending=("Creating",),
    running=("Running",),
    succeeded=("Succeeded",),
    failed=("Failed",),
    stopped=("Stopped",),
)
_WORKSPACE = _table(
    pending=("INITIALIZING", "UPDATING"),
    running=("ENABLED",),
    failed=("FAILURE",),
    stopped=("DISABLED", "FROZEN"),
)
_SCHEDULE: dict[int, Phase] = {0: "pending", 1: "pending", 2: "failed", 3: "running", 4: "succeeded", 5: "failed"}


def _lookup(table: Mapping[str, Phase], status: str | None) -> Phase:
    if not status:
        return "unknown"
    return table.get(status.strip().lower(), "unknown")


def _lower(values: frozenset[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


_JOB_TERMINAL = _lower(JOB_TERMINAL)
_RUN_TERMINAL = _lower(RUN_TERMINAL)
_NODE_TERMINAL = _lower(NODE_TERMINAL)
_TENSORBOARD_TERMINAL = _lower(TENSORBOARD_TERMINAL)


def _in(status: str | None, terminal: frozenset[str]) -> bool:
    return bool(status) and status.strip().lower() in terminal  # type: ignore[union-attr]


def job_phase(status: str | None) -> Phase:
    """DLC job ``Status`` → phase."""
    return _lookup(_JOB, status)


def run_phase(status: str | None) -> Phase:
    """PAIFlow pipeline-run ``Status`` → phase."""
    return _lookup(_RUN, status)


def node_phase(status: str | None) -> Phase:
    """PAIFlow node status → phase (``Succeed`` and ``Succeeded`` both succeed)."""
    return _lookup(_NODE, status)


def tensorboard_phase(status: str | None) -> Phase:
    return _lookup(_TENSORBOARD, status)


def workspace_phase(status: str | None) -> Phase:
    return _lookup(_WORKSPACE, status)


def schedule_phase(status: int | None) -> Phase:
    """PaiPlugin schedule ``Status`` (int 0–5) → phase."""
    if status is None:
        return "unknown"
    return _SCHEDULE.get(status, "unknown")


def schedule_words(status: int | None) -> str:
    """Words for a schedule status; an unknown value is shown as itself."""
    if status is None:
        return ""
    return SCHEDULE_STATUS_WORDS.get(status, f"status {status}")


def is_terminal_job(status: str | None) -> bool:
    return _in(status, _JOB_TERMINAL)


def is_terminal_run(status: str | None) -> bool:
    """Succeeded, Failed, Terminated, Skipped; not Unknown (see the module notes)."""
    return _in(status, _RUN_TERMINAL)


def is_terminal_node(status: str | None) -> bool:
    return _in(status, _NODE_TERMINAL)


def is_terminal_tensorboard(status: str | None) -> bool:
    return _in(status, _TENSORBOARD_TERMINAL)


def is_terminal_schedule(status: int | None) -> bool:
    return status in SCHEDULE_TERMINAL


def is_terminal_phase(phase: Phase) -> bool:
    return phase in TERMINAL_PHASES
