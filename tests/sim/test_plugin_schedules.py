"""PaiPlugin schedules (SMS send plans) in the simulated cloud, through the real ASGI app (no auth): the six
statuses, progression on a manual clock, create/delete, the wrapped body and errors reported inside HTTP 200."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from paitui.sim.plugin.timefmt import CST, cst
from paitui.sim.world import World
from tests.sim.conftest import expect, make_world, sim_client

VERSION = {"x-acs-version": "2022-01-12"}
CST_STRING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with sim_client(world, "http://paiplugin.test", headers=VERSION) as c:
        yield c


async def call(client: httpx.AsyncClient, method: str, path: str, *, status: int = 200, **kwargs: Any
               ) -> dict[str, Any]:
    return expect(await client.request(method, path, **kwargs), status)


async def all_schedules(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    body = await call(client, "GET", "/api/v2/schedules", params={"PageSize": 100, **params})
    return body["Data"]["Schedules"]


def valid_create() -> dict[str, Any]:
    return {"Name": "Spring sale", "GroupId": "2f0b2c8e-5c4b-4ad1-9a35-0c8f6d1e7b21", "SignName": "阿里云PAI",
            "TemplateCode": "SMS_300000001"}


# --- listing ---

async def test_list_is_wrapped_with_defaults(client: httpx.AsyncClient) -> None:
    body = await call(client, "GET", "/api/v2/schedules")
    assert body["ErrorCode"] == 0 and body["ErrorMessage"] == "OK" and body["RequestId"]
    data = body["Data"]
    assert (data["TotalCount"], data["PageNumber"], data["PageSize"], len(data["Schedules"])) == (30, 1, 10, 10)
    created = [s["CreatedTime"] for s in data["Schedules"]]
    assert created == sorted(created, reverse=True)  # newest first


async def test_seeded_schedules_cover_all_six_statuses(client: httpx.AsyncClient) -> None:
    schedules = await all_schedules(client)
    assert len(schedules) == 30 and {s["Status"] for s in schedules} == {0, 1, 2, 3, 4, 5}
    for s in schedules:
        assert UUID.match(s["Id"]) and s["Name"] and s["GroupId"]
        assert (s["SignatureId"] or s["SignName"]) and (s["TemplateId"] or s["TemplateCode"])
        assert CST_STRING.match(s["CreatedTime"]) and CST_STRING.match(s["UpdatedTime"])
        assert s["ExecuteTime"] == "" or CST_STRING.match(s["ExecuteTime"])
        assert 0 <= s["RepeatCycleUnit"] <= 4 and isinstance(s["EndTime"], int)
        assert "History" not in s and "PaymentType" not in s  # GetSchedule-only fields
    assert any(s["ExecuteTime"] == "" for s in schedules)


async def test_status_and_name_filters_and_paging(client: httpx.AsyncClient) -> None:
    sent = await all_schedules(client, Status=4)
    assert sent and all(s["Status"] == 4 for s in sent)
    page = await call(client, "GET", "/api/v2/schedules", params={"PageSize": 7, "PageNumber": 5})
    assert page["Data"]["TotalCount"] == 30 and len(page["Data"]["Schedules"]) == 2
    named = await all_schedules(client, Name="flash SALE")
    assert [s["Name"] for s in named] == ["Flash sale reminder"]


async def test_times_are_utc_plus_8(client: httpx.AsyncClient, world: World) -> None:
    body = await call(client, "POST", "/api/v2/schedules", json=valid_create())
    assert body["Data"]["CreatedTime"] == (world.now() + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


# --- status over time ---

async def test_statuses_progress_as_the_clock_advances(client: httpx.AsyncClient, world: World) -> None:
    plans = {p.schedule_id: p for p in world.plugin.schedules()}
    waiting = next(s for s in await all_schedules(client, Status=0) if plans[s["Id"]].execute_at is not None)
    seen = [waiting["Status"]]
    for _ in range(200):  # step through the plan's life ten minutes at a time
        world.clock.advance(600)
        status = (await call(client, "GET", f"/api/v2/schedules/{waiting['Id']}"))["Data"]["Status"]
        if status != seen[-1]:
            seen.append(status)
    assert seen == [0, 1, 3, 4]
    later = await all_schedules(client)
    assert all(s["Status"] in (1, 2, 4, 5) for s in later)  # after ~33 h nothing is checking or sending


async def test_sending_plans_finish(client: httpx.AsyncClient, world: World) -> None:
    sending = await all_schedules(client, Status=3)
    assert sending
    world.clock.advance(7 * 3600)
    finished = {s["Id"]: s["Status"] for s in await all_schedules(client)}
    assert all(finished[s["Id"]] in (4, 5) for s in sending)


async def test_get_schedule_has_history_and_payment_type(client: httpx.AsyncClient) -> None:
    sent = (await all_schedules(client, Status=4))[0]
    data = (await call(client, "GET", f"/api/v2/schedules/{sent['Id']}"))["Data"]
    assert data["PaymentType"] in ("PostPaid", "PrePaid")
    history = json.loads(data["History"])
    assert [h["Status"] for h in history] == [0, 1, 3, 4]
    assert history[-1]["Time"] == data["UpdatedTime"] and history[0]["Time"] == data["CreatedTime"]


# --- create and delete ---

async def test_create_starts_checking_then_sends(client: httpx.AsyncClient, world: World) -> None:
    execute = world.now() + timedelta(hours=1)
    body = await call(client, "POST", "/api/v2/schedules",
                      json={**valid_create(), "ExecuteTime": cst(execute), "RepeatCycle": 1,
                            "RepeatCycleUnit": 2, "RepeatTimes": 3})
    assert body["ErrorCode"] == 0
    data = body["Data"]
    assert data["Status"] == 0 and UUID.match(data["Id"]) and data["ExecuteTime"] == cst(execute)
    assert data["SignatureId"] and data["TemplateCode"] == "SMS_300000001"  # signature completed from its name
    assert (data["RepeatCycle"], data["RepeatCycleUnit"], data["RepeatTimes"]) == (1, 2, 3)
    listed = await all_schedules(client)
    assert len(listed) == 31 and listed[0]["Id"] == data["Id"]
    for seconds, status in ((180, 1), (3600, 3), (600, 4)):
        world.clock.advance(seconds)
        assert (await call(client, "GET", f"/api/v2/schedules/{data['Id']}"))["Data"]["Status"] == status


async def test_execute_time_is_read_as_utc_plus_8(client: httpx.AsyncClient, world: World) -> None:
    when = (world.now() + timedelta(days=1)).astimezone(CST).replace(microsecond=0)
    body = await call(client, "POST", "/api/v2/schedules", json={**valid_create(),
                                                                  "ExecuteTime": when.strftime("%Y-%m-%d %H:%M:%S")})
    plan = world.plugin.schedule(body["Data"]["Id"])
    assert plan is not None and plan.execute_at == when


async def test_delete_answers_ok_exactly_like_the_seed_document(client: httpx.AsyncClient) -> None:
    victim = (await all_schedules(client))[3]["Id"]
    body = await call(client, "DELETE", f"/api/v2/schedules/{victim}")
    assert set(body) == {"RequestId", "ErrorCode", "ErrorMessage", "Data"}
    assert (body["Data"], body["ErrorCode"], body["ErrorMessage"]) == ("OK", 0, "OK")
    assert victim not in {s["Id"] for s in await all_schedules(client)}
    again = await call(client, "DELETE", f"/api/v2/schedules/{victim}", status=404)
    assert again["ErrorCode"] == 404 and again["Data"] is None and again["Code"] == "NotFound"


# --- errors ---

async def test_unknown_schedule_is_http_404_not_found(client: httpx.AsyncClient) -> None:
    """The seed: "The API returns a 404 error with 'Not Found'" — as HTTP 404, with the gateway's Code and the
    plugin's ErrorCode in one body."""
    missing = "0bddaf8f-5628-427a-8652-5e24f6b4c35d"
    for method in ("GET", "DELETE"):
        body = await call(client, method, f"/api/v2/schedules/{missing}", status=404)
        assert body["ErrorCode"] == 404 and body["ErrorMessage"].startswith("Not Found")
        assert missing in body["ErrorMessage"] and body["Data"] is None
        assert body["Code"] == "NotFound" and missing in body["Message"] and body["RequestId"]


