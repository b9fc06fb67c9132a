"""``paitui template create|version|set-default`` and ``paitui tensorboard create`` against the simulated cloud,
parsed by the real command line: the success line, exit 2 per rule with nothing sent, exit 1 with Code, Message
and RequestId, --dry-run, read-only, and a lost answer settled by reading back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paitui import cli, headless_create
from paitui.api.operations import operation
from paitui.sim.faults import FaultPlan
from tests.live.test_actions import WS, Sim
from tests.test_headless import FakeConsole


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def mutations(sim: Sim) -> list[str]:
    return [a for a, n in sim.requests.items() if n and not a.startswith(("Get", "List"))]


async def command(sim: Sim, *argv: str, console: FakeConsole | None = None) -> tuple[int, FakeConsole]:
    """``paitui ARGV`` through the real parser and verb module, on the test's client."""
    args = cli.build_parser().parse_args(list(argv))
    verb = headless_create.find(args.command, args.verb)
    assert verb is not None, argv
    console = console or FakeConsole(tty=False)
    code = await headless_create.module(verb).run(args, console=console, client=sim.client)
    return code, console


async def a_job(sim: Sim) -> str:
    return (await sim.job_target("Running", "Succeeded", "Failed")).id


async def a_template(sim: Sim) -> Any:
    page = await sim.client.dlc.list_job_templates(WS, page_size=50)
    for t in page.job_templates or ():
        full = await sim.client.dlc.get_job_template(t.template_id or "", version="all")
        if len(full.versions or ()) >= 2:
            return full
    raise AssertionError("no template with two versions in the seeded world")


# --- template create ---------------------------------------------------------------------------------------------

async def test_template_create_saves_the_job_with_its_constraints(sim: Sim) -> None:
    job = await a_job(sim)
    code, console = await command(sim, "template", "create", "--from-job", job, "--name", "from-cli",
                                  "--lock", "JobSpecs[0].Image", "--require", "UserCommand", "--yes")
    assert code == 0, console.errors
    line = console.text.strip()
    assert line.startswith('ok job template "from-cli" jt-') and " created" in line and "RequestId=" in line
    new_id = line.split()[4]
    saved = await sim.client.dlc.get_job_template(new_id, version="all")
    raw = await sim.client.invoke_json(operation("dlc", "GetJob"), {"JobId": job})
    version = (saved.versions or [])[0]
    content = version.content_value()
    assert saved.template_name == "from-cli" and saved.workspace_id == raw["WorkspaceId"]
    assert version.constraints == {"JobSpecs[0].Image": "locked", "UserCommand": "required"}
    assert content["JobType"] == raw["JobType"] and content["JobSpecs"][0]["Image"] == raw["JobSpecs"][0]["Image"]
    assert "DisplayName" not in content and "JobId" not in content  # a submission names the job


@pytest.mark.parametrize(("extra", "rule"), [
    (("--name", ""), "template-name-length"),
    (("--name", "x" * 1025), "template-name-length"),
    (("--name", "ok", "--lock", "$.UserCommand"), "constraint-path"),
    (("--name", "ok", "--lock", "JobSpecs[7].Image"), "locked-field-missing"),
])
async def test_template_create_refuses_each_rule_with_nothing_sent(sim: Sim, extra: tuple[str, ...],
                                                                    rule: str) -> None:
    job = await a_job(sim)
    sim.requests.clear()
    code, console = await command(sim, "template", "create", "--from-job", job, *extra, "--yes")
    assert code == 2
    assert f"(rule: {rule})" in console.errors and "nothing was sent" in console.errors
    assert mutations(sim) == []


async def test_template_create_for_a_missing_job_exits_1_with_code_and_request_id(sim: Sim) -> None:
    code, console = await command(sim, "template", "create", "--from-job", "dlc-nope", "--name", "n", "--yes")
    assert code == 1
    assert "NotFound.Job" in console.errors and "RequestId=" in console.errors and mutations(sim) == []


async def test_template_create_dry_run_prints_the_signed_request_and_sends_nothing(sim: Sim) -> None:
    job = await a_job(sim)
    sim.requests.clear()
    code, console = await command(sim, "template", "create", "--from-job", job, "--name", "dry", "--dry-run")
    assert code == 0
    assert "POST http://pai-dlc.cn-hangzhou.sim.paitui/api/v1/jobtemplates" in console.text
    assert "Authorization: ACS3-HMAC-SHA256 ***" in console.text
    body = json.loads(console.text.strip().splitlines()[-1])
    assert body["TemplateName"] == "dry" and json.loads(body["Content"])["JobType"]
    assert mutations(sim) == []


