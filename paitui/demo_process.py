"""The demo's simulated cloud in a child process, and the transport that reaches it (``paitui --demo``).

Why a process: the simulator's encoding of jobs to wire JSON was most of a 50,000-job demo load, and on a
thread of its own it still took the GIL from the UI loop (issue 13: key p95 ≤ 50 ms during a load). In a
process it runs on the other core. The child (``paitui/sim/child.py``) serves the app ``paitui sim serve``
serves, on a unix socket in a private folder (0700: no port to collide with, nobody else can connect); the
client reaches it with its own keep-alive transport, exactly as it reaches a served simulator.

The child is started at once (``SimulatorProcess.start``: a spawn, a few milliseconds) and runs its imports
while the dashboard paints its first frame; the first request waits for its ``ready`` line, up to
``READY_TIMEOUT``. A child that cannot start or that dies later is reported as a connection error naming it,
its exit status and the end of its log. Lifetime: see ``paitui/sim/child.py`` (it exits when its stdin, a pipe
only this process holds, closes). This module does not import the simulator: the child does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from paitui.api.http11 import Http11Transport

READY_TIMEOUT = 30.0  # seconds; a start takes ~0.3 s on an idle machine (Python, uvicorn and the simulator's imports)
STOP_TIMEOUT = 5.0
_LOG_TAIL = 600  # characters of the child's log quoted in an error


class SimulatorFailed(httpx.ConnectError):
    """The child could not start, or is gone: nothing was sent (a connection error, as for a server down)."""


@dataclass(frozen=True)
class WorldArgs:
    """What the child builds its world from; ``start`` is the simulated moment at wall time ``started_at``."""

    seed: int
    jobs: int
    speed: float
    start: datetime
    started_at: float
    faults: str | None = None

    def argv(self) -> list[str]:
        out = ["--seed", str(self.seed), "--jobs", str(self.jobs), "--speed", repr(self.speed),
               "--start", self.start.isoformat(), "--started-at", repr(self.started_at)]
        return [*out, "--faults", self.faults] if self.faults else out


class SimulatorProcess:
    """One child simulator: started by ``start``, waited for by ``ready``, ended by ``stop``."""

    def __init__(self, world: WorldArgs, *, python: str = sys.executable, ready_timeout: float = READY_TIMEOUT) -> None:
        self.world = world
        self.ready_timeout = ready_timeout
        self._python = python
        self.folder = Path(tempfile.mkdtemp(prefix="paitui-sim-"))  # 0700
        self.socket = self.folder / "sim.sock"
        self.log = self.folder / "sim.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_in: float | None = None  # seconds from the first wait to ready (the benchmark prints it)
        self._ready: asyncio.Future[None] | None = None

    def start(self) -> SimulatorProcess:
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # may hold request data
        try:
            # its own session: ctrl+c and a closed terminal reach the parent only, which decides; the pipes are
            # not inherited by anything else this process starts (close_fds), so EOF means this process is gone
            self.proc = subprocess.Popen(
                [self._python, "-m", "paitui.sim.child", "--socket", str(self.socket), *self.world.argv()],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=fd, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        except OSError as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise SimulatorFailed(f"the simulated cloud could not be started ({exc})") from exc
        finally:
            os.close(fd)
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def log_tail(self) -> str:
        try:
            text = self.log.read_text(errors="replace").strip()
        except OSError:
            return ""
        return ("…" + text[-_LOG_TAIL:]) if len(text) > _LOG_TAIL else text

    def _gone(self, what: str) -> SimulatorFailed:
        code = self.proc.poll() if self.proc is not None else None
        status = f"exited with status {code}" if code is not None else "is not answering"
        tail = self.log_tail()
        return SimulatorFailed(f"the simulated cloud (child process {self.pid}) {what}: it {status}"
                               + (f"; its log ends: {tail}" if tail else ""))

    async def ready(self) -> None:
        """Return once the child accepts connections; ``SimulatorFailed`` if it cannot within the timeout."""
        if self._ready is None:
            self._ready = asyncio.ensure_future(self._wait_ready())
        await asyncio.shield(self._ready)  # one wait, shared by every first request; a cancelled one leaves it

    async def _wait_ready(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None, "start() first"
        started = time.monotonic()
        try:
            line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), self.ready_timeout)
        except TimeoutError:
            self.kill()
            raise self._gone(f"did not start within {self.ready_timeout:g} s") from None
        if line.strip() != b"ready":
            await asyncio.to_thread(self._reap, 1.0)
            raise self._gone("could not start")
        self.started_in = time.monotonic() - started

    def failure(self) -> SimulatorFailed | None:
        """Why the child cannot answer any more, once it has exited."""
        if self.proc is not None and self.proc.poll() is not None:
            return self._gone("has stopped")
        return None

    def _reap(self, timeout: float) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def stop(self) -> None:
        """Close its stdin (it stops serving and exits), wait for it, kill it if it lingers; remove the folder."""
        if self.proc is not None:
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._reap(STOP_TIMEOUT)
            self.kill()
            self._reap(STOP_TIMEOUT)
        shutil.rmtree(self.folder, ignore_errors=True)


class ChildSimTransport(httpx.AsyncBaseTransport):
    """The client's keep-alive transport over the child's socket; waits for the child first."""

    def __init__(self, child: SimulatorProcess) -> None:
        self.child = child
        self._inner = Http11Transport(unix_socket=str(child.socket))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.child.ready()
        try:
            return await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            failure = self.child.failure()  # a crashed child says so, rather than "connection refused"
            if failure is None:
                raise
            if isinstance(exc, httpx.ConnectError):
                raise failure from exc
            raise type(exc)(f"{exc} ({failure})", request=request) from exc  # sent: the outcome stays unknown

    async def aclose(self) -> None:
        await self._inner.aclose()
        await asyncio.to_thread(self.child.stop)
