"""Choosing the backend: real cloud when credentials resolve (without touching the network), else the demo."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from paitui.api.errors import CredentialsError
from paitui.api.operations import operation
from paitui.backend import open_backend
from paitui.config import ConfigError, Settings


async def test_environment_credentials_choose_the_cloud_and_say_so(tmp_path: Path) -> None:
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tExampleKey0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s" * 30,
           "ALIBABA_CLOUD_REGION_ID": "cn-shanghai"}
    backend = open_backend(Settings(), env=env, home=tmp_path)
    try:
        assert (backend.mode, backend.label, backend.client.region) == ("cloud", "environment", "cn-shanghai")
        assert backend.world is None and "s" * 30 not in backend.description
    finally:
        await backend.aclose()


async def test_no_credentials_means_the_simulated_cloud(tmp_path: Path) -> None:
    backend = open_backend(Settings(), env={}, home=tmp_path)
    try:
        assert (backend.mode, backend.label) == ("demo", "demo")
        jobs = await backend.client.dlc.list_jobs(page_size=1)
        assert jobs.total_count
    finally:
        await backend.aclose()


async def test_where_the_simulator_runs(tmp_path: Path) -> None:
    """Its own world in a child process (a big one, or when asked), or in the loop (a small one, one-shot
    commands, and a world handed in: tests change it between awaits). tests/test_demo_process.py checks the
    child itself."""
    from paitui.backend import CHILD_FROM_JOBS, SimTransport
    from paitui.demo_process import ChildSimTransport
    from paitui.sim.world import World

    placed = {
        "child": open_backend(Settings(demo=True, sim={"jobs": 5}), env={}, home=tmp_path, simulator="process"),
        "big": open_backend(Settings(demo=True, sim={"jobs": CHILD_FROM_JOBS}), env={}, home=tmp_path),
        "small": open_backend(Settings(demo=True, sim={"jobs": CHILD_FROM_JOBS - 1}), env={}, home=tmp_path),
        "loop": open_backend(Settings(demo=True, sim={"jobs": CHILD_FROM_JOBS}), env={}, home=tmp_path,
                             simulator="in-process"),
        "given": open_backend(Settings(demo=True), env={}, home=tmp_path, world=World(seed=7, jobs=5)),
    }
    try:
        for name in ("child", "big"):
            assert type(placed[name].client._transport) is ChildSimTransport and placed[name].world is None
        for name in ("small", "loop"):
            assert type(placed[name].client._transport) is SimTransport and placed[name].world is not None
        assert type(placed["given"].client._transport) is SimTransport and placed["given"].sim_app is not None
    finally:
        for backend in placed.values():
            await backend.aclose()


def test_a_bad_fault_plan_is_a_config_error_before_any_child_starts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[sim\] faults"):
        open_backend(Settings(demo=True, sim={"faults": "gremlins=0.5"}), env={}, home=tmp_path)


# --- the demo key never goes to the real cloud --------------------------------------------------------------


class Recorder(httpx.AsyncBaseTransport):
    """The simulated cloud in-process, recording every request that reached the transport."""

    def __init__(self) -> None:
        from paitui.sim.app import create_app
        from paitui.sim.clock import SimClock
        from paitui.sim.world import World

        self.inner = httpx.ASGITransport(app=create_app(World(seed=7, jobs=5, clock=SimClock.manual())))
        self.hosts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return await self.inner.handle_async_request(request)


async def test_demo_key_signs_only_for_the_endpoints_named(tmp_path: Path) -> None:
    transport = Recorder()
    settings = Settings(endpoints={"dlc": "http://127.0.0.1:8899"})
    backend = open_backend(settings, env={}, home=tmp_path, transport=transport)
    try:
        assert backend.mode == "demo"
        assert (await backend.client.dlc.list_jobs(page_size=1)).total_count  # the named endpoint works
        with pytest.raises(CredentialsError, match=r"demo key is never sent to paiflow\.cn-hangzhou\.aliyuncs\.com"):
            await backend.client.flow.list_pipeline_runs(workspace_id="264901")
        with pytest.raises(CredentialsError):  # nor signed for a dry run
            await backend.client.signed_request(operation("workspace", "ListWorkspaces"))
        assert transport.hosts == ["127.0.0.1"]  # nothing else left the process
    finally:
        await backend.aclose()


@pytest.mark.parametrize("url", ["https://pai-dlc.cn-hangzhou.aliyuncs.com", "https://aliyuncs.com"])
async def test_demo_key_is_never_sent_to_an_alibaba_cloud_host_even_when_named(tmp_path: Path, url: str) -> None:
    transport = Recorder()
    backend = open_backend(Settings(endpoints={"*": url}), env={}, home=tmp_path, transport=transport)
    try:
        with pytest.raises(CredentialsError, match="demo key is never sent"):
            await backend.client.dlc.list_jobs(page_size=1)
        assert transport.hosts == []
    finally:
        await backend.aclose()


async def test_real_credentials_are_not_held_back_by_the_guard(tmp_path: Path) -> None:
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tExampleKey0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s" * 30}
    backend = open_backend(Settings(), env=env, home=tmp_path)
    try:
        assert backend.client.base_url("flow") == "https://paiflow.cn-hangzhou.aliyuncs.com"
    finally:
        await backend.aclose()


# --- settings the backend checks --------------------------------------------------------------------------


def test_the_region_is_checked_and_its_source_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"region from ALIBABA_CLOUD_REGION_ID: 'cn-sh' is not a PAI region"):
        open_backend(Settings(), env={"ALIBABA_CLOUD_REGION_ID": "cn-sh"}, home=tmp_path)
    profile = {"name": "p", "mode": "AK", "access_key_id": "LTAI5tExampleKey0001", "access_key_secret": "s" * 30,
               "region_id": "cn-hangzou"}
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text(json.dumps({"current": "p", "profiles": [profile]}))
    with pytest.raises(ConfigError, match=r'region_id of aliyun CLI profile "p".*Did you mean cn-hangzhou'):
        open_backend(Settings(), env={}, home=tmp_path)


async def test_any_region_name_with_every_endpoint_overridden(tmp_path: Path) -> None:
    backend = open_backend(Settings(region="xx-lab-1", endpoints={"*": "http://127.0.0.1:8899"}), env={},
                           home=tmp_path)
    try:
        assert backend.client.region == "xx-lab-1"
    finally:
        await backend.aclose()


def test_debug_log_that_cannot_be_written_is_a_config_error(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("PAITUI_STATE_DIR", str(tmp_path / "file" / "below"))  # a folder under a file
    with pytest.raises(ConfigError, match="--debug cannot write its request log"):
        open_backend(Settings(debug=True), env={}, home=tmp_path)
