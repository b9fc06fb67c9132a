"""The creation core every form and creation command goes through (``paitui.live.create``,
``paitui.headless_create.flow``), against the simulator: refusals send nothing, a lost answer is settled by
reading back, the headless flow's refusals, dry run, confirmation and result lines."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.operations import operation
from paitui.headless import Console
from paitui.headless_create.flow import run_creation
from paitui.live import actions as act
from paitui.live.create import CreateRequest, Refusal, Refused, send
from paitui.sim.faults import FaultPlan
from paitui.sim.identity import DEMO_ACCESS_KEY_SECRET
from tests.live.test_actions import WS, Sim


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


async def _clone_request(sim: Sim, name: str, *, refusals: tuple[Refusal, ...] = (),
                         settle: bool = True) -> CreateRequest:
    source = await sim.job_target("Running", "Succeeded", "Failed")
    raw = await sim.client.invoke_json(operation("dlc", "GetJob"), {"JobId": source.id})
    spec = act.clone_spec(raw, name=name, command="echo hi", priority=1)
    wire = {"display_name": "DisplayName", "job_type": "JobType", "job_specs": "JobSpecs",
            "user_command": "UserCommand", "workspace_id": "WorkspaceId"}
    body = {wire.get(k, k): v for k, v in spec.items()}  # CreateJob's body by its wire names

    async def find(client: PaiClient) -> str | None:
        page = await client.dlc.list_jobs(workspace_id=WS, display_name=name, page_size=10)
        return next((j.job_id for j in page.jobs or () if j.display_name == name), None)

    return CreateRequest("job", f"DLC job {name!r}", operation("dlc", "CreateJob"), body,
                         new_id=lambda answer: answer.job_id, settle=find if settle else None, refusals=refusals)


def _console(answer: str = "", *, tty: bool = True) -> tuple[Console, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Console(out, err, lambda _prompt: answer, tty), out, err


def _args(**over: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"dry_run": False, "yes": True, "output": "text", **over})


async def test_a_refused_request_sends_nothing(sim: Sim) -> None:
    request = await _clone_request(sim, "refused-one", refusals=(
        Refusal("JobSpecs[0].EcsSpec", "ecs-spec-with-resource-config", "EcsSpec and ResourceConfig together"),))
    before = sim.requests["CreateJob"]
    with pytest.raises(Refused) as raised:
        await send(sim.client, request)
    assert sim.requests["CreateJob"] == before
    assert "JobSpecs[0].EcsSpec" in str(raised.value) and "ecs-spec-with-resource-config" in str(raised.value)


async def test_a_created_job_reports_its_id_and_request_id(sim: Sim) -> None:
    created = await send(sim.client, await _clone_request(sim, "made-one"))
    assert created.id and created.id.startswith("dlc") and not created.unknown and created.request_id
    assert (await sim.client.dlc.get_job(created.id)).display_name == "made-one"


async def test_a_lost_answer_is_found_by_reading_back(sim: Sim) -> None:
    request = await _clone_request(sim, "lost-but-found")
    sim.app.faults = FaultPlan.parse("CreateJob:lost=1", seed=1)
    created = await send(sim.client, request)
    sim.app.faults = None
    assert created.id and not created.unknown and "reading back found it" in created.note


@pytest.mark.parametrize("settle", [False, True], ids=["no-settle", "settle-fails"])
async def test_a_lost_answer_not_settled_is_unknown_never_failed(sim: Sim, settle: bool) -> None:
    request = await _clone_request(sim, "lost-unknown", settle=settle)
    plan = "CreateJob:lost=1;ListJobs:error5xx=1" if settle else "CreateJob:lost=1"
    sim.app.faults = FaultPlan.parse(plan, seed=1)
    created = await send(sim.client, request)
    sim.app.faults = None
    assert created.unknown and created.id is None and "look for it before sending again" in created.note


async def test_the_flow_prints_ok_with_the_new_id(sim: Sim) -> None:
    console, out, _ = _console()
    status = await run_creation(_args(), lambda _c: _clone_request(sim, "flow-ok"), console=console,
                                client=sim.client)
    assert status == 0
    line = out.getvalue().strip()
    assert line.startswith("ok DLC job 'flow-ok' dlc") and " created" in line and "RequestId=" in line


async def test_the_flow_json_output(sim: Sim) -> None:
    console, out, _ = _console()
    status = await run_creation(_args(output="json"), lambda _c: _clone_request(sim, "flow-json"),
                                console=console, client=sim.client)
    body = json.loads(out.getvalue())
    assert status == 0 and body["ok"] and body["id"].startswith("dlc") and body["request_id"]


async def test_the_flow_refusal_exits_2_naming_field_and_rule(sim: Sim) -> None:
    console, _, err = _console()
    refusal = Refusal("JobSpecs[0].Image", "image-not-registered", "not in ListImages")
    before = sim.requests["CreateJob"]
    status = await run_creation(_args(), lambda _c: _clone_request(sim, "flow-no", refusals=(refusal,)),
                                console=console, client=sim.client)
    assert status == 2 and sim.requests["CreateJob"] == before
    assert "refused: JobSpecs[0].Image: not in ListImages (rule: image-not-registered)" in err.getvalue()
    assert "nothing was sent" in err.getvalue()


async def test_the_flow_dry_run_prints_the_signed_request_and_sends_nothing(sim: Sim) -> None:
    console, out, _ = _console()
    before = sim.requests["CreateJob"]
    status = await run_creation(_args(dry_run=True), lambda _c: _clone_request(sim, "flow-dry"),
                                console=console, client=sim.client)
    text = out.getvalue()
    assert status == 0 and sim.requests["CreateJob"] == before
    assert text.startswith("# DLC job 'flow-dry' — dry run, not sent\nPOST ")
    assert DEMO_ACCESS_KEY_SECRET not in text
    assert "authorization: acs3-hmac-sha256" in text.lower() and '"DisplayName":"flow-dry"' in text.replace(" ", "")


@pytest.mark.parametrize(("answer", "tty", "yes", "status"), [
    ("n", True, False, 1), ("y", True, False, 0), ("", False, False, 2)], ids=["declined", "confirmed", "no-tty"])
async def test_the_flow_asks_before_creating(sim: Sim, answer: str, tty: bool, yes: bool, status: int) -> None:
    console, _, err = _console(answer, tty=tty)
    before = sim.requests["CreateJob"]
    got = await run_creation(_args(yes=yes), lambda _c: _clone_request(sim, f"ask-{status}"), console=console,
                             client=sim.client)
    assert got == status
    assert sim.requests["CreateJob"] == before + (1 if status == 0 else 0)
    if status == 2:
        assert "without --yes" in err.getvalue()


async def test_the_flow_in_read_only_mode_refuses() -> None:
    ro = Sim(read_only=True)
    try:
        console, _, err = _console()
        status = await run_creation(_args(), lambda _c: _clone_request(ro, "ro"), console=console, client=ro.client)
        assert status == 2 and ro.requests["CreateJob"] == 0 and "read-only" in err.getvalue()
    finally:
        await ro.client.aclose()


async def test_the_flow_shows_an_api_error_with_code_and_request_id(sim: Sim) -> None:
    request = await _clone_request(sim, "flow-bad")
    request.params["JobType"] = "NoSuchJob"  # the service refuses it: a plain API error, not a lost answer
    console, out, _ = _console()
    status = await run_creation(_args(), lambda _c: _async(request), console=console, client=sim.client)
    line = out.getvalue()
    assert status == 1, line
    assert line.startswith("failed  DLC job 'flow-bad': InvalidParameter: ") and "RequestId=" in line


async def _async(value: Any) -> Any:
    return value


async def test_the_flow_json_output_of_a_failure_is_one_json_object(sim: Sim) -> None:
    request = await _clone_request(sim, "flow-bad-json")
    request.params["JobType"] = "NoSuchJob"
    console, out, _ = _console()
    status = await run_creation(_args(output="json"), lambda _c: _async(request), console=console,
                                client=sim.client)
    body = json.loads(out.getvalue())  # the whole of standard output parses: nothing else was printed
    assert status == 1 and body["ok"] is False and body["error"]["Code"] == "InvalidParameter"
