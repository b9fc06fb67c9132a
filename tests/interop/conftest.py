"""Fixtures for the official-SDK interop tests: one simulated cloud on a real port for the whole session.

``sim_server`` yields a handle with ``.port``, ``.world``, ``.endpoint`` (``"127.0.0.1:PORT"``) and ``.url``;
``sdk_config(kind)`` builds an ``alibabacloud_tea_openapi`` ``Config`` pointed at it with the demo credentials
(``kind`` = ``"ak"``, ``"sts"``, ``"bearer"``, ``"v2"`` (legacy ROA HMAC-SHA1 with the AK pair) or
``"readonly"``). Every test in this folder is marked ``interop``.
"""

from __future__ import annotations

import hashlib
import random
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from paitui.sim.clock import SimClock
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
from paitui.sim.serve import ServerHandle, start_in_thread

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # this hook sees the whole session's items: mark only the ones collected from this folder
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.interop)


@pytest.fixture(scope="session")
def sim_server() -> Iterator[ServerHandle]:
    from paitui.sim.world import World

    world = World(seed=7, clock=SimClock.manual())
    with start_in_thread(world, port=0) as handle:
        yield handle


ConfigFactory = Callable[..., Any]


def make_sdk_config(endpoint: str, kind: str = "ak", **overrides: Any) -> Any:
    """A tea-openapi ``Config`` for ``endpoint`` with the demo credential of ``kind``."""
    from alibabacloud_tea_openapi.models import Config

    base: dict[str, Any] = {"endpoint": endpoint, "protocol": "http", "region_id": "cn-hangzhou"}
    if kind == "ak":
        base |= {"access_key_id": DEMO_ACCESS_KEY_ID, "access_key_secret": DEMO_ACCESS_KEY_SECRET}
    elif kind == "sts":
        base |= {"access_key_id": DEMO_STS_ACCESS_KEY_ID, "access_key_secret": DEMO_STS_ACCESS_KEY_SECRET,
                 "security_token": DEMO_STS_TOKEN}
    elif kind == "bearer":
        base |= {"bearer_token": DEMO_BEARER_TOKEN}
    elif kind == "v2":
        base |= {"access_key_id": DEMO_ACCESS_KEY_ID, "access_key_secret": DEMO_ACCESS_KEY_SECRET,
                 "signature_algorithm": "v2"}
    elif kind == "readonly":
        base |= {"access_key_id": READONLY_ACCESS_KEY_ID, "access_key_secret": READONLY_ACCESS_KEY_SECRET}
    else:
        raise ValueError(f"unknown credential kind {kind!r}")
    base |= overrides
    return Config(**base)


@pytest.fixture
def sdk_config(sim_server: ServerHandle) -> ConfigFactory:
    def factory(kind: str = "ak", **overrides: Any) -> Any:
        return make_sdk_config(sim_server.endpoint, kind, **overrides)

    return factory


class StubWorld:
    """A stand-in World (clock, seed, request ids, rngs) for servers that must not touch product state."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.clock = SimClock.manual()
        self._ids = random.Random(seed)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self.clock.now()

    def rng(self, name: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def request_id(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._ids.getrandbits(128), version=4)).upper()


@pytest.fixture(scope="session")
def interop_helpers() -> SimpleNamespace:
    """Helpers for tests that start their own servers: ``make_config(endpoint, kind, **overrides)`` and
    ``StubWorld`` (test modules cannot import this conftest by name)."""
    return SimpleNamespace(make_config=make_sdk_config, StubWorld=StubWorld)
