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


# --- lost answers and interrupts -------------------------------------------------------------------------

async def test_a_lost_answer_settled_as_applied_exits_0(sim: Sim) -> None:
    target = await sim.job_target("Running")
    sim.app.faults = FaultPlan.parse("StopJob:lost=1", seed=1)
    console = FakeConsole(tty=False)
    assert await headless.run(sim.client, "job", "stop", [target.id], yes=True, console=console) == 0
    assert console.text.startswith("ok") and "(the answer was lost; GetJob now says Stopping)" in console.text


async def test_an_unsettled_outcome_exits_3_even_beside_a_failure(sim: Sim) -> None:
    target = await sim.job_target("Running")
    console = FakeConsole(tty=False)
    # GetJob answers the first lookups, then fails: the read-back cannot settle the lost StopJob
    from paitui.sim.faults import Decision

    plan = FaultPlan.parse("StopJob:lost=1", seed=1)
    real = plan.decide

    def decide(action: str) -> Decision:
        if action == "GetJob" and plan.counts["lost"]:  # the read-back, after the lost StopJob
            return Decision("error5xx", status=500)
        return real(action)

    plan.decide = decide  # type: ignore[method-assign]
    sim.app.faults = plan
    code = await headless.run(sim.client, "job", "stop", [target.id, "dlc-nope"], yes=True, console=console)
    unknown_line, missing_line = console.text.splitlines()
    assert code == 3 and unknown_line.startswith("unknown") and "outcome unknown" in unknown_line
    assert f"GetJob JobId={target.id}" in unknown_line and missing_line.startswith("failed")


def _subprocess_env(tmp_path: Any, faults: str, top: str = "") -> dict[str, str]:
    import os

    config = tmp_path / "config" / "paitui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'{top}[sim]\nseed = 7\njobs = 200\nfaults = "{faults}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD", "PAITUI_", "DASHSCOPE"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               HOME=str(tmp_path), PYTHONPATH=os.getcwd())
    return env


def _ids_of_running_jobs(count: int = 2) -> list[str]:
    """Ids the subprocess's own simulated world (same seed and size, real clock) has running."""
    import asyncio

    from paitui.backend import open_backend
    from paitui.config import Settings, SimSettings
    from paitui.live.actions import action, availability, target_of

    async def read() -> list[str]:
        backend = open_backend(Settings(demo=True, sim=SimSettings(seed=7, jobs=200)))
        try:
            page = await backend.client.dlc.list_jobs(page_size=100, status="Running")
            targets = [target_of("job", j) for j in page.jobs or ()]
        finally:
            await backend.aclose()
        return [t.id for t in targets if availability(action("job", "stop"), t).ok][:count]

    ids = asyncio.run(read())
    assert len(ids) == count
    return ids


@pytest.mark.parametrize(("signum", "status"), [(2, 130), (15, 143)])
def test_an_interrupt_says_what_was_sent(tmp_path: Any, signum: int, status: int) -> None:
    """Through a real process: StopJob hangs (30 s of injected latency); the signal stops the command at
    once, and each item says sent-with-outcome-unknown, or not sent."""
    import select
    import subprocess
    import sys

    ids = _ids_of_running_jobs()
    proc = subprocess.Popen([sys.executable, "-m", "paitui", "--demo", "job", "stop", *ids, "--yes"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_subprocess_env(tmp_path, "StopJob:latency=30s"))
    try:
        assert proc.stderr is not None
        # printed as the first request goes out; a child that never gets there fails the test, never hangs it
        assert select.select([proc.stderr], [], [], 60)[0], "the command never said it was sending"
        line = proc.stderr.readline()
        assert "sending" in line, line
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == status, err
    lines = out.splitlines()
    assert len(lines) == len(ids) and "Traceback" not in err
    assert lines[0].startswith("unknown") and "sent, then interrupted" in lines[0]
    assert all(x.startswith(("unknown", "not sent")) for x in lines)


def test_paitui_call_ends_at_the_deadline_against_a_dripping_server(tmp_path: Any) -> None:
    """The whole command, against a real loopback server that answers one byte at a time: it ends with a
    "timed out" error at request_deadline instead of hanging. The server is bounded and stops by itself."""
    import json
    import socket
    import subprocess
    import sys
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    port = listener.getsockname()[1]
    dripped: list[int] = []

    def serve() -> None:
        with listener:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n")
                for _ in range(200):  # at most 200 bytes, 10 s
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        return
                    dripped.append(1)
                    time.sleep(0.05)  # the server's pace (its own thread)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    env = _subprocess_env(tmp_path, "", top="request_deadline = 0.5\nmax_attempts = 1\n")
    done = subprocess.run([sys.executable, "-m", "paitui", "--endpoint", f"*=http://127.0.0.1:{port}", "call",
                           "dlc", "ListJobs"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=env, timeout=30)
    thread.join(15)
    assert done.returncode == 1, done.stderr
    error = json.loads(done.stderr)
    assert error["Error"] == "deadline" and "request_deadline" in error["Message"]
    assert len(dripped) < 200  # cut off, not waited out


def test_paitui_call_of_a_lost_mutation_exits_3(tmp_path: Any) -> None:
    import json
    import subprocess
    import sys

    [job_id] = _ids_of_running_jobs(1)
    done = subprocess.run([sys.executable, "-m", "paitui", "--demo", "call", "dlc", "StopJob", f"JobId={job_id}"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_subprocess_env(tmp_path, "StopJob:lost=1"), timeout=60)
    assert done.returncode == 3, done.stderr
    error = json.loads(done.stderr)
    assert error["Error"] == "outcome_unknown" and error["Cause"]["Error"] == "network"
