"""Pipelines and runs created headlessly against the simulated cloud: ``paitui run create`` (arguments checked
against the manifest's typed input parameters), ``paitui pipeline create`` / ``update`` (the manifest checked
by field, an update refused while runs are active) — each rule with bad input, exit 2 with nothing sent, exit 1
with the service's Code, Message and RequestId, and the success line with the new run or pipeline read back."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from paitui import cli
from paitui.api.errors import PaiError
from paitui.headless_create import pipeline_create, pipeline_update, run_create
from paitui.live.create.manifest import Manifest, Parameter
from paitui.sim.faults import FaultPlan
from paitui.sim.flow import manifests
from tests.live.test_actions import WS, Sim
from tests.test_headless import FakeConsole, cli_sim  # noqa: F401  (cli_sim: a fixture used below)


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def sent(sim: Sim, action: str) -> int:
    return sim.requests.get(action, 0)


def pipeline_id(sim: Sim, identifier: str) -> str:
    return next(p.pipeline_id for p in sim.world.flow.pipelines.values()
                if p.identifier == identifier and p.workspace_id == WS)


def run_args(pipeline: str, *assignments: str, name: str | None = None, **flags: Any) -> argparse.Namespace:
    return argparse.Namespace(pipeline=pipeline, arg=list(assignments), name=name, dry_run=False, yes=True,
                              output="text", **flags)


async def create_run(sim: Sim, *assignments: str, name: str | None = "sft-try", **flags: Any
                     ) -> tuple[int, FakeConsole]:
    console = FakeConsole(tty=False)
    args = run_args(pipeline_id(sim, "llm_sft"), *assignments, name=name, **flags)
    return await run_create.run(args, console=console, client=sim.client), console


# --- the manifest's rules and typed parameters --------------------------------------------------------------

GOOD = manifests.dump(manifests.llm_sft("1557702098194911"))


def refusal_fields(text: str) -> dict[str, str]:
    return {r.field: r.rule for r in Manifest(text).refusals}


def edited(change: Any) -> str:
    doc = yaml.safe_load(GOOD)
    change(doc)
    return yaml.safe_dump(doc, sort_keys=False)


def test_the_seeded_manifests_break_no_rule() -> None:
    for seed in manifests.SEEDS:
        assert Manifest(manifests.dump(seed.build("1557702098194911"))).refusals == []


def test_each_manifest_rule_names_its_field() -> None:
    assert refusal_fields(edited(lambda d: d.update(apiVersion="v2"))) == {"apiVersion": "manifest-api-version"}
    assert refusal_fields(edited(lambda d: d["metadata"].pop("identifier"))) == {
        "metadata.identifier": "manifest-required"}
    assert refusal_fields(edited(lambda d: d["metadata"].pop("version"))) == {"metadata.version": "manifest-required"}
    assert refusal_fields(edited(lambda d: d["spec"]["inputs"]["parameters"][1].update(type="Integr"))) == {
        "spec.inputs.parameters[1].type": "parameter-type"}
    assert refusal_fields(edited(lambda d: d["spec"]["inputs"]["parameters"][1].update(value="three"))) == {
        "spec.inputs.parameters[1].value": "parameter-default-type"}
    assert refusal_fields(edited(lambda d: d["spec"]["inputs"]["parameters"][4].update(value="int4"))) == {
        "spec.inputs.parameters[4].value": "parameter-default-enum"}
    assert refusal_fields(edited(lambda d: d["spec"]["pipelines"][1]["spec"].update(dependencies=["nope"]))) == {
        "spec.pipelines[1].spec.dependencies": "manifest-unknown-dependency"}
    assert refusal_fields(edited(lambda d: d["spec"]["pipelines"][3]["metadata"].pop("provider"))) == {
        "spec.pipelines[3].metadata.provider": "manifest-required"}
    # a node reading an input the pipeline does not declare
    assert refusal_fields(edited(lambda d: d["spec"]["inputs"]["parameters"].pop(5))) == {
        "spec.pipelines[3].spec.arguments": "manifest-unknown-input"}
    assert refusal_fields(edited(lambda d: d["spec"].update(pipelines={"a": 1}))) == {
        "spec.pipelines": "manifest-shape"}
    broken = Manifest("apiVersion: core/v1\nmetadata: [unclosed\n")
    assert [r.rule for r in broken.refusals] == ["manifest-yaml"] and "at line 3" in broken.refusals[0].message


def test_parameters_keep_their_types_defaults_and_choices() -> None:
    params = {p.name: p for p in Manifest(GOOD).parameters}
    assert (params["epochs"].type, params["epochs"].default) == ("Int", 3)
    assert (params["learning_rate"].type, params["use_lora"].default) == ("Double", True)
    assert params["precision"].choices == ("bf16", "fp16", "fp32") and params["eval_suite"].required
    assert params["epochs"].parse("7") == 7 and params["learning_rate"].parse("3e-4") == 3e-4
    assert params["use_lora"].parse("false") is False
    for param, bad, words in ((params["epochs"], "2.5", "epochs is Int"), (params["learning_rate"], "fast",
                              "learning_rate is Double"), (params["use_lora"], "maybe", "use_lora is Bool"),
                              (params["precision"], "int4", "precision must be one of bf16, fp16, fp32")):
        with pytest.raises(ValueError, match=words):
            param.parse(bad)
    mapping = Parameter("execution", "Map", {})
    assert mapping.parse('{"odpsProject": "p"}') == {"odpsProject": "p"}
    with pytest.raises(ValueError, match="a JSON object"):
        mapping.parse("[1]")


# --- paitui run create ------------------------------------------------------------------------------------

async def test_run_create_sends_typed_arguments_and_reads_the_new_run_back(sim: Sim) -> None:
    code, console = await create_run(sim, "epochs=5", "use_lora=no", "eval_suite=ceval")
    assert code == 0, console.errors
    line = console.text.strip()
    assert line.startswith("ok pipeline run 'sft-try' of llm_sft flow-") and " created  RequestId=" in line
    run_id = line.split()[6]
    run = await sim.client.flow.get_pipeline_run(run_id)
    assert run.name == "sft-try" and run.pipeline_id == pipeline_id(sim, "llm_sft") and run.status == "Running"
    sent_args = {p["name"]: p["value"] for p in json.loads(run.arguments or "")["arguments"]["parameters"]}
    assert sent_args == {"epochs": 5, "use_lora": False, "eval_suite": "ceval"}  # typed, defaults left out


@pytest.mark.parametrize(("assignments", "field", "rule"), [
    (("epochs=five", "eval_suite=x"), "Arguments.epochs", "argument-type"),
    (("learning_rate=1e-3x", "eval_suite=x"), "Arguments.learning_rate", "argument-type"),
    (("precision=int4", "eval_suite=x"), "Arguments.precision", "argument-enum"),
    (("epochs=2",), "Arguments.eval_suite", "argument-required"),
    (("eval_suite=x", "batch_size=8"), "Arguments.batch_size", "unknown-argument"),
    (("eval_suite=x", "novalue"), "Arguments", "argument-syntax"),
])
async def test_run_create_refuses_each_rule_before_sending(sim: Sim, assignments: tuple[str, ...], field: str,
                                                           rule: str) -> None:
    code, console = await create_run(sim, *assignments)
    assert code == 2
    assert f"refused: {field}: " in console.errors and f"(rule: {rule})" in console.errors
    assert "nothing was sent" in console.errors and sent(sim, "CreatePipelineRun") == 0


async def test_run_create_names_the_parameter_and_its_type(sim: Sim) -> None:
    _, console = await create_run(sim, "epochs=five", "batch_size=8")
    assert "epochs is Int: a whole number, not 'five'" in console.errors
    assert "no input parameter 'batch_size'" in console.errors and "epochs (Int)" in console.errors
    assert "eval_suite (String) has no default" in console.errors  # every broken rule, not just the first


async def test_run_create_api_error_shows_code_message_and_request_id(sim: Sim) -> None:
    sim.app.faults = FaultPlan.parse("CreatePipelineRun:throttle=1", seed=1)
    code, console = await create_run(sim, "eval_suite=x")
    assert code == 1
    line = console.text.strip()
    assert line.startswith("failed  pipeline run 'sft-try' of llm_sft: ") and "Throttling.User" in line
    assert "Request was denied due to user flow control." in line and "RequestId=" in line


async def test_run_create_lost_answer_is_settled_by_reading_the_runs_back(sim: Sim) -> None:
    sim.app.faults = FaultPlan.parse("CreatePipelineRun:lost=1", seed=1)
    code, console = await create_run(sim, "eval_suite=x", name="sft-lost")
    assert code == 0 and "the answer was lost; reading back found it" in console.text
    made = [r for r in sim.world.flow.runs.values() if r.name == "sft-lost"]
    assert len(made) == 1 and made[0].run_id in console.text
    sim.app.faults = FaultPlan.parse("CreatePipelineRun:drop=1", seed=1)  # never arrived: nothing to find
    code, console = await create_run(sim, "eval_suite=x", name="sft-dropped")
    assert code == 3 and console.text.startswith("unknown pipeline run 'sft-dropped'")


async def test_run_create_of_a_missing_pipeline_exits_1_with_the_code(sim: Sim) -> None:
    console = FakeConsole(tty=False)
    code = await run_create.run(run_args("pipeline-nope"), console=console, client=sim.client)
    assert code == 1 and "NotFound.Pipeline" in console.errors and "nothing was sent" in console.errors
    assert sent(sim, "CreatePipelineRun") == 0


async def test_run_create_dry_run_prints_the_request_and_read_only_refuses(sim: Sim) -> None:
    code, console = await create_run(sim, "epochs=4", "eval_suite=x", name=None, )
    assert code == 0  # a run without a name: PAIFlow names it
    sim.requests.clear()
    console = FakeConsole(tty=False)
    args = run_args(pipeline_id(sim, "llm_sft"), "epochs=4", "eval_suite=x")
    args.dry_run = True
    assert await run_create.run(args, console=console, client=sim.client) == 0
    assert "POST http://paiflow.cn-hangzhou.sim.paitui/api/v1/pipelineruns" in console.text
    assert '\\"name\\": \\"epochs\\", \\"value\\": 4' in console.text and sent(sim, "CreatePipelineRun") == 0
    sim.client.read_only = True
    args.dry_run = False
    console = FakeConsole(tty=False)
    assert await run_create.run(args, console=console, client=sim.client) == 2
    assert "read-only" in console.errors and sent(sim, "CreatePipelineRun") == 0


# --- paitui pipeline create / update ------------------------------------------------------------------------

def manifest_file(tmp_path: Path, text: str, name: str = "pipeline.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def new_manifest(identifier: str = "my_sft", version: str = "v1") -> str:
    return edited(lambda d: d["metadata"].update(identifier=identifier, version=version))


async def create_pipeline(sim: Sim, path: str, workspace: str | None = WS) -> tuple[int, FakeConsole]:
    console = FakeConsole(tty=False)
    args = argparse.Namespace(file=path, workspace=workspace, dry_run=False, yes=True, output="text")
    return await pipeline_create.run(args, console=console, client=sim.client), console


async def update_pipeline(sim: Sim, ident: str, path: str) -> tuple[int, FakeConsole]:
    console = FakeConsole(tty=False)
    args = argparse.Namespace(pipeline_id=ident, file=path, dry_run=False, yes=True, output="text")
    return await pipeline_update.run(args, console=console, client=sim.client), console


async def test_pipeline_create_then_a_duplicate_is_the_service_s_error(sim: Sim, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, new_manifest())
    code, console = await create_pipeline(sim, path)
    assert code == 0, console.errors
    assert console.text.startswith("ok pipeline my_sft v1 pipeline-") and "RequestId=" in console.text
    new_id = console.text.split()[4]
    assert (await sim.client.flow.get_pipeline(new_id)).identifier == "my_sft"
    code, console = await create_pipeline(sim, path)  # the same identifier and version again
    assert code == 1 and "InvalidParameter.PipelineExists" in console.text and "RequestId=" in console.text


async def test_pipeline_create_refuses_a_manifest_by_field_and_a_missing_file(sim: Sim, tmp_path: Path) -> None:
    bad = edited(lambda d: (d.update(apiVersion="core/v2"), d["spec"]["inputs"]["parameters"][1].update(value="x")))
    code, console = await create_pipeline(sim, manifest_file(tmp_path, bad))
    assert code == 2 and "refused: apiVersion: must be 'core/v1'" in console.errors
    assert "spec.inputs.parameters[1].value: the default of epochs must be Int" in console.errors
    code, console = await create_pipeline(sim, str(tmp_path / "missing.yaml"))
    assert code == 2 and "-f: " in console.errors and "no such file" in console.errors
    code, console = await create_pipeline(sim, manifest_file(tmp_path, new_manifest()), workspace=None)
    assert code == 2 and "(rule: workspace-required)" in console.errors
    code, console = await create_pipeline(sim, manifest_file(tmp_path, new_manifest()), workspace="no_such_ws")
    assert code == 2 and "(rule: workspace-unknown)" in console.errors
    assert sent(sim, "CreatePipeline") == 0


async def test_pipeline_update_replaces_the_manifest_when_no_run_is_active(sim: Sim, tmp_path: Path) -> None:
    code, console = await create_pipeline(sim, manifest_file(tmp_path, new_manifest()))
    new_id = console.text.split()[4]
    v2 = manifest_file(tmp_path, new_manifest(version="v2"), "v2.yaml")
    asked = FakeConsole(["n"])  # on a terminal without --yes: asked, declined, nothing sent
    args = argparse.Namespace(pipeline_id=new_id, file=v2, dry_run=False, yes=False, output="text")
    assert await pipeline_update.run(args, console=asked, client=sim.client) == 1
    assert asked.prompts == ["Update pipeline my_sft? [y/N] "] and sent(sim, "UpdatePipeline") == 0
    code, console = await update_pipeline(sim, new_id, v2)
    assert code == 0, console.errors
    assert console.text.startswith(f"ok pipeline my_sft {new_id} updated")
    assert (await sim.client.flow.get_pipeline(new_id)).version == "v2"
    code, console = await update_pipeline(sim, new_id, manifest_file(tmp_path, new_manifest("renamed"), "r.yaml"))
    assert code == 2 and "metadata.identifier: must stay 'my_sft'" in console.errors


async def test_pipeline_update_is_refused_while_runs_are_active_and_the_service_agrees(sim: Sim,
                                                                                      tmp_path: Path) -> None:
    now = sim.world.now()
    busy = next(p for p in sim.world.flow.pipelines.values()
                if p.workspace_id == WS and sim.world.flow.active_runs_of(p.pipeline_id, now))
    text = sim.world.flow.pipeline(busy.pipeline_id).manifest.replace("version: v1", "version: v9")
    sim.requests.clear()
    code, console = await update_pipeline(sim, busy.pipeline_id, manifest_file(tmp_path, text))
    assert code == 2
    assert "refused: PipelineId: " in console.errors and "(rule: pipeline-has-active-runs)" in console.errors
    assert "unfinished run(s)" in console.errors and sent(sim, "UpdatePipeline") == 0
    assert sent(sim, "ListPipelineRuns") >= 1  # checked through the API, not the simulator's state
    with pytest.raises(PaiError) as refused:  # sent anyway, PAIFlow refuses it with the seeds' code
        await sim.client.flow.update_pipeline(busy.pipeline_id, manifest=text)
    assert refused.value.code == "InvalidParameter.PipelineInUse" and refused.value.request_id


# --- through the command line ----------------------------------------------------------------------------

def test_cli_run_create_and_pipeline_create(cli_sim: Sim, tmp_path: Path,  # noqa: F811
                                            capsys: pytest.CaptureFixture[str]) -> None:
    pid = pipeline_id(cli_sim, "llm_sft")
    assert cli.main(["--demo", "run", "create", "--pipeline", pid, "--arg", "epochs=x"]) == 2
    assert "(rule: argument-type)" in capsys.readouterr().err and sent(cli_sim, "CreatePipelineRun") == 0
    assert cli.main(["--demo", "run", "create", "--pipeline", pid, "--arg", "eval_suite=x"]) == 2  # no --yes
    assert "without --yes" in capsys.readouterr().err and sent(cli_sim, "CreatePipelineRun") == 0
    assert cli.main(["--demo", "run", "create", "--pipeline", pid, "--arg", "eval_suite=x", "--arg", "epochs=2",
                     "--name", "cli-run", "--yes", "-o", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["ok"] and cli_sim.world.flow.runs[answer["id"]].name == "cli-run"
    path = manifest_file(tmp_path, new_manifest("cli_made"))
    assert cli.main(["--demo", "--workspace", "llm_pretrain", "pipeline", "create", "-f", path, "--yes"]) == 0
    assert capsys.readouterr().out.startswith("ok pipeline cli_made v1 pipeline-")
    assert cli.main(["--demo", "pipeline", "update", pid, "-f", path, "--dry-run"]) == 2  # identifier differs
    assert "identifier-fixed" in capsys.readouterr().err and sent(cli_sim, "UpdatePipeline") == 0
