"""The seeds' 100 QPS limit per AccessKey / bearer token, and how ``paitui sim serve`` is configured (QPS limit,
keep-alive). The limiter's clock is a fake one the test moves, so no test waits."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from paitui import cli
from paitui.api.client import PaiClient
from paitui.api.credentials import StaticProvider
from paitui.api.operations import operation
from paitui.config import Settings
from paitui.sim import serve as serve_module
from paitui.sim.app import create_app
from paitui.sim.identity import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_BEARER_TOKEN
from paitui.sim.throttle import QpsLimiter
from paitui.sim.world import World
from tests.sim.conftest import make_world

BASE = "http://paiplugin.aliyuncs.com"
SCHEDULES = "/api/v2/schedules"


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


async def test_a_caller_over_100_qps_is_throttled(world: World) -> None:
    """1,500 requests at 224 QPS: the first second's 100 and then 100 a second get through, the rest 429."""
    clock = FakeTime()
    app = create_app(world, limiter=QpsLimiter(100, clock=clock))
    statuses: Counter[int] = Counter()
    throttled: list[httpx.Response] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE,
                                 headers={"Authorization": f"Bearer {DEMO_BEARER_TOKEN}"}) as client:
        for _ in range(1500):
            resp = await client.get(SCHEDULES, params={"PageSize": 1})
            statuses[resp.status_code] += 1
            if resp.status_code == 429 and len(throttled) < 3:
                throttled.append(resp)
            clock.t += 1 / 224
        elapsed = 1500 / 224
        assert statuses[200] == pytest.approx(100 + elapsed * 100, abs=2)
        assert statuses[429] == 1500 - statuses[200]
        body = throttled[0].json()
        assert body["Code"] == "Throttling.User" and body["RequestId"] and body["Recommend"]
        wait_ms = int(throttled[0].headers["x-acs-retry-after"])
        assert 0 < wait_ms <= 10 and throttled[0].headers["retry-after"] == "1"
        clock.t += 1.0  # a caller who waits gets through again
        assert (await client.get(SCHEDULES)).status_code == 200


def test_each_key_has_its_own_budget() -> None:
    limiter = QpsLimiter(3, clock=FakeTime())
    assert [limiter.admit("a") for _ in range(4)][:3] == [None] * 3
    assert limiter.admit("a") is not None and limiter.admit("b") is None


async def test_paitui_paced_traffic_never_trips_the_limit(world: World) -> None:
    """The client's own limiter (100/s, the same clock) keeps 1,500 concurrent calls under the server's limit:
    with one attempt per call, a single 429 would fail the gather."""
    clock = FakeTime()
    app = create_app(world, limiter=QpsLimiter(100, clock=clock))
    settings = Settings(endpoints={"*": BASE}, max_attempts=1)
    credentials = StaticProvider.ak(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, description="demo")
    op = operation("plugin", "ListSchedules")
    async with PaiClient(settings, credentials=credentials, transport=httpx.ASGITransport(app=app),
                         sleep=clock.sleep, monotonic=clock) as client:
        start = clock.t
        answers = await asyncio.gather(*(client.invoke_json(op, {"PageSize": 1}) for _ in range(1500)))
    assert len(answers) == 1500 and all(a["ErrorCode"] == 0 for a in answers)
    assert clock.t - start >= 13.9  # it really ran at ~100/s: (1500 - 100 burst) / 100


def test_serve_limits_qps_and_keeps_idle_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def run(self: Any) -> None:  # instead of serving forever: look at what serve() configured
        seen["config"] = self.config

    monkeypatch.setattr(serve_module._AnnouncingServer, "run", run)
    serve_module.serve(port=0, jobs=5)
    config = seen["config"]
    assert config.timeout_keep_alive == serve_module.KEEP_ALIVE_SECONDS == 75  # uvicorn's default is 5 s
    assert config.app.app.limiter.qps == 100
    serve_module.serve(port=0, jobs=5, qps=0)
    assert seen["config"].app.app.limiter is None


def test_cli_qps_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve_module, "serve", lambda **kw: calls.append(kw))
    assert cli.main(["sim", "serve"]) == 0
    assert cli.main(["sim", "serve", "--qps", "20"]) == 0
    assert cli.main(["sim", "serve", "--qps", "-1"]) == 2
    assert [c["qps"] for c in calls] == [100.0, 20.0]


def test_a_running_server_keeps_connections_open_for_the_gateway_time() -> None:
    """On a real port: the server that answers is configured with the long keep-alive, and one pooled
    connection carries consecutive calls."""
    handle = serve_module.start_in_thread(make_world())
    try:
        assert handle.server.config.timeout_keep_alive == 75
        with httpx.Client(base_url=handle.url, headers={"Authorization": f"Bearer {DEMO_BEARER_TOKEN}"}) as client:
            for _ in range(3):
                assert client.get(SCHEDULES).status_code == 200
            # uvicorn counts requests on its own loop, possibly after the answer reached us: count connections
            assert len(handle.server.server_state.connections) == 1
    finally:
        handle.stop()
