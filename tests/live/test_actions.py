"""Actions without a UI: the availability rules, and every action against the simulated cloud with the state
change it causes asserted through the API (the effect, not the call)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import NotFoundError, PaiError, ReadOnlyError
from paitui.api.operations import operation
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live import actions as act
from paitui.live.actions import Target
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World
from tests.live.test_listers import Requests

WS = "264901"


class Sim:
    """A client on a small simulated world whose faults and clock the test controls."""

    def __init__(self, *, read_only: bool = False) -> None:
        self.world = World(seed=7, jobs=400, clock=SimClock.manual())
        self.app = create_app(self.world)
        self.requests = Requests()
        region = "cn-hangzhou"
        endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
        settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
        self.client = PaiClient(settings, credentials=demo_credentials(), region=region, read_only=read_only,
                                on_request=self.requests, transport=SimTransport(self.app))

    def advance(self, seconds: float) -> None:
        self.world.clock.advance(seconds)

    async def jobs(self, status: str | None = None, job_type: str | None = None) -> list[Any]:
        page = await self.client.dlc.list_jobs(workspace_id=WS, page_size=200, status=status, job_type=job_type)
        return list(page.jobs or ())

    async def job_target(self, *statuses: str, job_type: str | None = None) -> Target:
        found = [j for j in await self.jobs(job_type=job_type) if j.status in statuses]
        assert found, f"no {statuses} job in the seeded world"
        return act.target_of("job", found[0])


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def job(status: str, job_type: str = "PyTorchJob") -> Target:
    return Target("job", "dlc1", "train", status, job_type)


def run(status: str) -> Target:
    return Target("run", "flow-1", "nightly", status)


def ok(kind: str, key: str, target: Target, read_only: bool = False) -> bool:
    return act.availability(act.action(kind, key), target, read_only=read_only).ok


# --- availability ------------------------------------------------------------------------------------------

def test_job_rules_follow_the_state() -> None:
    assert ok("job", "stop", job("Running")) and ok("job", "stop", job("Queuing"))
    assert not ok("job", "stop", job("Stopping")) and not ok("job", "stop", job("Succeeded"))
    assert ok("job", "delete", job("Failed")) and not ok("job", "delete", job("Running"))
    assert not ok("job", "priority", job("Stopped")) and ok("job", "priority", job("Queuing"))
    assert ok("job", "clone", job("Failed"))
    assert ok("job", "copy-terminal", job("Running")) and not ok("job", "copy-terminal", job("Queuing"))
    assert ok("job", "copy-ray", job("Running", "RayJob")) and not ok("job", "copy-ray", job("Running"))


def test_run_rules_follow_the_state() -> None:
    assert ok("run", "start", run("Initialized")) and not ok("run", "start", run("Running"))
    assert ok("run", "terminate", run("Running")) and ok("run", "terminate", run("Initialized"))
    assert not ok("run", "terminate", run("Terminating")) and not ok("run", "terminate", run("Succeeded"))
    assert ok("run", "rerun", run("Failed")) and ok("run", "rerun", run("Unknown"))
    assert not ok("run", "rerun", run("Running"))
    assert ok("run", "delete", run("Terminated")) and ok("run", "delete", run("Initialized"))
    assert not ok("run", "delete", run("Running")) and not ok("run", "delete", run("Terminating"))


def test_unavailable_actions_say_why() -> None:
    verdict = act.availability(act.action("job", "delete"), job("Running"))
    assert "only a finished job" in verdict.reason and "stop it first" in verdict.reason
    verdict = act.availability(act.action("run", "start"), run("Succeeded"))
    assert verdict.reason == "the run is Succeeded: only an Initialized run can be started"


def test_read_only_disables_changes_but_not_reads() -> None:
    verdicts = {v.action.key: v for v in act.available_actions(job("Running", "RayJob"), read_only=True)}
    assert not verdicts["stop"].ok and verdicts["stop"].reason == act.READ_ONLY_REASON
    assert not verdicts["clone"].ok
    assert verdicts["copy-ray"].ok and verdicts["copy-terminal"].ok  # reading a URL changes nothing


def test_bulk_availability_splits_targets() -> None:
    targets = [job("Running"), Target("job", "dlc2", "b", "Succeeded")]
    allowed, skipped = act.bulk_availability(act.action("job", "stop"), targets)
    assert [t.id for t in allowed] == ["dlc1"]
    assert skipped[0][0].id == "dlc2" and "already finished" in skipped[0][1]


def test_typed_confirmation_and_priority() -> None:
    one = [job("Failed")]
    assert act.typed_matches("dlc1", one) and act.typed_matches(" train ", one)
    assert not act.typed_matches("", one) and not act.typed_matches("dlc", one)
    two = [job("Failed"), Target("job", "dlc2", "", "Failed")]
    assert act.typed_matches("2", two) and not act.typed_matches("dlc1", two)
    assert act.validate_priority(" 7 ") == 7
    for bad in ("0", "10", "x", ""):
        with pytest.raises(ValueError):
            act.validate_priority(bad)


def test_labels_name_kind_name_and_id() -> None:
    assert job("Running").label == 'DLC job "train" (dlc1)'
    assert Target("schedule", "abc").label == "SMS send plan abc"


def test_clone_spec_copies_the_spec_not_the_state() -> None:
    raw = {"JobId": "dlc1", "Status": "Failed", "DisplayName": "a", "JobType": "PyTorchJob", "WorkspaceId": WS,
           "JobSpecs": [{"Type": "Worker", "Image": "img", "PodCount": 2}], "UserCommand": "old", "Priority": 3,
           "UserVpc": {"VpcId": "vpc-1", "ExtendedCidrs": ["10.0.0.0/8"]}, "Pods": [{"PodId": "p"}],
           "DataSources": [{"DataSourceId": "d-1", "MountPath": "/mnt", "DataSourceType": "OSS"}],
           "GmtCreateTime": "2026-01-01T00:00:00Z"}
    spec = act.clone_spec(raw, name="b", command="python new.py", priority=None)
    assert spec["display_name"] == "b" and spec["user_command"] == "python new.py"
    assert spec["job_specs"] == raw["JobSpecs"] and spec["Priority"] == 3 and spec["workspace_id"] == WS
    assert spec["UserVpc"] == {"VpcId": "vpc-1", "ExtendedCIDRs": ["10.0.0.0/8"]}
    assert spec["DataSources"] == [{"DataSourceId": "d-1", "MountPath": "/mnt"}]
    assert not {"Pods", "Status", "JobId", "GmtCreateTime"} & set(spec)


def test_pipeline_in_use_is_explained_in_words() -> None:
    error = PaiError("x", code="InvalidParameter.PipelineInUse", server_message="in use", request_id="R1")
    text = act.describe_error(error)
    assert "subscribe" in text and "sub-pipeline" in text and "RequestId=R1" in text


# --- against the simulated cloud ------------------------------------------------------------------------

async def test_stop_job_moves_it_to_stopping_then_stopped(sim: Sim) -> None:
    target = await sim.job_target("Running")
    outcome = await act.perform(sim.client, act.action("job", "stop"), target)
    assert outcome.ok and outcome.request_id
    assert (await sim.client.dlc.get_job(target.id)).status == "Stopping"
    sim.advance(600)
    assert (await sim.client.dlc.get_job(target.id)).status == "Stopped"


async def test_delete_job_removes_it_and_refuses_a_running_one(sim: Sim) -> None:
    done = await sim.job_target("Succeeded")
    assert (await act.perform(sim.client, act.action("job", "delete"), done)).ok
    with pytest.raises(NotFoundError):
        await sim.client.dlc.get_job(done.id)
    running = await sim.job_target("Running")
    refused = await act.perform(sim.client, act.action("job", "delete"), running)  # the server's own rule
    assert not refused.ok and refused.error is not None and refused.error.code == "InvalidParameter.JobStatus"
    assert refused.request_id and (await sim.client.dlc.get_job(running.id)).status == "Running"


async def test_priority_changes_and_clone_submits_a_copy(sim: Sim) -> None:
    target = await sim.job_target("Queuing", "Running", "EnvPreparing")
    outcome = await act.perform(sim.client, act.action("job", "priority"), target, {"priority": 9})
    assert outcome.ok and (await sim.client.dlc.get_job(target.id)).priority == 9

    raw = await sim.client.invoke_json(operation("dlc", "GetJob"), {"JobId": target.id})
    spec = act.clone_spec(raw, name="copy-of-it", command="echo hi", priority=2)
    clone = await act.perform(sim.client, act.action("job", "clone"), target, {"spec": spec})
    assert clone.ok and clone.value and clone.value != target.id
    copy = await sim.client.dlc.get_job(clone.value)
    assert (copy.display_name, copy.user_command, copy.priority) == ("copy-of-it", "echo hi", 2)
    assert [s.image for s in copy.job_specs or ()] == [s["Image"] for s in raw["JobSpecs"]]


async def test_copy_urls(sim: Sim) -> None:
    running = await sim.job_target("Running")
    terminal = await act.perform(sim.client, act.action("job", "copy-terminal"), running)
    assert terminal.ok and terminal.value and terminal.value.startswith("wss://")
    ray = await sim.job_target("Running", job_type="RayJob")
    for key in ("copy-dashboard", "copy-ray"):
        got = await act.perform(sim.client, act.action("job", key), ray)
        assert got.ok and got.value and ray.id in got.value


async def _new_run(sim: Sim, *, start: bool) -> Target:
    pipelines = await sim.client.flow.list_pipelines(workspace_id=WS, page_size=50)
    pipeline = next(p for p in pipelines.pipelines or () if p.pipeline_id)
    made = await sim.client.flow.create_pipeline_run(workspace_id=WS, pipeline_id=pipeline.pipeline_id,
                                                     name="action-test", no_confirm_required=start)
    return act.target_of("run", await sim.client.flow.get_pipeline_run(made.pipeline_run_id))


async def test_run_lifecycle_start_terminate_rerun_rename_delete(sim: Sim) -> None:
    flow = sim.client.flow
    target = await _new_run(sim, start=False)
    assert target.status == "Initialized"
    assert (await act.perform(sim.client, act.action("run", "start"), target)).ok
    assert (await flow.get_pipeline_run(target.id)).status == "Running"
    assert (await act.perform(sim.client, act.action("run", "terminate"), target)).ok
    assert (await flow.get_pipeline_run(target.id)).status == "Terminating"
    sim.advance(600)
    assert (await flow.get_pipeline_run(target.id)).status == "Terminated"
    assert (await act.perform(sim.client, act.action("run", "rerun"), target)).ok
    assert (await flow.get_pipeline_run(target.id)).status == "Running"
    assert (await act.perform(sim.client, act.action("run", "rename"), target, {"name": "renamed"})).ok
    assert (await flow.get_pipeline_run(target.id)).name == "renamed"
    await act.perform(sim.client, act.action("run", "terminate"), target)
    sim.advance(600)
    assert (await act.perform(sim.client, act.action("run", "delete"), target)).ok
    with pytest.raises(NotFoundError):
        await flow.get_pipeline_run(target.id)


async def test_delete_pipeline_in_use_fails_with_the_explanation(sim: Sim) -> None:
    shared = next(p for p in sim.world.flow.pipelines.values() if p.shared)
    target = Target("pipeline", shared.pipeline_id, shared.identifier)
    outcome = await act.perform(sim.client, act.action("pipeline", "delete"), target)
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "InvalidParameter.PipelineInUse"
    assert "sub-pipeline" in act.describe_error(outcome.error)
    assert shared.pipeline_id in sim.world.flow.pipelines  # nothing changed


async def test_tensorboard_stop_start_share_delete(sim: Sim) -> None:
    dlc = sim.client.dlc
    boards = (await dlc.list_tensorboards(workspace_id=WS, status="Running", page_size=50)).tensorboards or []
    target = act.target_of("tensorboard", boards[0])
    shared = await act.perform(sim.client, act.action("tensorboard", "copy-shared"), target)
    assert shared.ok and shared.value and target.id in shared.value
    assert (await act.perform(sim.client, act.action("tensorboard", "stop"), target)).ok
    assert (await dlc.get_tensorboard(target.id, workspace_id=WS)).status == "Stopped"
    assert (await act.perform(sim.client, act.action("tensorboard", "start"), target)).ok
    assert (await dlc.get_tensorboard(target.id, workspace_id=WS)).status != "Stopped"
    assert (await act.perform(sim.client, act.action("tensorboard", "delete"), target)).ok
    with pytest.raises(NotFoundError):
        await dlc.get_tensorboard(target.id, workspace_id=WS)


async def test_delete_schedule(sim: Sim) -> None:
    page = await sim.client.plugin.list_schedules(page_size=5)
    schedule = page.data.schedules[0]  # type: ignore[union-attr,index]
    target = act.target_of("schedule", schedule)
    assert (await act.perform(sim.client, act.action("schedule", "delete"), target)).ok
    with pytest.raises(NotFoundError):
        await sim.client.plugin.get_schedule(target.id)
    again = await act.perform(sim.client, act.action("schedule", "delete"), target)
    assert not again.ok and again.error is not None and again.error.code == "404"


# --- bulk ------------------------------------------------------------------------------------------------

async def test_bulk_mix_of_successes_and_failures_changes_only_what_succeeded(sim: Sim) -> None:
    targets = [act.target_of("job", j) for j in (await sim.jobs())
               if act.availability(act.action("job", "stop"), act.target_of("job", j)).ok][:12]
    sim.app.faults = FaultPlan.parse("StopJob:error5xx=0.5", seed=1)
    outcomes = await act.run_bulk(sim.client, act.action("job", "stop"), targets)
    sim.app.faults = None
    assert [o.id for o in outcomes] == [t.id for t in targets]  # input order
    good, bad = [o for o in outcomes if o.ok], [o for o in outcomes if not o.ok]
    assert good and bad
    for outcome in good:
        assert (await sim.client.dlc.get_job(outcome.id)).status == "Stopping"
    before = {t.id: t.status for t in targets}
    for outcome in bad:
        assert outcome.error is not None and outcome.error.status in (500, 503) and outcome.request_id
        assert (await sim.client.dlc.get_job(outcome.id)).status == before[outcome.id]
    summary = act.Summary(outcomes)
    assert summary.headline(act.action("job", "stop")).endswith(f"{len(bad)} failed")


async def test_bulk_is_bounded_and_capped() -> None:
    class SlowClient:
        active = peak = 0

        async def invoke(self, op: Any, params: Any) -> Any:
            SlowClient.active += 1
            SlowClient.peak = max(SlowClient.peak, SlowClient.active)
            await asyncio.sleep(0.01)
            SlowClient.active -= 1
            return type("Answer", (), {"request_id": "R"})()

    targets = [Target("job", f"dlc{i}", status="Running") for i in range(20)]
    done: list[str] = []
    outcomes = await act.run_bulk(SlowClient(), act.action("job", "stop"), targets, concurrency=3,  # type: ignore[arg-type]
                                  on_done=lambda t, _o: done.append(t.id))
    assert all(o.ok and o.request_id == "R" for o in outcomes) and SlowClient.peak == 3
    assert sorted(done) == sorted(t.id for t in targets)
    with pytest.raises(ValueError, match="at most 100"):
        await act.run_bulk(SlowClient(), act.action("job", "stop"), targets * 6)  # type: ignore[arg-type]


# --- read-only and dry runs ------------------------------------------------------------------------------

async def test_read_only_client_refuses_before_sending() -> None:
    sim = Sim(read_only=True)
    try:
        target = await sim.job_target("Running")
        sent = sum(sim.requests.values())
        outcome = await act.perform(sim.client, act.action("job", "stop"), target)
        assert not outcome.ok and isinstance(outcome.error, ReadOnlyError)
        assert sum(sim.requests.values()) == sent  # nothing went out
        assert (await sim.client.dlc.get_job(target.id)).status == "Running"
    finally:
        await sim.client.aclose()


async def test_signed_request_is_what_would_be_sent_with_secrets_redacted(sim: Sim) -> None:
    op, params = act.wire_request(act.action("job", "stop"), Target("job", "dlc-abc"))
    request = await sim.client.signed_request(op, params)
    assert request.method == "POST" and request.url.endswith("/api/v1/jobs/dlc-abc/stop")
    assert request.headers["x-acs-action"] == "StopJob"
    assert request.headers["Authorization"] == "ACS3-HMAC-SHA256 ***"
    secret = demo_credentials()
    cred = await secret.get_credential()
    assert cred.access_key_secret is not None
    assert all(cred.access_key_secret.get_secret_value() not in v for v in request.headers.values())
    assert not sim.requests  # nothing was sent


# --- lost answers, settled by reading back ---------------------------------------------------------------

async def _subject(sim: Sim, kind: str, key: str) -> tuple[Target, dict[str, Any]]:
    """A resource the action applies to, and the action's arguments."""
    if kind == "job":
        status = {"delete": ("Succeeded", "Failed", "Stopped")}.get(key, ("Running", "Queuing"))
        target = await sim.job_target(*status)
        if key == "clone":
            raw = await sim.client.invoke_json(operation("dlc", "GetJob"), {"JobId": target.id})
            return target, {"spec": act.clone_spec(raw, name="lost-clone", command="echo", priority=1)}
        return target, {"priority": 9} if key == "priority" else {}
    if kind == "run":
        target = await _new_run(sim, start=key != "start")
        if key in ("rerun", "delete"):
            await act.perform(sim.client, act.action("run", "terminate"), target)
            sim.advance(600)
            target = act.target_of("run", await sim.client.flow.get_pipeline_run(target.id))
        return target, {"name": "lost-rename"} if key == "rename" else {}
    if kind == "tensorboard":
        boards = (await sim.client.dlc.list_tensorboards(workspace_id=WS, status="Running", page_size=50))
        target = act.target_of("tensorboard", (boards.tensorboards or [])[0])
        if key == "start":  # stop it first, so that it can be started
            await act.perform(sim.client, act.action("tensorboard", "stop"), target)
        return target, {}
    page = await sim.client.plugin.list_schedules(page_size=5)
    return act.target_of("schedule", page.data.schedules[0]), {}  # type: ignore[union-attr,index]


