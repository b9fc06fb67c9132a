"""The seeds' endpoint style (``https://api.aliyun.com/api/<Product>/<Version>/…`` with ``Authorization: Bearer``)
against the real simulated cloud (signatures verified), next to the regional style it replaces by default only
when the credential is a bearer token alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paitui.api import endpoint_style
from paitui.api.client import PaiClient
from paitui.api.credentials import StaticProvider
from paitui.api.operations import operation
from paitui.config import Settings
from paitui.sim.app import create_app
from paitui.sim.identity import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_BEARER_TOKEN
from paitui.sim.world import World
from tests.sim.conftest import make_world

BEARER = StaticProvider.bearer(DEMO_BEARER_TOKEN, description="bearer token from DASHSCOPE_API_KEY")
AK = StaticProvider.ak(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, description="demo key")


class Recorder:
    """The simulator's ASGI app, remembering the host and path of each request it answered."""

    def __init__(self, world: World) -> None:
        self.app = create_app(world)
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.seen.append((headers["host"], scope["raw_path"].decode().split("?")[0], headers))
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture
def recorder(world: World) -> Recorder:
    return Recorder(world)


def client(recorder: Recorder, credentials: Any, region: str = "cn-hangzhou", **settings: Any) -> PaiClient:
    return PaiClient(Settings(**settings), credentials=credentials, region=region,
                     transport=httpx.ASGITransport(app=recorder))


@pytest.fixture
async def bearer(recorder: Recorder) -> AsyncIterator[PaiClient]:
    async with client(recorder, BEARER) as c:
        yield c


async def test_a_bearer_token_alone_speaks_the_seeds_gateway_style(bearer: PaiClient, recorder: Recorder,
                                                                   world: World) -> None:
    assert bearer.endpoint_style == "gateway" and bearer.base_url("dlc") == "https://api.aliyun.com"
    jobs = await bearer.dlc.list_jobs(page_size=2)
    schedules = await bearer.plugin.list_schedules(page_size=1)
    run_id = next(iter(world.flow.runs))
    run = await bearer.flow.get_pipeline_run(run_id)
    assert jobs.jobs and schedules.data and run.pipeline_run_id == run_id
    hosts = {host for host, _, _ in recorder.seen}
    paths = [path for _, path, _ in recorder.seen]
    assert hosts == {"api.aliyun.com"}
    assert paths == ["/api/pai-dlc/2020-12-03/jobs", "/api/PaiPlugin/2022-01-12/schedules",
                     f"/api/PAIFlow/2021-02-02/pipelineruns/{run_id}"]
    assert all(h["authorization"] == f"Bearer {DEMO_BEARER_TOKEN}" for _, _, h in recorder.seen)


async def test_international_regions_use_alibabacloud_com(recorder: Recorder) -> None:
    async with client(recorder, BEARER, region="ap-southeast-1") as c:
        assert c.base_url("workspace") == "https://api.alibabacloud.com"
        await c.workspace.list_workspaces(page_size=1)
    assert recorder.seen[0][:2] == ("api.alibabacloud.com", "/api/AIWorkSpace/2021-02-04/workspaces")


async def test_other_credentials_and_overrides_stay_regional(recorder: Recorder) -> None:
    async with client(recorder, AK) as c:
        assert c.endpoint_style == "regional" and c.base_url("dlc") == "https://pai-dlc.cn-hangzhou.aliyuncs.com"
        await c.dlc.list_jobs(page_size=1)
    assert recorder.seen[-1][:2] == ("pai-dlc.cn-hangzhou.aliyuncs.com", "/api/v1/jobs")
    async with client(recorder, BEARER, endpoints={"*": "http://127.0.0.1:8899"}) as c:
        assert c.endpoint_style == "regional" and c.base_url("flow") == "http://127.0.0.1:8899"
    async with client(recorder, BEARER, endpoint_style="regional") as c:
        assert c.base_url("flow") == "https://paiflow.cn-hangzhou.aliyuncs.com"


async def test_gateway_style_chosen_explicitly_signs_the_gateway_path(recorder: Recorder) -> None:
    """With an AccessKey the V3 signature covers the path as sent: the simulator verifies it."""
    async with client(recorder, AK, endpoint_style="gateway") as c:
        page = await c.dlc.list_ecs_specs(page_size=1)
        signed = await c.signed_request(operation("dlc", "ListEcsSpecs"))
    assert page.ecs_specs is not None
    assert recorder.seen[-1][:2] == ("api.aliyun.com", "/api/pai-dlc/2020-12-03/ecsspecs")
    assert signed.url == "https://api.aliyun.com/api/pai-dlc/2020-12-03/ecsspecs"


def test_gateway_paths_and_settings() -> None:
    assert endpoint_style.gateway_path("plugin", "/api/v2/schedules/0bdd") == "/api/PaiPlugin/2022-01-12/schedules/0bdd"
    assert endpoint_style.gateway_path("flow", "/api/v1/pipelineruns/f/start") == \
        "/api/PAIFlow/2021-02-02/pipelineruns/f/start"
    assert endpoint_style.resolve("auto", bearer_only=True) == "gateway"
    assert endpoint_style.resolve("auto", bearer_only=False) == "regional"
    with pytest.raises(ValueError, match="endpoint style"):
        endpoint_style.resolve("sideways", bearer_only=True)
    with pytest.raises(ValueError):
        Settings(endpoint_style="sideways")  # type: ignore[arg-type]


async def test_dashscope_api_key_alone_picks_the_gateway_style(tmp_path: Path) -> None:
    from paitui.backend import open_backend

    backend = open_backend(Settings(), env={"DASHSCOPE_API_KEY": "sk-test"}, home=tmp_path)
    try:
        assert backend.mode == "cloud" and backend.client.endpoint_style == "gateway"
        assert backend.client.base_url("plugin") == "https://api.aliyun.com"
    finally:
        await backend.aclose()
    keys = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIx", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s",
            "DASHSCOPE_API_KEY": "sk-test"}
    backend = open_backend(Settings(), env=keys, home=tmp_path)
    try:
        assert backend.client.endpoint_style == "regional"  # not the only credential: AK wins, regional hosts
    finally:
        await backend.aclose()