@pytest.mark.parametrize(("drop", "extra", "mentions"), [
    ("Name", {}, "Name"),
    ("GroupId", {}, "GroupId"),
    ("SignName", {}, "SignatureId or SignName"),
    ("TemplateCode", {}, "TemplateId or TemplateCode"),
    (None, {"ExecuteTime": "tomorrow at noon"}, "ExecuteTime"),
    (None, {"RepeatCycleUnit": 7}, "RepeatCycleUnit"),
    (None, {"RepeatTimes": -1}, "RepeatTimes"),
])
async def test_create_validation_errors_inside_http_200(client: httpx.AsyncClient, drop: str | None,
                                                        extra: dict[str, Any], mentions: str) -> None:
    payload = {k: v for k, v in valid_create().items() if k != drop} | extra
    body = await call(client, "POST", "/api/v2/schedules", json=payload)
    assert body["ErrorCode"] == 400 and mentions in body["ErrorMessage"] and body["Data"] is None
    assert len(await all_schedules(client)) == 30  # nothing was created


async def test_list_status_out_of_range_is_a_business_error(client: httpx.AsyncClient) -> None:
    body = await call(client, "GET", "/api/v2/schedules", params={"Status": 9})
    assert body["ErrorCode"] == 400 and "Status" in body["ErrorMessage"]


@pytest.mark.parametrize(("method", "kwargs"), [
    ("GET", {"params": {"PageSize": "ten"}}),
    ("GET", {"params": {"PageNumber": "0"}}),
    ("POST", {"content": b"[1, 2]", "headers": {"content-type": "application/json"}}),
    ("POST", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("POST", {"json": {**valid_create(), "RepeatCycle": "often"}}),
])
async def test_malformed_requests_get_a_real_http_400(client: httpx.AsyncClient, method: str,
                                                      kwargs: dict[str, Any]) -> None:
    body = await call(client, method, "/api/v2/schedules", status=400, **kwargs)
    assert body["Code"] == "InvalidParameter" and "ErrorCode" not in body


async def test_seed_document_gateway_url_deletes_too(client: httpx.AsyncClient) -> None:
    victim = (await all_schedules(client))[0]["Id"]
    body = await call(client, "DELETE", f"/api/PaiPlugin/2022-01-12/schedules/{victim}",
                      headers={"Authorization": "Bearer pt-PaiTuiDemoBearerToken01"})
    assert body == {"Data": "OK", "ErrorCode": 0, "ErrorMessage": "OK", "RequestId": body["RequestId"]}


def test_same_seed_same_schedules() -> None:
    first, second = make_world().plugin.schedules(), make_world().plugin.schedules()
    assert [(s.schedule_id, s.name, s.created) for s in first] == [(s.schedule_id, s.name, s.created) for s in second]
