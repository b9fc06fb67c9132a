"""Shared fixtures for the simulated cloud's unit tests.

* ``stub_world`` — a minimal stand-in for ``World`` (clock, seed, request ids, rngs) so the app can be tested
  before (and independently of) the product state modules.
* ``temp_route`` — registers a throwaway ``@route`` for one test and removes it afterwards.
* ``asgi`` — calls an ASGI app directly (no HTTP, no httpx): exact control of the raw path and headers.
* ``official_signer`` — signs requests with the official SDK's own signing helpers (V3 and ROA-SHA1), an
  implementation independent of ``paitui.sim.auth``.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from paitui.sim.clock import SimClock
from paitui.sim.routing import ROUTES, Handler, route


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
def temp_route() -> Iterator[Callable[..., Callable[[Handler], Handler]]]:
    added: list[Any] = []

    def register(product: str, action: str, method: str, path: str, *, mutating: bool | None = None
                 ) -> Callable[[Handler], Handler]:
        decorate = route(product, action, method, path, mutating=mutating)

        def wrapper(handler: Handler) -> Handler:
            decorate(handler)
            added.append(ROUTES[-1])
            return handler

        return wrapper

    yield register
    for r in added:
        ROUTES.remove(r)


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