_API = {("job", "priority"): "UpdateJob", ("job", "clone"): "CreateJob", ("run", "rename"): "UpdatePipelineRun"}
_SETTLED = [  # (kind, action, how the lost answer settles)
    ("job", "stop", "ok"), ("job", "delete", "ok"), ("job", "priority", "ok"), ("job", "clone", "unknown"),
    ("run", "start", "ok"), ("run", "terminate", "ok"), ("run", "rerun", "ok"), ("run", "rename", "ok"),
    ("run", "delete", "ok"), ("tensorboard", "stop", "ok"), ("tensorboard", "start", "ok"),
    ("tensorboard", "delete", "ok"), ("schedule", "delete", "ok"),
]


@pytest.mark.parametrize(("kind", "key", "state"), _SETTLED, ids=[f"{k}-{a}" for k, a, _ in _SETTLED])
async def test_a_lost_answer_is_settled_by_reading_back(sim: Sim, kind: str, key: str, state: str) -> None:
    """End to end: the simulator applies the mutation and drops the answer; the client says outcome unknown;
    the action reads the resource back and reports what it found, never a plain "failed"."""
    action_ = act.action(kind, key)
    target, args = await _subject(sim, kind, key)
    api = _API.get((kind, key)) or act.WIRE[(kind, key)][1]
    sim.app.faults = FaultPlan.parse(f"{api}:lost=1", seed=1)
    outcome = await act.perform(sim.client, action_, target, args)
    sim.app.faults = None
    assert outcome.state == state, outcome.line(action_)
    line = outcome.line(action_)
    if state == "ok":
        assert "the answer was lost" in line and ("now says" in line or "answers" in line or "finds nothing" in line)
    else:
        assert line.startswith("unknown") and 'new job named "lost-clone"' in line
    assert sim.app.faults is None


