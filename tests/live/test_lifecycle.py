"""Lifecycle math and phase classification: durations, timelines, human texts, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.models.dlc import JobItem, StatusTransitionItem
from paitui.api.models.flow import PipelineRun
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.lifecycle import (
    ago,
    humanize,
    job_duration,
    job_times_text,
    job_waiting,
    phase_timeline,
    run_duration,
    run_times_text,
    run_waiting,
    short_reason,
)
from paitui.live.status import (
    PHASES,
    SCHEDULE_STATUS_WORDS,
    is_terminal_job,
    is_terminal_node,
    is_terminal_phase,
    is_terminal_run,
    is_terminal_schedule,
    is_terminal_tensorboard,
    job_phase,
    node_phase,
    run_phase,
    schedule_phase,
    schedule_words,
    tensorboard_phase,
    workspace_phase,
)
from paitui.live.windows import ALL_START, DEFAULT_WINDOW, WINDOWS, next_window, window_bounds, wire_time
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World

T0 = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return wire_time(T0 + timedelta(seconds=seconds))


# --- status -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "phase"), [
    ("Creating", "pending"), ("Queuing", "pending"), ("Bidding", "pending"), ("EnvPreparing", "pending"),
    ("SanityChecking", "pending"), ("Running", "running"), ("Restarting", "running"), ("Stopping", "running"),
    ("SucceededReserving", "succeeded"), ("FailedReserving", "failed"), ("Succeeded", "succeeded"),
    ("Failed", "failed"), ("Stopped", "stopped"), ("running", "running"), ("Hibernating", "unknown"),
    ("", "unknown"), (None, "unknown"),
])
def test_job_phase(status: str | None, phase: str) -> None:
    assert job_phase(status) == phase
    # an outcome phase is terminal, except the reserving states (an outcome, pods still kept)
    reserving = (status or "").endswith("Reserving")
    assert is_terminal_job(status) == (is_terminal_phase(job_phase(status)) and not reserving)


@pytest.mark.parametrize(("status", "phase", "terminal"), [
    ("Initialized", "pending", False), ("ReadyToSchedule", "pending", False), ("Starting", "running", False),
    ("WorkflowServiceStarting", "running", False), ("Running", "running", False),
    ("Terminating", "running", False), ("Suspended", "pending", False), ("Succeeded", "succeeded", True),
    ("Failed", "failed", True), ("Terminated", "stopped", True), ("Skipped", "stopped", True),
    ("Unknown", "unknown", False), ("Brand-new", "unknown", False),
])
def test_run_phase_and_terminal(status: str, phase: str, terminal: bool) -> None:
    assert run_phase(status) == phase
    assert is_terminal_run(status) is terminal


def test_node_tensorboard_workspace_schedule_phases() -> None:
    assert node_phase("Succeed") == node_phase("Succeeded") == "succeeded"
    assert is_terminal_node("Succeed") and is_terminal_node("Skipped") and not is_terminal_node("Running")
    assert node_phase("ReadyToSchedule") == "pending" and node_phase("Whatever") == "unknown"
    assert tensorboard_phase("Creating") == "pending" and is_terminal_tensorboard("Stopped")
    assert workspace_phase("ENABLED") == "running" and workspace_phase("FROZEN") == "stopped"
    assert workspace_phase("FAILURE") == "failed" and workspace_phase("NEW") == "unknown"
    assert [schedule_phase(i) for i in range(6)] == ["pending", "pending", "failed", "running", "succeeded",
                                                    "failed"]
    assert schedule_phase(9) == "unknown" and schedule_phase(None) == "unknown"
    assert [i for i in range(7) if is_terminal_schedule(i)] == [2, 4, 5]
    assert SCHEDULE_STATUS_WORDS[1] == "check passed" and schedule_words(9) == "status 9"
    assert set(PHASES) == {"pending", "running", "succeeded", "failed", "stopped", "unknown"}


# --- durations --------------------------------------------------------------------------------------------


def test_running_job_ticks_from_running_time() -> None:
    job = JobItem.model_validate({"Status": "Running", "GmtCreateTime": at(0), "GmtRunningTime": at(60)})
    assert job_duration(job, T0 + timedelta(seconds=200)) == timedelta(seconds=140)
    assert job_duration(job, T0 + timedelta(seconds=300)) == timedelta(seconds=240)


def test_queued_job_has_no_running_time_and_its_waiting_time_ticks_from_creation() -> None:
    job = JobItem.model_validate({"Status": "Queuing", "GmtCreateTime": at(0)})
    assert job_duration(job, T0 + timedelta(seconds=90)) is None
    assert job_waiting(job, T0 + timedelta(seconds=90)) == timedelta(seconds=90)
    assert job_waiting(JobItem(status="Queuing"), T0) is None
    assert job_times_text(job, T0 + timedelta(seconds=90)) == "waiting 1m 30s"


def test_started_job_waited_until_its_first_running_time() -> None:
    job = JobItem.model_validate({"Status": "Running", "GmtCreateTime": at(0), "GmtRunningTime": at(60)})
    assert job_waiting(job, T0 + timedelta(days=1)) == timedelta(seconds=60)  # frozen once it started
    assert job_times_text(job, T0 + timedelta(seconds=185)) == "ran 2m 05s · waited 1m 00s"
    never = JobItem.model_validate({"Status": "Stopped", "GmtCreateTime": at(0), "GmtStoppedTime": at(300)})
    assert job_duration(never, T0 + timedelta(days=1)) is None
    assert job_times_text(never, T0 + timedelta(days=1)) == "never ran · waited 5m 00s"
    # ended without running and without an end time: the wait is unknown, not growing with the clock
    unknown = JobItem.model_validate({"Status": "Failed", "GmtCreateTime": at(0)})
    assert job_waiting(unknown, T0 + timedelta(days=1)) is None


def test_finished_job_uses_its_end_time_and_stops_ticking() -> None:
    job = JobItem.model_validate({"Status": "Succeeded", "GmtCreateTime": at(0), "GmtRunningTime": at(60),
                                  "GmtSuccessedTime": at(3660), "Duration": 1})
    assert job_duration(job, T0 + timedelta(days=3)) == timedelta(hours=1)
    stopped = JobItem.model_validate({"Status": "Stopped", "GmtCreateTime": at(0), "GmtRunningTime": at(10),
                                      "GmtStoppedTime": at(30)})
    assert job_duration(stopped, T0 + timedelta(days=3)) == timedelta(seconds=20)
    finish_first = JobItem.model_validate({"Status": "Failed", "GmtRunningTime": at(0), "GmtFinishTime": at(10),
                                           "GmtFailedTime": at(20)})
    assert job_duration(finish_first, T0) == timedelta(seconds=10)


def test_finished_job_without_times_falls_back_to_duration() -> None:
    job = JobItem.model_validate({"Status": "Failed", "GmtCreateTime": at(0), "Duration": 1234})
    assert job_duration(job, T0 + timedelta(days=1)) == timedelta(seconds=1234)
    assert job_duration(JobItem(status="Failed"), T0) is None


def test_clock_skew_never_gives_negative_durations() -> None:
    job = JobItem.model_validate({"Status": "Running", "GmtRunningTime": at(10)})
    assert job_duration(job, T0) == timedelta(0)


def test_run_duration() -> None:
    running = PipelineRun.model_validate({"Status": "Running", "StartedAt": at(0)})
    assert run_duration(running, T0 + timedelta(seconds=75)) == timedelta(seconds=75)
    done = PipelineRun.model_validate({"Status": "Succeeded", "StartedAt": at(0), "FinishedAt": at(30)})
    assert run_duration(done, T0 + timedelta(days=1)) == timedelta(seconds=30)
    only_duration = PipelineRun.model_validate({"Status": "Failed", "Duration": 42})
    assert run_duration(only_duration, T0) == timedelta(seconds=42)
    assert run_duration(PipelineRun.model_validate({"Status": "Initialized"}), T0) is None
    waiting = PipelineRun.model_validate({"Status": "Initialized", "GmtCreateTime": at(0)})
    assert run_waiting(waiting, T0 + timedelta(seconds=50)) == timedelta(seconds=50)
    assert run_times_text(waiting, T0 + timedelta(seconds=50)) == "waiting 50s"
    started = PipelineRun.model_validate({"Status": "Running", "GmtCreateTime": at(0), "StartedAt": at(20)})
    assert run_waiting(started, T0 + timedelta(days=1)) == timedelta(seconds=20)
    assert run_times_text(started, T0 + timedelta(seconds=80)) == "ran 1m 00s · waited 20s"


# --- timeline ---------------------------------------------------------------------------------------------


def history(*entries: tuple[str, float, float | None]) -> list[StatusTransitionItem]:
    return [StatusTransitionItem.model_validate({"Status": s, "StartTime": at(a),
                                                 "EndTime": at(b) if b is not None else None})
            for s, a, b in entries]


def test_timeline_sorts_fills_missing_ends_and_ticks_the_current_phase() -> None:
    items = history(("Running", 90, None), ("Creating", 0, 5), ("Queuing", 5, None), ("EnvPreparing", 60, 90))
    spans = phase_timeline(items, T0 + timedelta(seconds=150))
    assert [s.status for s in spans] == ["Creating", "Queuing", "EnvPreparing", "Running"]
    assert spans[1].end == T0 + timedelta(seconds=60)  # taken from the next start
    assert [s.duration.total_seconds() for s in spans] == [5, 55, 30, 60]
    assert [s.current for s in spans] == [False, False, False, True]
    assert spans[-1].end is None and spans[-1].phase == "running"
    later = phase_timeline(items, T0 + timedelta(seconds=250))
    assert later[-1].duration == timedelta(seconds=160)


def test_timeline_tolerates_gaps_overlaps_and_junk() -> None:
    items = history(("Creating", 0, 10), ("Queuing", 20, 50), ("Running", 40, None))
    items.append(StatusTransitionItem(status="Running"))  # no start: dropped
    spans = phase_timeline(items, T0 + timedelta(seconds=100))
    assert [s.status for s in spans] == ["Creating", "Queuing", "Running"]
    assert spans[1].start == T0 + timedelta(seconds=20)  # the gap 10..20 stays a gap
    assert spans[1].duration == timedelta(seconds=30)  # overlap keeps the server's times
    assert all(s.duration >= timedelta(0) for s in spans)
    assert phase_timeline(None, T0) == [] and phase_timeline([], T0) == []


def test_terminal_phase_does_not_tick_and_current_status_wins_over_a_lagging_history() -> None:
    done = phase_timeline(history(("Running", 0, 100), ("Succeeded", 100, None)), T0 + timedelta(hours=5))
    assert done[-1].status == "Succeeded" and done[-1].current and done[-1].duration == timedelta(0)
    lagging = phase_timeline(history(("Running", 0, None)), T0 + timedelta(seconds=50), current_status="Stopping")
    assert [s.status for s in lagging] == ["Running", "Stopping"]
    assert lagging[0].end == T0 + timedelta(seconds=50) and not lagging[0].current
    assert lagging[1].current and lagging[1].duration == timedelta(0)
    only_status = phase_timeline([], T0, current_status="Queuing")
    assert len(only_status) == 1 and only_status[0].current


# --- human texts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (45, "45s"), (59.9, "59s"), (60, "1m 00s"), (192, "3m 12s"), (3599, "59m 59s"),
    (3600, "1h 00m"), (7500, "2h 05m"), (86399, "23h 59m"), (86400, "1d 0h"), (273600, "3d 4h"),
    (-5, "0s"),
])
def test_humanize(seconds: float, text: str) -> None:
    assert humanize(timedelta(seconds=seconds)) == text


def test_humanize_none() -> None:
    assert humanize(None) == ""


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "just now"), (12, "12s ago"), (300, "5m ago"), (359, "5m ago"), (7200, "2h ago"), (3 * 86400, "3d ago"),
    (-300, "in 5m"),
])
def test_ago(seconds: float, text: str) -> None:
    assert ago(T0 - timedelta(seconds=seconds), T0) == text


def test_ago_none() -> None:
    assert ago(None, T0) == ""


def test_short_reason() -> None:
    text = short_reason("JobStoppedByUser", "Job is stopped by user.", 80)
    assert text == "JobStoppedByUser: Job is stopped by user."
    assert short_reason(None, "line one\n  line two", 80) == "line one line two"
    assert short_reason("OOMKilled", None, 80) == "OOMKilled"
    assert short_reason("X", "X", 80) == "X"
    cut = short_reason("ImagePullBackOff", "Back-off pulling image registry.example.com/team/image:tag", 30)
    assert len(cut) == 30 and cut.endswith("…")
    assert short_reason(None, None, 10) == "" and short_reason("A", "b", 0) == ""


# --- windows ----------------------------------------------------------------------------------------------


def test_windows() -> None:
    assert WINDOWS == ("1d", "7d", "30d", "all") and DEFAULT_WINDOW == "7d"
    assert window_bounds("1d", T0) == (T0 - timedelta(days=1), T0)
    assert window_bounds("30d", T0) == (T0 - timedelta(days=30), T0)
    start, end = window_bounds("all", T0)  # explicit bounds: absent ones would mean "last 7 days"
    assert start == ALL_START and start.year == 2018 and end == T0
    assert next_window("7d") == "30d" and next_window("all") == "1d"
    assert wire_time(T0) == "2026-03-02T08:00:00Z"
    with pytest.raises(ValueError, match="unknown time window"):
        window_bounds("2w", T0)


# --- against the simulated cloud --------------------------------------------------------------------------


def sim_client(world: World) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    return PaiClient(settings, credentials=demo_credentials(), region=region,
                     transport=SimTransport(create_app(world)))


async def first_job(client: PaiClient, status: str) -> JobItem:
    async for job in client.dlc.iter_jobs(workspace_id="264901", status=status, start_time=ALL_START):
        return await client.dlc.get_job(job.job_id or "")
    raise AssertionError(f"the seeded world has a {status} job")


async def test_durations_of_simulated_jobs_and_runs() -> None:
    world = World(seed=7, clock=SimClock.manual())
    client = sim_client(world)
    running = await first_job(client, "Running")
    now = world.now()
    assert running.gmt_running_time is not None
    assert job_duration(running, now) == now - running.gmt_running_time
    assert running.duration is not None and abs(job_duration(running, now).total_seconds() - running.duration) <= 2
    assert job_duration(running, now + timedelta(minutes=5)) == job_duration(running, now) + timedelta(minutes=5)

    for status in ("Succeeded", "Failed", "Stopped"):
        done = await first_job(client, status)
        took = job_duration(done, now)
        assert took is not None and took == job_duration(done, now + timedelta(days=2)), status  # frozen
        assert done.duration is not None and abs(took.total_seconds() - done.duration) <= 2, status

    runs = [r async for r in client.flow.iter_pipeline_runs(workspace_id="264901")]
    active = next(r for r in runs if r.status == "Running" and r.started_at)
    assert run_duration(active, now + timedelta(seconds=30)) == run_duration(active, now) + timedelta(seconds=30)
    finished = next(r for r in runs if is_terminal_run(r.status) and r.started_at)
    assert run_duration(finished, now) == run_duration(finished, now + timedelta(days=1)) is not None


async def test_duration_never_goes_backwards_when_a_job_starts_running() -> None:
    """A new job on the simulator's clock, Creating → Queuing → … → Running: the jobs list's DURATION
    (running time) and WAITED, and the detail header, only ever grow."""
    world = World(seed=7, clock=SimClock.manual())
    client = sim_client(world)
    spec = [{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.g7.2xlarge", "Image": "pytorch:2.3"}]
    created = await client.dlc.create_job(display_name="mono", job_type="PyTorchJob", job_specs=spec,
                                          user_command="echo", workspace_id="264901")
    job_id = created.job_id or ""
    seen: list[str] = []
    last_ran = last_waited = timedelta(0)
    for _ in range(2000):
        job = await client.dlc.get_job(job_id)
        now = world.now()
        if job.status not in seen:
            seen.append(job.status or "")
        ran, waited = job_duration(job, now) or timedelta(0), job_waiting(job, now)
        assert waited is not None
        assert ran >= last_ran and waited >= last_waited, (job.status, ran, last_ran, waited, last_waited)
        last_ran, last_waited = ran, waited
        if job.status == "Running" and ran >= timedelta(seconds=30):
            break
        world.clock.advance(3)
    assert "Queuing" in seen and seen[-1] == "Running", seen
    assert last_waited > timedelta(0)


def contiguous(spans: list[Any]) -> bool:
    return all(a.end == b.start for a, b in pairwise(spans))


async def test_timeline_of_a_simulated_job_is_contiguous_and_ticks_with_the_clock() -> None:
    world = World(seed=7, clock=SimClock.manual())
    client = sim_client(world)
    job = await first_job(client, "Running")
    spans = phase_timeline(job.status_history, world.now(), job.status)
    assert [s.status for s in spans][:2] == ["Creating", "Queuing"] and spans[-1].status == "Running"
    assert contiguous(spans) and [s.current for s in spans].count(True) == 1 and spans[-1].current
    assert spans[-1].duration == world.now() - spans[-1].start
    later = phase_timeline(job.status_history, world.now() + timedelta(seconds=40), job.status)
    assert later[-1].duration == spans[-1].duration + timedelta(seconds=40)
    assert [s.duration for s in later[:-1]] == [s.duration for s in spans[:-1]]

    await client.dlc.stop_job(job.job_id or "")
    world.clock.advance(60)
    stopped = await client.dlc.get_job(job.job_id or "")
    after = phase_timeline(stopped.status_history, world.now(), stopped.status)
    assert [s.status for s in after][-2:] == ["Stopping", "Stopped"] and contiguous(after)
    assert after[-1].current and after[-1].duration == timedelta(0) and after[-1].reason_code == "JobStoppedByUser"
    assert [(s.status, s.start) for s in after[:len(spans) - 1]] == [(s.status, s.start) for s in spans[:-1]]


@pytest.mark.parametrize(("seconds", "text"), [(59, "59s"), (60, "1m"), (599, "9m"), (3599, "59m"),
                                               (3600, "1h 00m"), (90061, "1d 1h")])
def test_a_lists_coarse_durations_drop_seconds_from_a_minute(seconds: float, text: str) -> None:
    """An idle list repaints a row only when its text changes: a long runner's once a minute (issue 13)."""
    assert humanize(timedelta(seconds=seconds), coarse=True) == text
