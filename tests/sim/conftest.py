"""Shared fixtures for the simulated cloud's unit tests.

* ``stub_world`` — a minimal stand-in for ``World`` (clock, seed, request ids, rngs) so the app can be tested
  before (and independently of) the product state modules.
* ``temp_route`` — declares a throwaway route that apps created during one test serve besides their own.
* ``asgi`` — calls an ASGI app directly (no HTTP, no httpx): exact control of the raw path and headers.
* ``official_signer`` — signs requests with the official SDK's own signing helpers (V3 and ROA-SHA1), an
  implementation independent of ``paitui.sim.auth``.
* ``world`` / ``make_world`` — a generated world on a manual clock; ``sim_client`` — an httpx client on the real
  ASGI app (auth off); ``SimApi`` (opened with ``SimApi.open``) and ``expect`` — calls that check the status and
  return the JSON body.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

import httpx
import pytest

import paitui.sim.app as sim_app
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.routing import Handler, Route, Routes
from paitui.sim.world import World


class StubWorld:
    """Just what the app needs from a World."""

    def __init__(self, seed: int = 7, clock: SimClock | None = None) -> None:
        self.seed = seed
        self.clock = clock or SimClock.manual()
        self._ids = random.Random(seed)

    def now(self) -> datetime:
        return self.clock.now()

    def rng(self, name: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def request_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4)).upper()


@pytest.fixture
def stub_world() -> StubWorld:
    return StubWorld()


@pytest.fixture
def temp_route(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Callable[[Handler], Handler]]:
    added: list[Route] = []
    served = sim_app.served_routes
    monkeypatch.setattr(sim_app, "served_routes", lambda product=None: (
        *served(product), *(r for r in added if product is None or r.product == product)))

    def register(product: str, action: str, method: str, path: str, *, mutating: bool | None = None
                 ) -> Callable[[Handler], Handler]:
        table = Routes(product)

        def wrapper(handler: Handler) -> Handler:
            table.route(action, method, path, mutating=mutating)(handler)
            added.extend(table)
            return handler

        return wrapper

    return register


@dataclass
class AsgiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


AsgiCall = Callable[..., Any]


async def call_asgi(app: Any, method: str, path: str, *, query: str = "", headers: dict[str, str] | None = None,
                    body: bytes = b"") -> AsgiResponse:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode("latin-1"), "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode("utf-8")) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    hdrs = {k.decode(): v.decode() for k, v in start["headers"]}
    return AsgiResponse(start["status"], hdrs, b"".join(m.get("body", b"") for m in sent[1:]))


@pytest.fixture
def asgi() -> AsgiCall:
    return call_asgi


class OfficialSigner:
    """Produces header sets signed by the official SDK's helpers (alibabacloud_openapi_util)."""

    def __init__(self, access_key_id: str, secret: str) -> None:
        self.access_key_id = access_key_id
        self.secret = secret

    def v3(self, method: str, path: str, query: dict[str, str] | None = None, body: bytes = b"", *,
           when: datetime, nonce: str, extra: dict[str, str] | None = None, action: str = "ListJobs",
           version: str = "2020-12-03", host: str = "pai-dlc.cn-hangzhou.aliyuncs.com") -> dict[str, str]:
        from alibabacloud_openapi_util.client import Client as Util
        from Tea.request import TeaRequest

        headers = {
            "host": host, "x-acs-action": action, "x-acs-version": version,
            "x-acs-date": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "x-acs-signature-nonce": nonce,
            "accept": "application/json", "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
            **(extra or {}),
        }
        req = TeaRequest()
        req.method, req.pathname, req.query, req.headers = method, path, dict(query or {}), headers
        headers["Authorization"] = Util.get_authorization(req, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"],
                                                          self.access_key_id, self.secret)
        return headers

    def roa(self, method: str, path: str, query: dict[str, str] | None = None, *, when: datetime, nonce: str,
            extra: dict[str, str] | None = None, action: str = "ListJobs",
            version: str = "2020-12-03") -> dict[str, str]:
        from alibabacloud_openapi_util.client import Client as Util
        from Tea.request import TeaRequest

        headers = {
            "date": when.strftime("%a, %d %b %Y %H:%M:%S GMT"), "accept": "application/json",
            "x-acs-signature-nonce": nonce, "x-acs-signature-method": "HMAC-SHA1",
            "x-acs-signature-version": "1.0", "x-acs-action": action, "x-acs-version": version,
            **(extra or {}),
        }
        req = TeaRequest()
        req.method, req.pathname, req.query, req.headers = method, path, dict(query or {}), headers
        signature = Util.get_roasignature(Util.get_string_to_sign(req), self.secret)
        headers["authorization"] = f"acs {self.access_key_id}:{signature}"
        headers["host"] = "pai-dlc.cn-hangzhou.aliyuncs.com"
        return headers


@pytest.fixture
def official_signer() -> Callable[[str, str], OfficialSigner]:
    return OfficialSigner


def fixed_now(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


@pytest.fixture
def wall_clock() -> Callable[[datetime], Callable[[], datetime]]:
    return fixed_now


# --- the real app through httpx -----------------------------------------------------------------------------


def make_world(seed: int = 7) -> World:
    """A generated world on a manual clock: simulated time moves only when a test advances it."""
    return World(seed=seed, clock=SimClock.manual())


@pytest.fixture
def world() -> World:
    return make_world()


@asynccontextmanager
async def sim_client(world: World, base_url: str, *, headers: dict[str, str] | None = None
                     ) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that calls the simulated cloud's real ASGI app in-process, with signature checks off."""
    transport = httpx.ASGITransport(app=create_app(world, verify_auth=False))
    async with httpx.AsyncClient(transport=transport, base_url=base_url, headers=headers) as client:
        yield client


def expect(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The JSON body of ``response``, once its status is the expected one (the body explains a mismatch)."""
    assert response.status_code == status, response.text
    return response.json()


class SimApi:
    """A product's test helper: the client on the app, the world behind it, and ``call`` checking the status."""

    def __init__(self, client: httpx.AsyncClient, world: World) -> None:
        self.client, self.world = client, world

    @classmethod
    @asynccontextmanager
    async def open(cls, base_url: str, world: World | None = None) -> AsyncIterator[Self]:
        """The helper on a client for ``base_url``, over ``world`` or a fresh ``make_world()``."""
        world = world if world is not None else make_world()
        async with sim_client(world, base_url) as client:
            yield cls(client, world)

    async def call(self, method: str, path: str, *, status: int = 200, params: dict[str, Any] | None = None,
                   body: dict[str, Any] | None = None) -> dict[str, Any]:
        return expect(await self.client.request(method, path, params=params, json=body), status)
