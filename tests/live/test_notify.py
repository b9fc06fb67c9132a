"""Terminal notices: a watched job that is stopped notifies once; first sightings of finished things don't."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.models.dlc import JobItem
from paitui.api.models.flow import PipelineRun
from paitui.api.models.plugin import Schedule
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.diff import diff_rows, index_rows
from paitui.live.listers import JobLister, list_watch
from paitui.live.notify import TerminalNotifier
from paitui.live.watch import PollResult
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.world import World


def sim_client(world: World) -> PaiClient:
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    return PaiClient(settings, credentials=demo_credentials(), region=region,
                     transport=SimTransport(create_app(world)))


def job(job_id: str, status: str, **extra: Any) -> JobItem:
    return JobItem.model_validate({"JobId": job_id, "Status": status, **extra})


async def test_a_watched_job_stopped_in_the_simulator_notifies_once() -> None:
    world = World(seed=7, clock=SimClock.manual())
    client = sim_client(world)
    lister = JobLister(client, None, window="all", now=world.now)
    watch = list_watch(lister, now=world.now)
    notifier = TerminalNotifier()

    first = await watch.poll()
    running = next(j for j in (first.value or {}).values() if j.status == "Running")
    other = next(j for j in (first.value or {}).values() if j.status == "Running" and j.job_id != running.job_id)
    assert running.job_id and other.job_id
    notifier.watch("job", running.job_id, running.display_name)
    assert notifier.is_watched("job", running.job_id) and not notifier.is_watched("job", other.job_id)
    assert notifier.observe("job", first) == []  # first sighting, still running

    await client.dlc.stop_job(running.job_id)
    await client.dlc.stop_job(other.job_id)  # not watched: no notice
    world.clock.advance(30)
    stopped = await watch.poll()
    notices = notifier.observe("job", stopped)
    assert [(n.kind, n.id, n.status, n.phase) for n in notices] == [("job", running.job_id, "Stopped", "stopped")]
    assert notices[0].name == running.display_name and running.display_name in notices[0].message

    world.clock.advance(30)
    assert notifier.observe("job", await watch.poll()) == []  # not repeated
    assert notifier.observe("job", lister.jobs) == []


def test_first_seen_finished_does_not_notify_but_status_at_watch_time_counts() -> None:
    notifier = TerminalNotifier()
    notifier.watch("job", "a")
    assert notifier.observe("job", [job("a", "Succeeded")]) == []
    assert notifier.observe("job", [job("a", "Succeeded", DisplayName="renamed")]) == []

    notifier.watch("job", "b", "train", status="Running")  # the screen knew it was running
    notices = notifier.observe("job", {"b": job("b", "Failed", ReasonCode="OOMKilled", ReasonMessage="out of memory")})
    assert len(notices) == 1
    assert notices[0].message == "Job train failed: OOMKilled: out of memory"
    renamed = TerminalNotifier()
    renamed.watch("job", "c", "old name", status="Running")
    assert renamed.observe("job", [job("c", "Stopped", DisplayName="new name")])[0].name == "new name"


def test_observing_a_diff_a_single_object_and_failed_polls() -> None:
    notifier = TerminalNotifier()
    notifier.watch("job", "a", "alpha")
    old = index_rows([job("a", "Running"), job("z", "Running")], lambda j: j.job_id)
    new = [job("a", "Succeeded"), job("z", "Failed")]
    notifier.observe("job", list(old.values()))
    diff = diff_rows(old, new, lambda j: j.job_id, lambda j: j.status)
    notices = notifier.observe("job", diff)
    assert [(n.id, n.phase, n.message) for n in notices] == [("a", "succeeded", "Job alpha succeeded")]

    notifier.watch("run", "r1", status="Running")
    run = PipelineRun.model_validate({"PipelineRunId": "r1", "Name": "nightly", "Status": "Terminated"})
    assert [n.message for n in notifier.observe("run", run)] == ["Run nightly stopped"]
    failed = PollResult(False, None, datetime.now(UTC))
    assert notifier.observe("run", failed) == []


def test_a_rerun_that_finishes_again_notifies_again_and_unwatch_forgets() -> None:
    notifier = TerminalNotifier()
    notifier.watch("run", "r", "nightly", status="Running")
    done = PipelineRun.model_validate({"PipelineRunId": "r", "Status": "Succeeded"})
    again = PipelineRun.model_validate({"PipelineRunId": "r", "Status": "Running"})
    assert len(notifier.observe("run", [done])) == 1
    assert notifier.observe("run", [done]) == []
    assert notifier.observe("run", [again]) == []
    assert len(notifier.observe("run", [done])) == 1
    notifier.unwatch("run", "r")
    assert not notifier.is_watched("run", "r") and notifier.watched() == []
    assert notifier.observe("run", [again]) == [] and notifier.observe("run", [done]) == []


def test_schedules_use_their_integer_statuses() -> None:
    notifier = TerminalNotifier()
    notifier.watch("schedule", "s1", status=3)
    sent = Schedule.model_validate({"Id": "s1", "Name": "spring sale", "Status": 4})
    notices = notifier.observe("schedule", [sent])
    assert [(n.phase, n.message) for n in notices] == [("succeeded", "Schedule spring sale succeeded")]


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown resource kind"):
        TerminalNotifier().watch("cluster", "x")