async def test_template_create_lost_answer_is_settled_by_reading_back(sim: Sim) -> None:
    job = await a_job(sim)
    sim.app.faults = FaultPlan.parse("CreateJobTemplate:lost=1", seed=1)
    code, console = await command(sim, "template", "create", "--from-job", job, "--name", "lost-one", "--yes")
    sim.app.faults = None
    assert code == 0, console.text + console.errors
    assert "the answer was lost; reading back found it" in console.text
    new_id = console.text.split()[4]
    assert (await sim.client.dlc.get_job_template(new_id)).template_name == "lost-one"


async def test_read_only_refuses_to_create_a_template() -> None:
    sim = Sim(read_only=True)
    try:
        job = await a_job(sim)
        code, console = await command(sim, "template", "create", "--from-job", job, "--name", "ro", "--yes")
        assert code == 2 and "read-only" in console.errors and mutations(sim) == []
    finally:
        await sim.client.aclose()


# --- template version ----------------------------------------------------------------------------------------------

def content_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "content.yaml"
    path.write_text(text)
    return str(path)


NEW_CONTENT = """\
JobType: PyTorchJob
UserCommand: torchrun train.py --epochs 3
JobSpecs:
- Type: Worker
  PodCount: 4
  Image: registry/pytorch:2.3
  EcsSpec: ecs.gn7i-c8g1.2xlarge
"""


async def test_template_version_adds_a_version_with_content_and_constraints_together(sim: Sim,
                                                                                     tmp_path: Path) -> None:
    template = await a_template(sim)
    newest = max(v.version or 0 for v in template.versions or ())
    code, console = await command(sim, "template", "version", template.template_id, "-f",
                                  content_file(tmp_path, NEW_CONTENT), "--lock", "JobSpecs[0].Image",
                                  "--set-default", "--yes")
    assert code == 0, console.errors
    assert f"v{newest + 1} added as the default" in console.text and "RequestId=" in console.text
    fresh = await sim.client.dlc.get_job_template(template.template_id or "", version="all")
    added = next(v for v in fresh.versions or () if v.version == newest + 1)
    assert added.content_value()["JobSpecs"][0]["PodCount"] == 4
    assert added.constraints["JobSpecs[0].Image"] == "locked"
    assert fresh.default_version == newest + 1


@pytest.mark.parametrize(("text", "rule"), [
    ("JobType: [\n", "file-syntax"),
    ("JobType: NoSuchJob\nUserCommand: x\n", "content-job-type"),
    ("- a\n- b\n", "content-object"),
    ("Content:\n  JobType: PyTorchJob\nConstraints:\n  UserCommand: frozen\n", "constraint-kind"),
])
async def test_template_version_refuses_bad_files_with_nothing_sent(sim: Sim, tmp_path: Path, text: str,
                                                                    rule: str) -> None:
    template = await a_template(sim)
    sim.requests.clear()
    code, console = await command(sim, "template", "version", template.template_id, "-f",
                                  content_file(tmp_path, text), "--yes")
    assert code == 2 and f"(rule: {rule})" in console.errors
    assert mutations(sim) == []


async def test_template_version_refuses_unchanged_content(sim: Sim, tmp_path: Path) -> None:
    import yaml

    template = await a_template(sim)
    latest = max(template.versions or (), key=lambda v: v.version or 0)
    sim.requests.clear()
    code, console = await command(sim, "template", "version", template.template_id, "-f",
                                  content_file(tmp_path, yaml.safe_dump(latest.content_value())), "--yes")
    assert code == 2 and "(rule: content-unchanged)" in console.errors and mutations(sim) == []


async def test_template_version_of_a_missing_file_or_template(sim: Sim, tmp_path: Path) -> None:
    code, console = await command(sim, "template", "version", "jt-nope", "-f", str(tmp_path / "none.yaml"),
                                  "--yes")
    assert code == 2 and "(rule: file-unreadable)" in console.errors
    code, console = await command(sim, "template", "version", "jt-nope", "-f",
                                  content_file(tmp_path, NEW_CONTENT), "--yes")
    assert code == 1 and "NotFound.JobTemplate" in console.errors and "RequestId=" in console.errors


# --- template set-default --------------------------------------------------------------------------------------

async def test_set_default_switches_the_version(sim: Sim) -> None:
    template = await a_template(sim)
    other = next(v.version for v in template.versions or () if v.version != template.default_version)
    code, console = await command(sim, "template", "set-default", template.template_id, f"v{other}", "--yes")
    assert code == 0, console.errors
    assert f"ok version {other} as the default of" in console.text and f"v{other} set" in console.text
    assert (await sim.client.dlc.get_job_template(template.template_id or "")).default_version == other


