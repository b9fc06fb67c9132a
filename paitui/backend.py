"""Choose what paitui talks to: the real PAI cloud when credentials resolve, else the simulated cloud.

This is the one module that knows both ``paitui.api`` and ``paitui.sim``; neither imports the other.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from paitui.api.client import PaiClient
from paitui.api.credentials import (
    CredentialsProvider,
    ExplicitCredentials,
    StaticProvider,
    resolve_credentials,
    resolve_region,
)
from paitui.api.debuglog import RequestLog
from paitui.api.endpoints import ALL_PRODUCTS_KEYS, validate_region
from paitui.api.errors import CredentialsError
from paitui.config import ConfigError, Settings
from paitui.locations import request_log_file

if TYPE_CHECKING:  # the simulator is imported only when it is used (startup time)
    from paitui.live.usage_store import UsageStore
    from paitui.sim.app import SimApp
    from paitui.sim.clock import SimClock
    from paitui.sim.faults import FaultPlan
    from paitui.sim.world import World

Mode = Literal["cloud", "demo"]
SIM_BASE = "http://{service}.{region}.sim.paitui"


@dataclass
class Backend:
    client: PaiClient
    mode: Mode
    description: str  # where the data comes from, for the header and `paitui call --debug`
    world: World | None = None  # the simulated World when it runs in this process (tests, one-shot commands)
    me: str | None = None  # the caller's user id when known ("owner:me" in filters)
    sim_app: object | None = None  # the in-process simulated cloud (tests switch its faults on and off)
    label: str = "demo"  # short "where from" for the header: the profile, "environment", "flags" or "demo"
    usage: UsageStore | None = None  # where the request counts persist (None: not persisted, as in tests)
    clock: SimClock | None = None  # the simulated clock when the world runs in a child process (same start, speed)

    def now(self) -> datetime:
        """Now as the cloud sees it: the simulated world's own clock (exact, so screens are reproducible on a
        manual clock; the child's is computed here from the same start and speed), otherwise the server time
        learned from response Date headers."""
        clock = self.world.clock if self.world is not None else self.clock
        return clock.now() if clock is not None else self.client.server_now()

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.usage is not None:
            await self.usage.save_async()

    def persist_usage(self) -> Backend:
        """Count this process's requests into the state folder's per-day totals (the commands a user runs;
        tests leave it off). Loads the days saved so far; ``aclose`` saves."""
        from paitui.live.usage_store import UsageStore

        self.usage = UsageStore(self.client.meter)
        self.usage.load()
        return self


class SimTransport(httpx.AsyncBaseTransport):
    """The simulated cloud in-process; a fault that drops the connection becomes a real transport error."""

    def __init__(self, app: SimApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from paitui.sim.faults import ConnectionDropped

        # The in-process cloud never waits on a socket, so without this a 100-page load would run start to
        # finish without the UI loop getting a turn: yield once per request, as real network I/O would.
        await asyncio.sleep(0)
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.",
                                            request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()


# hosts of the real cloud: the public demo key is never signed for one of these, whatever --endpoint says
_CLOUD_HOST_SUFFIXES = (".aliyuncs.com", ".aliyun.com", ".alibabacloud.com")


class DemoKeyClient(PaiClient):
    """A client that holds only the simulated cloud's public demo key. It builds a URL (and so signs a
    request) only for a product whose endpoint was named explicitly (``--endpoint``, ``[endpoints]``, or
    the in-process simulator), and never for an Alibaba Cloud host."""

    def __init__(self, settings: Settings, *, allowed: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._allowed = dict(allowed)

    def base_url(self, product: str) -> str:
        url = super().base_url(product)
        named = product in self._allowed or any(self._allowed.get(k) for k in ALL_PRODUCTS_KEYS)
        host = (httpx.URL(url).host or "").lower()
        if not named or f".{host}".endswith(_CLOUD_HOST_SUFFIXES):
            raise CredentialsError(
                f"No credentials were found, and the simulated cloud's demo key is never sent to {host}; "
                f"configure credentials (README: Credentials and region), or point {product} at a simulated "
                "cloud with --endpoint (e.g. --endpoint '*=http://127.0.0.1:8899').", action=product)
        return url


def _region(settings: Settings, env: Mapping[str, str], profile_region: str | None, source: str | None) -> str:
    """The region, checked: a name that cannot be a host label, or an unknown PAI region, is refused here,
    naming where it came from (an override of every product's endpoint accepts any well-formed name)."""
    region = resolve_region(settings.region, env, profile_region)
    try:
        return validate_region(region, overrides=settings.endpoints)
    except ValueError as exc:
        if settings.region:
            where = settings.origin("region") or "the region setting"
        elif (env.get("ALIBABA_CLOUD_REGION_ID") or "").strip():
            where = "ALIBABA_CLOUD_REGION_ID"
        else:
            where = f"the region_id of {source or 'the profile'}"
        raise ConfigError(f"region from {where}: {exc}") from None


def _request_log() -> RequestLog:
    path = request_log_file()
    try:
        return RequestLog(path)
    except OSError as exc:
        raise ConfigError(f"--debug cannot write its request log {path}: {exc.strerror or exc} "
                          "(PAITUI_STATE_DIR or XDG_STATE_HOME chooses the folder)") from None


def _explicit(settings: Settings) -> ExplicitCredentials | None:
    """Credentials from the config file; half a pair is an error, never a quiet fall-back to the demo key."""
    key_id, secret = bool(settings.access_key_id), settings.access_key_secret is not None
    if settings.bearer_token is None and (key_id != secret or (settings.security_token and not key_id)):
        # an empty secret is still "set" (key_id != secret above) though it is falsy: name it all the same
        given = [k for k in ("access_key_id", "access_key_secret", "security_token")
                 if getattr(settings, k) or (k == "access_key_secret" and secret)]
        missing = "access_key_secret" if key_id else "access_key_id"
        where = settings.origin(given[0]) or "the settings"
        raise ConfigError(f"{' and '.join(given)} set in {where}, but {missing} is not: give the pair, "
                          "or remove both to use the environment or an aliyun CLI profile")
    if settings.bearer_token is not None:
        return ExplicitCredentials(bearer_token=settings.bearer_token.get_secret_value())
    if settings.access_key_id and settings.access_key_secret is not None:
        token = settings.security_token.get_secret_value() if settings.security_token else None
        return ExplicitCredentials(access_key_id=settings.access_key_id,
                                   access_key_secret=settings.access_key_secret.get_secret_value(),
                                   security_token=token)
    return None


def demo_credentials() -> CredentialsProvider:
    from paitui.sim.identity import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET

    return StaticProvider.ak(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, description="simulated cloud demo key")


def open_backend(settings: Settings, *, env: Mapping[str, str] | None = None, home: Path | None = None,
                 world: World | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 on_request: Callable[[str, float], None] | None = None,
                 simulator: SimulatorPlace = "auto") -> Backend:
    """Resolve credentials (no network), then build the client for the cloud or for the simulated cloud.

    The demo's simulated cloud runs in a child process (``simulator="process"``: its work on the other core,
    see ``paitui/demo_process.py``) or in this process's loop (``"in-process"``). ``"auto"``, the dashboard's:
    a child for a world of ``CHILD_FROM_JOBS`` jobs or more, whose cold listing would hold the UI loop for
    seconds; a smaller one in-process, where the child's start (~0.3 s before the first answer) would cost
    more than it saves. One-shot commands ask for ``"in-process"`` (nothing else runs meanwhile). A ``world``
    handed in (tests: its manual clock and fault switches) always runs in-process.
    """
    env = os.environ if env is None else env
    home = home or Path.home()
    log = _request_log() if settings.debug else None
    resolved = None if settings.demo else resolve_credentials(
        explicit=_explicit(settings), profile=settings.profile, env=env, home=home)
    region = _region(settings, env, resolved.region if resolved else None, resolved.source if resolved else None)
    if resolved is not None:
        client = PaiClient(settings, credentials=resolved.provider, region=region, request_log=log,
                           transport=transport, on_request=on_request)
        return Backend(client, "cloud", f"{resolved.source} · {resolved.provider.description}",
                       label=resolved.profile or resolved.source)
    if settings.endpoints and not settings.demo:
        # endpoints given but no credentials: most likely a `paitui sim serve` elsewhere
        client = DemoKeyClient(settings, allowed=settings.endpoints, credentials=demo_credentials(),
                               region=region, request_log=log, transport=transport, on_request=on_request)
        return Backend(client, "demo", "simulated cloud at " + ", ".join(sorted(set(settings.endpoints.values()))))
    faults = _faults(settings)
    if world is None and (simulator == "process" or (simulator == "auto" and settings.sim.jobs >= CHILD_FROM_JOBS)):
        return _child_process_demo(settings, region, log, on_request)
    return _in_process_demo(settings, region, log, world, faults, on_request)


SimulatorPlace = Literal["auto", "process", "in-process"]
# from this many jobs "auto" puts the world in a child: a cold listing of them costs the simulator ~0.5 ms a job
CHILD_FROM_JOBS = 2_000


def _faults(settings: Settings) -> FaultPlan | None:
    """The demo's fault plan, checked here so that a bad one is a config error before anything starts."""
    if not settings.sim.faults:
        return None
    from paitui.sim.faults import FaultPlan

    try:
        return FaultPlan.parse(settings.sim.faults)
    except ValueError as exc:
        raise ConfigError(f"[sim] faults: {exc}") from None


def _sim_endpoints(settings: Settings, region: str) -> tuple[Settings, dict[str, str]]:
    from paitui.api.products import PRODUCTS

    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    return settings.model_copy(update={"endpoints": endpoints}), endpoints


def _description(settings: Settings, where: str) -> str:
    return f"simulated cloud (seed {settings.sim.seed}, {settings.sim.jobs} jobs{where})"


def _child_process_demo(settings: Settings, region: str, log: RequestLog | None,
                        on_request: Callable[[str, float], None] | None) -> Backend:
    from paitui.demo_process import ChildSimTransport, SimulatorProcess, WorldArgs
    from paitui.sim.clock import SimClock
    from paitui.sim.world import DEMO_USER

    clock = SimClock(speed=settings.sim.speed)  # the child's world runs on this clock: same start, same speed
    start, started_at = clock.now(), time.time()
    child = SimulatorProcess(WorldArgs(seed=settings.sim.seed, jobs=settings.sim.jobs, speed=settings.sim.speed,
                                       start=start, started_at=started_at, faults=settings.sim.faults)).start()
    try:
        sim_settings, endpoints = _sim_endpoints(settings, region)
        client = DemoKeyClient(sim_settings, allowed=endpoints, credentials=demo_credentials(), region=region,
                               request_log=log, on_request=on_request, transport=ChildSimTransport(child))
    except BaseException:  # no client to talk to it: the child would only wait for this process to end
        child.stop()
        raise
    return Backend(client, "demo", _description(settings, f", child process {child.pid}"),
                   me=DEMO_USER.user_id, clock=clock)


def _in_process_demo(settings: Settings, region: str, log: RequestLog | None, world: World | None,
                     faults: FaultPlan | None, on_request: Callable[[str, float], None] | None) -> Backend:
    from paitui.sim.app import create_app
    from paitui.sim.clock import SimClock
    from paitui.sim.world import DEMO_USER, World

    if world is None:
        world = World(seed=settings.sim.seed, jobs=settings.sim.jobs, clock=SimClock(speed=settings.sim.speed))
    sim_settings, endpoints = _sim_endpoints(settings, region)
    sim_app = create_app(world, faults=faults)
    client = DemoKeyClient(sim_settings, allowed=endpoints, credentials=demo_credentials(), region=region,
                           request_log=log, on_request=on_request, transport=SimTransport(sim_app))
    return Backend(client, "demo", _description(settings, ""), world, me=DEMO_USER.user_id, sim_app=sim_app)
