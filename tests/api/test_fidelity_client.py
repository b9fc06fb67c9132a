"""The client's side of issue 11: what it demands and how it reads the simulated cloud's seed-faithful answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from paitui.api import errors as e
from paitui.api.operations import operation
from tests.api.test_client import Clock, Script, make_client
from tests.live.test_actions import Sim

MISSING = "0bddaf8f-5628-427a-8652-5e24f6b4c35d"


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    s = Sim()
    yield s
    await s.client.aclose()


# --- 6. PaiPlugin's not-found, in either form ---

def plugin_body(**extra: object) -> bytes:
    return json.dumps({"RequestId": "R404", "ErrorCode": 404, "ErrorMessage": "Not Found", "Data": None,
                       **extra}).encode()


async def test_plugin_not_found_reads_the_same_in_http_404_and_in_http_200() -> None:
    app = Script((404, {}, plugin_body(Code="NotFound", Message="gone", HostId="paiplugin.aliyuncs.com")),
                 (200, {}, plugin_body()))
    caught: list[e.PaiError] = []
    async with make_client(app, Clock()) as client:
        for _ in range(2):
            with pytest.raises(e.NotFoundError) as info:
                await client.invoke(operation("plugin", "GetSchedule"), {"Id": MISSING})
            caught.append(info.value)
    assert [(x.code, x.server_message, x.request_id) for x in caught] == [("404", "Not Found", "R404")] * 2
    assert [x.status for x in caught] == [404, 200]


async def test_unknown_schedule_from_the_simulator_is_not_found(sim: Sim) -> None:
    with pytest.raises(e.NotFoundError) as info:
        await sim.client.plugin.get_schedule(MISSING)
    assert info.value.status == 404 and info.value.code == "404" and MISSING in (info.value.server_message or "")
    with pytest.raises(e.NotFoundError):
        await sim.client.plugin.delete_schedule(MISSING)


# --- 7. CreateTensorboard needs QuotaId only for quota-backed tensorboards ---

async def test_create_tensorboard_for_a_job_without_quota_id(sim: Sim) -> None:
    assert not operation("dlc", "CreateTensorboard").param("QuotaId").required  # type: ignore[union-attr]
    job = await sim.job_target("Running")
    created = await sim.client.invoke_json(operation("dlc", "CreateTensorboard"), {"JobId": job.id})
    assert created["JobId"] == job.id and created["TensorboardId"]
    assert (await sim.client.dlc.get_tensorboard(created["TensorboardId"])).job_id == job.id
