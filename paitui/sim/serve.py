"""Serve the simulated cloud over HTTP: ``serve()`` for ``paitui sim serve``, ``start_in_thread()`` for tests.

Dropped connections: the app raises ``ConnectionDropped``; ``DropAdapter`` (wrapped around the app for uvicorn)
aborts the TCP connection so the client sees it close with no HTTP response at all (httpx:
``RemoteProtocolError: Server disconnected without sending a response``). ASGI gives an app no handle on the
socket, so the adapter reaches uvicorn's per-request cycle through ``receive.__self__.transport`` (true for
both of uvicorn's HTTP/1.1 protocols). Under a server without that attribute it re-raises, and such a server
answers its own plain-text 500 instead.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn

from paitui.sim.app import PRODUCTS, SimApp, create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import ConnectionDropped, FaultPlan, coerce
from paitui.sim.identity import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_BEARER_TOKEN,
    DEMO_STS_ACCESS_KEY_ID,
    DEMO_STS_ACCESS_KEY_SECRET,
    DEMO_STS_TOKEN,
    READONLY_ACCESS_KEY_ID,
    READONLY_ACCESS_KEY_SECRET,
)
from paitui.sim.throttle import DEFAULT_QPS, QpsLimiter

if TYPE_CHECKING:
    from paitui.sim.app import Receive, Scope, Send
    from paitui.sim.world import World

log = logging.getLogger("paitui.sim")


class DropAdapter:
    """Turns ``ConnectionDropped`` into an aborted connection under uvicorn."""

    def __init__(self, app: SimApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionDropped:
            cycle = getattr(receive, "__self__", None)
            transport = getattr(cycle, "transport", None)
            if transport is None:
                raise
            transport.abort()
            # connection_lost runs on the next loop turns and marks the cycle disconnected, so uvicorn does not
            # try to write its "returned without starting response" 500 afterwards
            for _ in range(10):
                if getattr(cycle, "disconnected", True):
                    break
                await asyncio.sleep(0)


# How long an idle keep-alive connection stays open. uvicorn's default (5 s) closes it while clients still
# pool it — an SDK call after a ~5 s pause then races the close and gets a connection reset. Alibaba Cloud's
# gateways (Tengine, nginx's default keepalive_timeout) keep idle connections 75 s, longer than the clients'
# own pool expiry (httpx 5 s, aiohttp 15 s, urllib3 until reused), so the client is the side that closes.
KEEP_ALIVE_SECONDS = 75


def config(app: SimApp, host: str = "127.0.0.1", port: int = 0, *, uds: str | None = None) -> uvicorn.Config:
    """How every served simulator runs: ``serve``, ``start_in_thread`` and the demo's child (``uds``)."""
    return uvicorn.Config(DropAdapter(app), host=host, port=port, uds=uds, lifespan="off", access_log=False,
                          log_level="warning", date_header=False, server_header=False, ws="none",
                          timeout_keep_alive=KEEP_ALIVE_SECONDS)


@dataclass
class ServerHandle:
    """A running server; use as a context manager or call ``stop()``."""

    server: uvicorn.Server
    thread: threading.Thread
    app: SimApp
    world: Any
    host: str
    port: int

    @property
    def endpoint(self) -> str:
        """``host:port``, the form the SDK's ``Config.endpoint`` wants."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_in_thread(world: World, host: str = "127.0.0.1", port: int = 0, faults: FaultPlan | str | None = None,
                    *, verify_auth: bool = True, timeout: float = 10.0, qps: float | None = None) -> ServerHandle:
    """Start uvicorn in a daemon thread and return once it listens (``port=0`` picks a free port). ``qps``:
    the per-caller limit, off unless given (test suites call faster than any paced client)."""
    app = create_app(world, faults=coerce(faults), verify_auth=verify_auth, limiter=QpsLimiter(qps) if qps else None)
    server = uvicorn.Server(config(app, host, port))
    thread = threading.Thread(target=server.run, name=f"paitui-sim-{port}", daemon=True)
    thread.start()
    # polling a flag: uvicorn offers no "started" event to wait on from another thread
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the simulated cloud failed to start on {host}:{port}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError(f"the simulated cloud did not start within {timeout:g}s")
        time.sleep(0.005)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return ServerHandle(server, thread, app, world, host, bound)


def banner(base_url: str, *, seed: int, jobs: int, speed: float, faults: FaultPlan | None,
           qps: float | None = None) -> str:
    """What ``serve`` prints: endpoints ready to paste and the public demo credentials."""
    limit = f"{qps:g}/s per key" if qps else "none"
    lines = [
        f"paitui simulated PAI cloud on {base_url}  (seed={seed}, jobs={jobs}, speed={speed:g}x, "
        f"faults={faults.describe() if faults else 'none'}, qps limit={limit})",
        "",
        "endpoints (every product is served on the same port):",
        *(f"  {f'--endpoint {key}={base_url}':<48}  # {info.name} {info.version}" for key, info in PRODUCTS.items()),
        "",
        "demo credentials (public values; they work only here):",
        f"  AccessKey        id={DEMO_ACCESS_KEY_ID}  secret={DEMO_ACCESS_KEY_SECRET}",
        f"  STS              id={DEMO_STS_ACCESS_KEY_ID}  secret={DEMO_STS_ACCESS_KEY_SECRET}  "
        f"token={DEMO_STS_TOKEN}",
        f"  bearer token     {DEMO_BEARER_TOKEN}",
        f"  read-only RAM    id={READONLY_ACCESS_KEY_ID}  secret={READONLY_ACCESS_KEY_SECRET}",
    ]
    return "\n".join(lines)


def serve(host: str = "127.0.0.1", port: int = 8899, seed: int = 7, jobs: int = 400, speed: float = 1.0,
          faults: FaultPlan | str | None = None, qps: float = DEFAULT_QPS) -> None:
    """Run the simulated cloud in the foreground until interrupted. The world clock starts now and runs at
    ``speed`` × real time. ``qps``: requests per second per AccessKey / bearer token (0: unlimited)."""
    from paitui.sim.world import World

    world = World(seed=seed, jobs=jobs, clock=SimClock(datetime.now(UTC), speed=speed))
    plan = coerce(faults)
    app = create_app(world, faults=plan, limiter=QpsLimiter(qps) if qps > 0 else None)
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    print(banner(f"http://{shown}:{port}", seed=seed, jobs=jobs, speed=speed, faults=plan, qps=qps), flush=True)
    _AnnouncingServer(config(app, host, port)).run()


class _AnnouncingServer(uvicorn.Server):
    """Says when the socket really accepts connections, so scripts (and tests) can wait for that line."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print("ready: accepting connections (ctrl+c stops)", flush=True)
