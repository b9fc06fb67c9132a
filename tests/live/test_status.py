"""The one status table (``paitui.live.status``): it knows every status the simulated cloud can produce, its
terminal flags agree with the wire constants, and views read it."""

from __future__ import annotations

import pytest

from paitui.api.models.common import JOB_TERMINAL, NODE_TERMINAL, RUN_TERMINAL, TENSORBOARD_TERMINAL, ScheduleStatus
from paitui.live import status as st
from paitui.sim.dlc import catalog
from paitui.sim.dlc.tensorboards import TB_STATUSES
from paitui.sim.flow import plan
from paitui.sim.flow.handlers import RUN_STATUSES
from paitui.sim.plugin.schedules import Status as SimScheduleStatus
from paitui.sim.world import WORKSPACES

SIM_STATUSES: dict[str, tuple[str, ...]] = {
    "job": catalog.STATUSES,
    "run": RUN_STATUSES,
    "node": (plan.SUCCEED, plan.FAILED, plan.SKIPPED, plan.RUNNING, plan.READY, "Terminated"),
    "tensorboard": TB_STATUSES,
    "workspace": tuple(sorted({w.status for w in WORKSPACES})),
    "pod": ("Pending", "Running", "Succeeded", "Failed"),
}


@pytest.mark.parametrize("kind", sorted(SIM_STATUSES))
def test_every_status_the_simulator_produces_is_in_the_table(kind: str) -> None:
    table = st.VOCABULARIES[kind]
    missing = [s for s in SIM_STATUSES[kind] if s.lower() not in table]
    assert not missing, f"{kind}: the status table does not know {missing}"
    for s in SIM_STATUSES[kind]:
        entry = st.classify(table, s)
        assert entry.phase in st.PHASES
        # "unknown" only where it is the honest word (a run or node that PAI lost track of)
        assert entry.phase != "unknown" or s == "Unknown"


def test_every_schedule_status_the_simulator_produces_is_classified() -> None:
    for status in SimScheduleStatus:
        assert int(status) in st.SCHEDULE
        assert st.schedule_phase(int(status)) != "unknown"
        assert st.schedule_words(int(status)) == ScheduleStatus(int(status)).text  # the words exist once
    assert st.schedule_phase(9) == "unknown" and st.schedule_words(9) == "status 9"


@pytest.mark.parametrize(("kind", "terminal"), [
    ("job", JOB_TERMINAL), ("run", RUN_TERMINAL), ("node", NODE_TERMINAL), ("tensorboard", TENSORBOARD_TERMINAL),
])
def test_terminal_flags_are_the_wire_constants(kind: str, terminal: frozenset[str]) -> None:
    table = st.VOCABULARIES[kind]
    assert {e.status for e in table.values() if e.terminal} == set(terminal)


def test_the_simulators_job_terminal_set_agrees() -> None:
    assert {s for s in catalog.STATUSES if st.is_terminal_job(s)} == set(catalog.TERMINAL)


@pytest.mark.parametrize(("status", "phase", "terminal", "pods_up"), [
    ("FailedReserving", "failed", False, True),  # failed (red, in F) but not over: pods kept for debugging
    ("SucceededReserving", "succeeded", False, True),
    ("Stopping", "running", False, False),
    ("Restarting", "running", False, True),
    ("Queuing", "pending", False, False),
    ("Failed", "failed", True, False),
])
def test_reserving_jobs_have_an_outcome_but_are_not_over(status: str, phase: str, terminal: bool,
                                                         pods_up: bool) -> None:
    assert st.job_phase(status) == phase
    assert st.is_terminal_job(status) is terminal
    assert st.job_pods_up(status) is pods_up


@pytest.mark.parametrize("status", catalog.STATUSES)
def test_job_views_are_phases_of_the_table(status: str) -> None:
    from paitui.api.models.dlc import JobItem
    from paitui.ui.screens.jobs import VIEWS

    job = JobItem.model_validate({"JobId": "dlc1", "Status": status})
    phase = st.job_phase(status)
    assert VIEWS["failed"][1](job) is (phase == "failed")  # type: ignore[misc]
    assert VIEWS["running"][1](job) is (phase == "running")  # type: ignore[misc]
    assert VIEWS["queuing"][1](job) is (phase == "pending")  # type: ignore[misc]


@pytest.mark.parametrize("status", RUN_STATUSES)
def test_run_views_are_phases_of_the_table(status: str) -> None:
    from paitui.api.models.flow import PipelineRun
    from paitui.ui.screens.runs import VIEWS

    run = PipelineRun.model_validate({"PipelineRunId": "flow-1", "Status": status})
    assert VIEWS["failed"][1](run) is (st.run_phase(status) == "failed")  # type: ignore[misc]
    assert VIEWS["running"][1](run) is (st.run_phase(status) == "running")  # type: ignore[misc]
