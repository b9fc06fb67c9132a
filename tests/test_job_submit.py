"""``paitui job submit`` end to end against the simulated cloud: the success line, exit 2 for each rule with
nothing sent (the simulator counts requests), exit 1 on an API error with Code, Message and RequestId,
``--dry-run`` printing the signed request without the secret, a template merged, errors naming the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from paitui import cli
from paitui.headless_create import job_submit
from paitui.headless_create.flow import run_creation
from paitui.sim.identity import DEMO_ACCESS_KEY_SECRET
from tests.live.test_actions import WS, Sim
from tests.live.test_job_rules import GOOD, IMAGE
from tests.test_headless import FakeConsole


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def mutations(sim: Sim) -> int:
    return sum(n for action, n in sim.requests.items() if not action.startswith(("Get", "List")))


async def submit(sim: Sim, tmp_path: Path, body: Any, *argv: str, console: FakeConsole | None = None,
                 text: str | None = None) -> tuple[int, FakeConsole]:
    job = tmp_path / "job.yaml"
    job.write_text(text if text is not None else yaml.safe_dump(body, sort_keys=False))
    args = cli.build_parser().parse_args(["job", "submit", "-f", str(job), *argv])
    console = console or FakeConsole(tty=False)
    code = await run_creation(args, lambda client: job_submit.build(client, args), console=console,
                              client=sim.client)
    return code, console


async def test_a_job_is_submitted_and_the_line_names_it(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, GOOD, "--yes", "--set", "JobSpecs[0].PodCount=3",
                                 "--set", "UserCommand=python train.py --lr 1e-5: warm")
    assert code == 0, console.errors
    line = console.text.strip()
    assert line.startswith("ok DLC job 'bert-ft' dlc") and " submitted" in line and "RequestId=" in line
    job = await sim.client.dlc.get_job(line.split()[4])
    assert job.job_specs[0].pod_count == 3 and job.user_command == "python train.py --lr 1e-5: warm"  # type: ignore[index]
    assert sim.requests["CreateJob"] == 1


async def test_json_output_and_a_confirmation_on_a_terminal(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, GOOD, "-o", "json", console=FakeConsole(["y"]))
    answer = json.loads(console.text)
    assert code == 0 and answer["ok"] and answer["id"].startswith("dlc") and answer["request_id"]
    assert console.prompts == ["Submit DLC job 'bert-ft'? [y/N] "]
    declined, console = await submit(sim, tmp_path, GOOD, console=FakeConsole(["n"]))
    assert declined == 1 and sim.requests["CreateJob"] == 1


_RULES = [  # (a change to the file or a --set, the rule, where the message points)
    ({"JobSpecs": [{**GOOD["JobSpecs"][0], "ResourceConfig": {"CPU": 8}}]}, (), "ecs-spec-with-resource-config",
     "job.yaml line"),
    ({"JobSpecs": [{**GOOD["JobSpecs"][0], "Image": "me/mine:1"}]}, (), "image-not-registered",
     "create-image"),
    ({"Priority": 0}, (), "priority-range", "job.yaml line 5"),
    ({}, ("--set", "Priority=12"), "priority-range", "(--set Priority)"),
    ({"JobSpecs": [{**GOOD["JobSpecs"][0], "PodCount": -1}]}, (), "pod-count", "job.yaml line"),
    ({"UserCommand": ""}, (), "required", "UserCommand"),
    ({"JobType": "Pytorch"}, (), "job-type", "job.yaml line 2"),
    ({"DisplayNme": "x"}, (), "unknown-field", "did you mean DisplayName?"),
    ({}, ("--set", "UserCommand[0]=x"), "bad-path", "UserCommand"),
    ({}, ("--set", "nothing"), "bad-set", "Path=Value"),
]


@pytest.mark.parametrize(("change", "extra", "rule", "where"), _RULES,
                         ids=[r[2] + str(i) for i, r in enumerate(_RULES)])
async def test_each_rule_exits_2_naming_it_with_nothing_sent(sim: Sim, tmp_path: Path, change: dict[str, Any],
                                                            extra: tuple[str, ...], rule: str, where: str) -> None:
    code, console = await submit(sim, tmp_path, {**GOOD, **change}, "--yes", *extra)
    assert code == 2, console.text + console.errors
    assert f"(rule: {rule})" in console.errors and where in console.errors
    assert "nothing was sent" in console.errors and mutations(sim) == 0


async def test_the_override_flag_sends_an_unregistered_image(sim: Sim, tmp_path: Path) -> None:
    body = {**GOOD, "JobSpecs": [{**GOOD["JobSpecs"][0], "Image": "me/mine:1"}]}
    code, console = await submit(sim, tmp_path, body, "--yes", "--allow-unregistered-image")
    assert code == 0 and sim.requests["CreateJob"] == 1, console.errors


async def test_an_unreadable_file_names_the_line(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, None, "--yes", text="DisplayName: a\nJobSpecs: [1,\n")
    assert code == 2 and "job.yaml line 3" in console.errors and "(rule: unreadable)" in console.errors
    assert sum(sim.requests.values()) == 0
    code, console = await submit(sim, tmp_path, None, "--yes", text="- just\n- a list\n")
    assert code == 2 and "(rule: body-not-object)" in console.errors


async def test_a_missing_file_is_refused_by_name(sim: Sim, tmp_path: Path) -> None:
    args = cli.build_parser().parse_args(["job", "submit", "-f", str(tmp_path / "nope.yaml"), "--yes"])
    console = FakeConsole(tty=False)
    code = await run_creation(args, lambda client: job_submit.build(client, args), console=console,
                              client=sim.client)
    assert code == 2 and "nope.yaml" in console.errors and "No such file" in console.errors


async def test_an_api_error_exits_1_with_code_message_and_request_id(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, {**GOOD, "JobSpecs": [{**GOOD["JobSpecs"][0],
                                                                      "EcsSpec": "ecs.no-such-type"}]}, "--yes")
    assert code == 1 and console.text.startswith("failed  DLC job 'bert-ft': InvalidParameter")
    assert "ecs.no-such-type" in console.text and "RequestId=" in console.text


async def test_dry_run_prints_the_signed_request_without_the_secret(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, GOOD, "--dry-run", "--set", "JobSpecs[0].PodCount=4")
    assert code == 0 and mutations(sim) == 0
    assert "POST http" in console.text and "/api/v1/jobs" in console.text and "Authorization: ACS3-HMAC-SHA256 ***" \
        in console.text
    body = json.loads(console.text.strip().splitlines()[-1])
    assert body["JobSpecs"][0]["PodCount"] == 4 and body["WorkspaceId"] == WS
    assert DEMO_ACCESS_KEY_SECRET not in console.text + console.errors


async def test_read_only_refuses_before_sending(tmp_path: Path) -> None:
    sim = Sim(read_only=True)
    try:
        code, console = await submit(sim, tmp_path, GOOD, "--yes")
    finally:
        await sim.client.aclose()
    assert code == 2 and "read-only" in console.errors and mutations(sim) == 0


async def test_a_template_is_merged_and_its_locked_field_refused(sim: Sim, tmp_path: Path) -> None:
    page = await sim.client.dlc.list_job_templates(WS)
    template = page.job_templates[0]  # type: ignore[index]
    code, console = await submit(sim, tmp_path, {"DisplayName": "from-template"}, "--yes",
                                 "--template", str(template.template_id), "--set", "JobSpecs[0].PodCount=2")
    assert code == 0, console.errors
    job = await sim.client.dlc.get_job(console.text.split()[4])
    assert job.job_specs[0].pod_count == 2 and job.workspace_id == template.workspace_id  # type: ignore[index]
    locked = {"DisplayName": "x", "JobSpecs": [{"Type": "Worker", "Image": IMAGE, "EcsSpec": "ecs.g6.4xlarge"}]}
    code, console = await submit(sim, tmp_path, locked, "--yes", "--template", str(template.template_id))
    assert code == 2 and "(rule: template-locked)" in console.errors and "job.yaml line 4" in console.errors  # Image
    assert sim.requests["CreateJob"] == 1


async def test_an_unknown_template_is_an_api_error_before_sending(sim: Sim, tmp_path: Path) -> None:
    code, console = await submit(sim, tmp_path, {"DisplayName": "x"}, "--yes", "--template", "jt-nope")
    assert code == 1 and "NotFound.JobTemplate" in console.errors and "nothing was sent" in console.errors
