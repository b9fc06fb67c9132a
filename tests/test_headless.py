"""Headless actions (``paitui job|run|schedule …``) against the simulated cloud: confirmation on a terminal,
refusal without one, --yes, --dry-run, read-only, per-item lines and exit status."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from paitui import cli, headless
from paitui.backend import Backend
from paitui.sim.faults import FaultPlan
from tests.live.test_actions import Sim


class FakeConsole(headless.Console):
    def __init__(self, answers: list[str] | None = None, *, tty: bool = True) -> None:
        self.answers = list(answers or [])
        self.prompts: list[str] = []
        super().__init__(io.StringIO(), io.StringIO(), self._read, tty)

    def _read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    @property
    def text(self) -> str:
        return self.out.getvalue()  # type: ignore[attr-defined]

    @property
    def errors(self) -> str:
        return self.err.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def mutations(sim: Sim) -> int:
    return sum(n for action, n in sim.requests.items() if not action.startswith(("Get", "List")))


async def test_yes_stops_and_reports_one_line_per_item(sim: Sim) -> None:
    running = await sim.job_target("Running")
    done = await sim.job_target("Succeeded")
    console = FakeConsole(tty=False)
    code = await headless.run(sim.client, "job", "stop", [running.id, done.id, running.id], yes=True,
                              console=console)
    assert code == 1  # one item could not be stopped
    lines = console.text.splitlines()
    assert len(lines) == 2  # the repeated id is one item
    assert lines[0].startswith("ok") and running.id in lines[0] and "RequestId=" in lines[0]
    assert lines[1].startswith("failed") and "not sent" in lines[1] and "already finished" in lines[1]
    assert (await sim.client.dlc.get_job(running.id)).status == "Stopping"
    assert sim.requests["StopJob"] == 1


async def test_terminal_confirmation_yes_and_no(sim: Sim) -> None:
    target = await sim.job_target("Running")
    declined = FakeConsole(["n"])
    assert await headless.run(sim.client, "job", "stop", [target.id], console=declined) == 1
    assert "cancelled: nothing was sent" in declined.text and target.name in declined.text
    assert mutations(sim) == 0
    accepted = FakeConsole(["y"])
    assert await headless.run(sim.client, "job", "stop", [target.id], console=accepted) == 0
    assert accepted.prompts == ["Proceed? [y/N] "]
    assert (await sim.client.dlc.get_job(target.id)).status == "Stopping"


async def test_delete_wants_the_name_or_id_typed(sim: Sim) -> None:
    target = await sim.job_target("Succeeded", "Failed", "Stopped")
    wrong = FakeConsole(["yes"])
    assert await headless.run(sim.client, "job", "delete", [target.id], console=wrong) == 1
    assert "permanent" in wrong.text and wrong.prompts[0].startswith("Type the DLC job's name or id")
    assert mutations(sim) == 0
    right = FakeConsole([target.id])
    assert await headless.run(sim.client, "job", "delete", [target.id], console=right) == 0
    assert sim.requests["DeleteJob"] == 1


async def test_no_terminal_without_yes_refuses_before_any_request(sim: Sim) -> None:
    console = FakeConsole(tty=False)
    assert await headless.run(sim.client, "job", "stop", ["dlc-x"], console=console) == 2
    assert "without --yes" in console.errors and not sim.requests


async def test_dry_run_prints_the_signed_request_and_sends_nothing(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.requests.clear()
    console = FakeConsole(tty=False)
    assert await headless.run(sim.client, "job", "delete", [target.id], dry=True, console=console) == 0
    assert f"DELETE http://pai-dlc.cn-hangzhou.sim.paitui/api/v1/jobs/{target.id}" in console.text
    assert "Authorization: ACS3-HMAC-SHA256 ***" in console.text and "Signature=" not in console.text
    assert not sim.requests and (await sim.client.dlc.get_job(target.id)).status == "Running"


async def test_read_only_refuses_every_headless_command() -> None:
    sim = Sim(read_only=True)
    try:
        for kind, verb in (("job", "stop"), ("run", "terminate"), ("schedule", "delete")):
            console = FakeConsole(tty=False)
            assert await headless.run(sim.client, kind, verb, ["some-id"], yes=True, console=console) == 2
            assert "read-only" in console.errors
        assert not sim.requests
    finally:
        await sim.client.aclose()


async def test_failures_show_code_and_request_id(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.app.faults = FaultPlan.parse("StopJob:error5xx=1", seed=1)
    console = FakeConsole(tty=False)
    assert await headless.run(sim.client, "job", "stop", [target.id, "dlc-nope"], yes=True, console=console) == 1
    stop_line, missing_line = console.text.splitlines()
    assert stop_line.startswith("failed") and ("InternalError" in stop_line or "ServiceUnavailable" in stop_line)
    assert "RequestId=" in stop_line
    assert "NotFound.Job" in missing_line
    assert (await sim.client.dlc.get_job(target.id)).status == "Running"


# --- through the command line ----------------------------------------------------------------------------

@pytest.fixture
def cli_sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    """``paitui …`` wired to a Sim the test can inspect (the CLI would otherwise build a fresh world)."""
    sim = Sim()

    class KeepOpen(Backend):
        async def aclose(self) -> None:  # several commands share the one client
            pass

    def open_backend(settings: Any, **_: Any) -> Backend:
        sim.client.read_only = settings.read_only  # as the real PaiClient(settings) would
        return KeepOpen(sim.client, "demo", "test", sim.world)

    monkeypatch.setattr("paitui.backend.open_backend", open_backend)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    yield sim


def test_cli_run_start_and_schedule_delete(cli_sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    flow = cli_sim.world.flow
    initialized = next(r for r in flow.runs.values() if r.status(cli_sim.world.now()) == "Initialized")
    schedule_id = cli_sim.world.plugin.schedules()[0].schedule_id
    assert cli.main(["--demo", "run", "start", initialized.run_id, "--yes"]) == 0
    assert initialized.status(cli_sim.world.now()) == "Running"
    assert cli.main(["--demo", "schedule", "delete", schedule_id, "-y"]) == 0
    out = capsys.readouterr().out
    assert "SMS send plan" in out and "deleted" in out
    assert cli_sim.world.plugin.schedule(schedule_id) is None


def test_cli_refuses_without_yes_and_in_read_only(cli_sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "run", "terminate", "flow-x"]) == 2
    assert "without --yes" in capsys.readouterr().err
    assert cli.main(["--demo", "--read-only", "job", "stop", "dlc-x", "--yes"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert not cli_sim.requests


def test_cli_dry_run(cli_sim: Sim, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "run", "rerun", "flow-abc", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "PUT http://paiflow.cn-hangzhou.sim.paitui/api/v1/pipelineruns/flow-abc/rerun" in out
    assert "x-acs-action: RerunPipelineRun" in out and not cli_sim.requests


def test_serve_passes_the_global_flags_to_each_browser_session() -> None:
    from paitui.cli import _dashboard_argv, build_parser

    argv = ["--demo", "--read-only", "serve", "--port", "8010", "--host=0.0.0.0", "--region", "cn-shanghai"]
    args = build_parser().parse_args(argv)
    assert (args.command, args.port, args.host) == ("serve", 8010, "0.0.0.0")
    assert _dashboard_argv(argv) == ["--demo", "--read-only", "--region", "cn-shanghai"]