@pytest.mark.parametrize(("version", "rule"), [("99", "version-unknown"), ("two", "version-number"),
                                               ("DEFAULT", "already-default")])
async def test_set_default_refuses_each_rule(sim: Sim, version: str, rule: str) -> None:
    template = await a_template(sim)
    if version == "DEFAULT":
        version = str(template.default_version)
    sim.requests.clear()
    code, console = await command(sim, "template", "set-default", template.template_id, version, "--yes")
    assert code == 2 and f"(rule: {rule})" in console.errors and mutations(sim) == []


async def test_set_default_without_a_terminal_needs_yes(sim: Sim) -> None:
    template = await a_template(sim)
    other = next(v.version for v in template.versions or () if v.version != template.default_version)
    sim.requests.clear()
    code, console = await command(sim, "template", "set-default", template.template_id, str(other))
    assert code == 2 and "without --yes" in console.errors and mutations(sim) == []
    code, console = await command(sim, "template", "set-default", template.template_id, str(other),
                                  console=FakeConsole(["y"]))
    assert code == 0 and console.prompts == [f"Set version {other} as the default of "
                                             f'job template "{template.template_name}" '
                                             f"({template.template_id})? [y/N] "]


# --- tensorboard create -----------------------------------------------------------------------------------------

async def test_tensorboard_for_a_job(sim: Sim) -> None:
    job = await a_job(sim)
    code, console = await command(sim, "tensorboard", "create", "--job", job, "--max-minutes", "60", "--yes")
    assert code == 0, console.errors
    line = console.text.strip()
    assert line.startswith(f"ok TensorBoard for job {job} ") and "created" in line and "RequestId=" in line
    tb = await sim.client.dlc.get_tensorboard(line.split()[5])
    assert tb.job_id == job and tb.max_running_time_minutes == 60


async def test_tensorboard_for_a_dataset(sim: Sim) -> None:
    dataset = (await sim.client.workspace.list_datasets(workspace_id=WS)).datasets[0]  # type: ignore[index]
    code, console = await command(sim, "tensorboard", "create", "--dataset", dataset.dataset_id, "--yes")
    assert code == 0, console.errors
    tb = await sim.client.dlc.get_tensorboard(console.text.split()[-3])
    assert tb.job_id is None and tb.data_source_id == dataset.dataset_id and tb.workspace_id == WS


@pytest.mark.parametrize(("minutes", "rule"), [("0", "max-running-time"), ("soon", "max-running-time")])
async def test_tensorboard_create_refuses_a_bad_running_time(sim: Sim, minutes: str, rule: str) -> None:
    job = await a_job(sim)
    sim.requests.clear()
    code, console = await command(sim, "tensorboard", "create", "--job", job, "--max-minutes", minutes, "--yes")
    assert code == 2 and f"(rule: {rule})" in console.errors and mutations(sim) == []


def test_tensorboard_create_takes_a_job_or_a_dataset_not_both() -> None:
    parser = cli.build_parser()
    with pytest.raises(SystemExit) as both:
        parser.parse_args(["tensorboard", "create", "--job", "dlc1", "--dataset", "d-1"])
    with pytest.raises(SystemExit) as neither:
        parser.parse_args(["tensorboard", "create"])
    assert both.value.code == 2 and neither.value.code == 2


async def test_tensorboard_create_api_error_and_dry_run(sim: Sim) -> None:
    code, console = await command(sim, "tensorboard", "create", "--dataset", "d-nope", "--yes")
    assert code == 1 and "NotFound.Dataset" in console.errors and "RequestId=" in console.errors
    job = await a_job(sim)
    sim.app.faults = FaultPlan.parse("CreateTensorboard:throttle=1", seed=1)
    code, console = await command(sim, "tensorboard", "create", "--job", job, "--yes")
    assert code == 1 and console.text.startswith("failed  TensorBoard for job")
    assert "Throttling.User" in console.text and "RequestId=" in console.text
    # a 5xx may or may not have made one: reading back finds none, so the outcome is unknown (exit 3)
    sim.app.faults = FaultPlan.parse("CreateTensorboard:error5xx=1", seed=1)
    code, console = await command(sim, "tensorboard", "create", "--job", job, "--yes")
    sim.app.faults = None
    assert code == 3 and console.text.startswith("unknown TensorBoard for job") and "look for it" in console.text
    sim.requests.clear()
    code, console = await command(sim, "tensorboard", "create", "--job", job, "--dry-run")
    assert code == 0 and "POST http://pai-dlc.cn-hangzhou.sim.paitui/api/v1/tensorboards" in console.text
    assert f'"JobId":"{job}"' in console.text and mutations(sim) == []