async def test_an_answer_lost_before_the_handler_settles_as_not_applied(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.app.faults = FaultPlan.parse("StopJob:drop=1", seed=1)
    outcome = await act.perform(sim.client, act.action("job", "stop"), target)
    sim.app.faults = None
    assert outcome.state == "failed" and outcome.status == "Running"
    assert "not applied (the answer was lost; GetJob now says Running)" in outcome.line(act.action("job", "stop"))


async def test_a_5xx_on_stop_is_not_retried_and_is_settled(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.client._retry.max_attempts = 4  # even with retries allowed, a StopJob is sent once
    sim.app.faults = FaultPlan.parse("StopJob:error5xx=1", seed=1)
    outcome = await act.perform(sim.client, act.action("job", "stop"), target)
    sim.app.faults = None
    assert sim.requests["StopJob"] == 1 and outcome.state == "failed"
    assert "not applied" in outcome.line(act.action("job", "stop"))


async def test_when_the_read_back_fails_too_the_outcome_stays_unknown_with_what_to_check(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.app.faults = FaultPlan.parse("StopJob:lost=1;GetJob:error5xx=1", seed=1)
    outcome = await act.perform(sim.client, act.action("job", "stop"), target)
    sim.app.faults = None
    line = outcome.line(act.action("job", "stop"))
    assert outcome.state == "unknown" and outcome.unknown and not outcome.ok
    assert line.startswith("unknown") and "reading it back failed too (server error)" in line
    assert f"paitui call dlc GetJob JobId={target.id}" in line
    assert (await sim.client.dlc.get_job(target.id)).status == "Stopping"  # it had in fact been applied


def test_summary_counts_unknown_and_its_exit_status() -> None:
    ok_, failed = act.Outcome("a", "", True), act.Outcome("b", "", False)
    unknown = act.Outcome("c", "", False, unknown=True, note="outcome unknown: …")
    stop = act.action("job", "stop")
    assert act.Summary([ok_]).exit_status == 0
    assert act.Summary([ok_, failed]).exit_status == 1
    assert act.Summary([ok_, unknown]).exit_status == 3 and act.Summary([failed, unknown]).exit_status == 3
    assert act.Summary([ok_, failed, unknown]).headline(stop).endswith("1 failed, 1 outcome unknown")
