"""The simulated cloud as a child process of the dashboard: ``python -m paitui.sim.child --socket PATH ...``.

``paitui --demo`` starts this (``paitui/demo_process.py``) so that the simulator's work — encoding each job
with its pods to wire JSON the first time it is listed was most of a 50,000-job load (issue 13) — runs on the
other core instead of competing with the UI loop for the GIL. It serves the same app as ``paitui sim serve``
(uvicorn, the same ``DropAdapter``), on a unix socket in a private folder, without a QPS limit (as the
in-process demo).

Its lifetime is the parent's: stdin is a pipe whose other end only the parent holds, so when the parent exits
in any way (returns, crashes, is SIGTERMed or SIGKILLed) the kernel closes it and the read here sees EOF; the
server then stops, and a few seconds later the process ends whatever uvicorn is still waiting for. It runs in
a session of its own (no ctrl+c or hang-up from the terminal: the parent decides). It writes ``ready`` on
stdout once the socket accepts connections, and nothing else there; its log (stderr) is the parent's to read
if it fails.

The world's clock is the parent's: ``--start`` is the simulated moment at wall time ``--started-at``, so both
sides compute the same "now" at ``--speed`` (the dashboard's durations need it without asking).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn

from paitui.sim.app import SimApp, create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import coerce
from paitui.sim.serve import config
from paitui.sim.world import World

READY = b"ready\n"
EXIT_GRACE = 3.0  # seconds the server gets to finish once the parent is gone, before the process just ends


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m paitui.sim.child")
    parser.add_argument("--socket", required=True, type=Path, help="in a folder of its own, removed at the end")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--start", type=datetime.fromisoformat, required=True, help="the simulated moment at ...")
    parser.add_argument("--started-at", type=float, required=True, help="... this wall time (time.time())")
    parser.add_argument("--faults", default=None)
    return parser.parse_args(argv)


def clock_of(start: datetime, started_at: float, speed: float) -> SimClock:
    """The parent's clock, rebuilt here: as far on as the wall time since ``started_at`` at ``speed``."""
    return SimClock(start + timedelta(seconds=(time.time() - started_at) * speed), speed=speed)


class BackgroundSeed:
    """Seeds the world's product stores on a thread once the socket is ready, so that a big world (130,000
    jobs: tens of seconds) is built while the dashboard shows its first screen rather than on the first
    ListJobs. A request for a product not seeded yet waits for it (``SimApp.before_handler``) instead of
    seeding it again on the loop; AIWorkSpace, which the first screen lists, is seeded before ``ready``.
    A store is built off the loop and installed on it (seeding reads only the world's genesis and its own
    random streams; see ``World``)."""

    ORDER = ("dlc", "flow", "plugin")  # dependency order after "workspace"

    def __init__(self, world: World, loop: asyncio.AbstractEventLoop) -> None:
        self.world = world
        self.loop = loop
        self.pending = {name: loop.create_future() for name in self.ORDER if name not in world.seeded()}

    async def before_handler(self, product: str) -> None:
        future = self.pending.get(product)
        if future is not None:
            await asyncio.shield(future)

    def run(self) -> None:
        for name in self.ORDER:
            if name not in self.pending:
                continue
            try:
                state = getattr(type(self.world), name).func(self.world)  # the cached_property's builder
            except BaseException as exc:  # said in the log; the request's handler then seeds it on the loop
                print(f"seeding {name} in the background failed: {exc!r}", file=sys.stderr, flush=True)
                state = None
            asyncio.run_coroutine_threadsafe(self._install(name, state), self.loop).result()

    async def _install(self, name: str, state: object) -> None:
        if state is not None:
            self.world.__dict__.setdefault(name, state)  # one a handler of another product built meanwhile stays
        future = self.pending.pop(name)
        future.set_result(None)


class ChildServer(uvicorn.Server):
    """Says on stdout when the socket accepts connections."""

    def __init__(self, config: uvicorn.Config, app: SimApp) -> None:
        super().__init__(config)
        self.sim = app

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.sim.world.workspace  # noqa: B018  (seeds it: the first screen lists workspaces)
        await super().startup(sockets)
        if self.started:
            sys.stdout.buffer.write(READY)
            sys.stdout.buffer.flush()
            seed = BackgroundSeed(self.sim.world, asyncio.get_running_loop())
            self.sim.before_handler = seed.before_handler
            threading.Thread(target=seed.run, name="seed", daemon=True).start()


def watch_parent(server: uvicorn.Server, stdin: int, folder: Path) -> None:
    """Block until the parent's end of stdin closes, then stop the server, remove the private folder (the
    socket's, the parent's to read while it lives) and end the process if the server lingers."""
    while True:
        try:
            if not os.read(stdin, 4096):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    server.should_exit = True
    shutil.rmtree(folder, ignore_errors=True)  # the parent is gone or stopping: nobody reads the log now
    time.sleep(EXIT_GRACE)
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    world = World(seed=args.seed, jobs=args.jobs, clock=clock_of(args.start, args.started_at, args.speed))
    app = create_app(world, faults=coerce(args.faults))
    server = ChildServer(config(app, uds=str(args.socket)), app)
    threading.Thread(target=watch_parent, args=(server, sys.stdin.fileno(), args.socket.parent),
                     name="parent-watch", daemon=True).start()
    try:
        server.run()
    finally:
        args.socket.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
