"""The demo's simulated cloud in a child process (``paitui/demo_process.py``, ``paitui/sim/child.py``).

Real processes throughout: the child is started as ``paitui --demo`` starts it, the client reaches it through
its unix socket, and its end is observed on a pidfd (the kernel says when it exits; no polling, no sleeps).
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from paitui.api.errors import NetworkError, NotFoundError
from paitui.backend import SIM_BASE, DemoKeyClient, demo_credentials, open_backend
from paitui.config import Settings
from paitui.demo_process import ChildSimTransport, SimulatorProcess, WorldArgs

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd (Linux)")


def exited_within(pid: int, seconds: float) -> bool:
    """The process ``pid`` is gone within ``seconds`` (its pidfd becomes readable when it exits)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def child_of(backend: object) -> SimulatorProcess:
    transport = backend.client._transport  # type: ignore[attr-defined]
    assert isinstance(transport, ChildSimTransport)
    return transport.child


async def test_the_demo_runs_its_simulator_in_a_child_that_answers_like_the_one_in_the_loop() -> None:
    settings = Settings(demo=True, sim={"jobs": 60, "seed": 7})
    child_backend = open_backend(settings, simulator="process")
    loop_backend = open_backend(settings, simulator="in-process")
    try:
        child = child_of(child_backend)
        assert child.pid != os.getpid() and child_backend.world is None and child_backend.sim_app is None
        assert f"child process {child.pid}" in child_backend.description
        served = await child_backend.client.dlc.list_jobs(page_size=100, start_time="2000-01-01T00:00:00Z")
        local = await loop_backend.client.dlc.list_jobs(page_size=100, start_time="2000-01-01T00:00:00Z")
        # the same seed and size: the same jobs (their Durations tick with each one's own clock)
        assert [j.job_id for j in served.jobs or ()] == [j.job_id for j in local.jobs or ()]
        assert served.total_count == local.total_count and len(served.jobs or ()) == served.total_count > 1
        with pytest.raises(NotFoundError):
            await child_backend.client.dlc.get_job("dlc-no-such-job")
    finally:
        await child_backend.aclose()
        await loop_backend.aclose()
    assert exited_within(child.pid, 10) and not child.folder.exists()  # closed: the child is gone, and its socket


async def test_the_dashboards_clock_is_the_childs_clock() -> None:
    # at 100x, a child that began its clock when it was ready (~0.3 s after the parent) would be ~30 s off
    backend = open_backend(Settings(demo=True, sim={"jobs": 10, "speed": 100}), simulator="process")
    try:
        await backend.client.dlc.list_jobs(page_size=1)
        # server_now(): the Date header of that answer (whole seconds) carried forward on this machine's clock
        drift = abs((backend.now() - backend.client.server_now()).total_seconds())
    finally:
        await backend.aclose()
    assert drift < 5


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, None])
def test_the_child_ends_with_its_parent(tmp_path: Path, how: signal.Signals | None) -> None:
    """A parent that is killed, terminated, or that returns without closing the backend: the child follows."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import asyncio, sys
        from paitui.backend import open_backend
        from paitui.config import Settings

        async def main():
            backend = open_backend(Settings(demo=True, sim={{"jobs": 5}}), simulator="process")
            await backend.client.dlc.list_jobs(page_size=1)
            print(backend.client._transport.child.pid, flush=True)
            if {how is not None}:
                sys.stdin.read()  # until the test kills it

        asyncio.run(main())
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert not exited_within(pid, 0)  # serving
        if how is not None:
            parent.send_signal(how)
        parent.wait(20)
        assert exited_within(pid, 10)
    finally:
        parent.kill()
        parent.wait()


def demo_client(child: SimulatorProcess) -> DemoKeyClient:
    endpoints = {"dlc": SIM_BASE.format(service="pai-dlc", region="cn-hangzhou")}
    return DemoKeyClient(Settings(endpoints=endpoints, max_attempts=1), allowed=endpoints,
                         credentials=demo_credentials(), region="cn-hangzhou", transport=ChildSimTransport(child))


def fake_python(tmp_path: Path, body: str) -> str:
    path = tmp_path / "python"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o700)
    return str(path)


def world() -> WorldArgs:
    from datetime import UTC, datetime
    from time import time

    return WorldArgs(seed=7, jobs=5, speed=1.0, start=datetime.now(UTC), started_at=time())


async def test_a_child_that_cannot_start_is_named_with_its_status_and_log(tmp_path: Path) -> None:
    python = fake_python(tmp_path, "echo 'ModuleNotFoundError: No module named uvicorn' >&2; exit 3")
    client = demo_client(SimulatorProcess(world(), python=python).start())
    try:
        with pytest.raises(NetworkError) as caught:
            await client.dlc.list_jobs(page_size=1)
    finally:
        await client.aclose()
    message = str(caught.value)
    assert "the simulated cloud (child process" in message and "could not start" in message
    assert "exited with status 3" in message and "No module named uvicorn" in message


async def test_a_child_that_never_gets_ready_is_given_up_on_and_killed(tmp_path: Path) -> None:
    child = SimulatorProcess(world(), python=fake_python(tmp_path, "exec sleep 60"), ready_timeout=0.3).start()
    client = demo_client(child)
    try:
        with pytest.raises(NetworkError, match=r"did not start within 0\.3 s"):
            await client.dlc.list_jobs(page_size=1)
        assert child.pid is not None and exited_within(child.pid, 5)
    finally:
        await client.aclose()


async def test_a_child_that_dies_later_says_so(tmp_path: Path) -> None:
    backend = open_backend(Settings(demo=True, sim={"jobs": 5}, max_attempts=1), simulator="process")
    child = child_of(backend)
    try:
        await backend.client.dlc.list_jobs(page_size=1)
        assert child.proc is not None
        child.proc.kill()
        await asyncio.to_thread(child.proc.wait)
        with pytest.raises(NetworkError, match=r"child process \d+\) has stopped: it exited with status -9"):
            await backend.client.dlc.list_jobs(page_size=1)
    finally:
        await backend.aclose()
