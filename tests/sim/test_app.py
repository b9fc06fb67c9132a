"""The simulated cloud's ASGI app: routing, gateway URLs, error bodies, read-only callers, headers."""

from __future__ import annotations

import importlib
import logging
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from paitui.sim.app import PRODUCTS, ROUTE_TABLES, create_app, served_routes
from paitui.sim.auth import Authenticator
from paitui.sim.errors import SimError
from paitui.sim.identity import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_BEARER_TOKEN,
    READONLY_ACCESS_KEY_ID,
    READONLY_ACCESS_KEY_SECRET,
)
from paitui.sim.routing import Call, Route, Routes

BEARER = {"authorization": f"Bearer {DEMO_BEARER_TOKEN}"}
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOT_FOUND = "Specified api is not found, please check your url and method."


def echo(call: Call) -> dict[str, Any]:
    return {"RequestId": call.request_id, "Action": call.action, "Params": call.path_params, "Query": call.query,
            "Body": call.body, "Auth": call.caller.auth, "User": call.caller.user_name}


@pytest.fixture
def routes(temp_route: Any) -> None:
    """Throwaway routes on paths no product uses."""
    temp_route("dlc", "SimTestGetThing", "GET", "/api/v1/simtest/things/{thing_id}")(echo)
    temp_route("dlc", "SimTestStopThing", "POST", "/api/v1/simtest/things/{thing_id}/stop", mutating=True)(echo)
    temp_route("flow", "SimTestListRuns", "GET", "/api/v1/simtest/pipelineruns")(echo)
    temp_route("flow", "SimTestCreateRun", "POST", "/api/v1/simtest/pipelineruns", mutating=True)(echo)
    temp_route("flow", "SimTestRunsStatus", "PUT", "/api/v1/simtest/pipelineruns", mutating=False)(echo)
    temp_route("flow", "SimTestGetRun", "GET", "/api/v1/simtest/pipelineruns/{pipeline_run_id}")(echo)
    temp_route("flow", "SimTestStartRun", "PUT", "/api/v1/simtest/pipelineruns/{pipeline_run_id}/start",
               mutating=True)(echo)
    temp_route("plugin", "SimTestDeleteSchedule", "DELETE", "/api/v2/simtest/schedules/{Id}", mutating=True)(echo)
    temp_route("dlc", "SimTestListRuns", "GET", "/api/v1/simtest/runs")(echo)
    temp_route("workspace", "SimTestListExperimentRuns", "GET", "/api/v1/simtest/runs")(echo)


@pytest.fixture
def app(stub_world: Any, routes: None) -> Any:
    return create_app(stub_world, authenticator=Authenticator(now=lambda: NOW))


def assert_error(resp: Any, status: int, code: str, host: str | None = None) -> dict[str, Any]:
    assert resp.status == status, resp.body
    assert resp.headers["content-type"] == "application/json;charset=utf-8"
    body = resp.json()
    assert set(body) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert body["Code"] == code
    assert body["RequestId"] == resp.headers["x-acs-request-id"]
    assert body["Recommend"].startswith(f"https://api.aliyun.com/troubleshoot?q={code}&product=")
    assert body["Recommend"].endswith(f"&requestId={body['RequestId']}")
    if host is not None:
        assert body["HostId"] == host
    return body


# --- routing ---------------------------------------------------------------------------------------------------


async def test_encoded_slash_in_an_id_is_one_segment(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/simtest/things/job%20id%2Fwith%20slash", headers=BEARER)
    assert resp.status == 200
    assert resp.json()["Params"] == {"thing_id": "job id/with slash"}
    resp = await asgi(app, "GET", "/api/v1/simtest/things/job/with", headers=BEARER)
    assert_error(resp, 404, "InvalidAction.NotFound")


async def test_unknown_route_is_a_json_404(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/nothing/here", headers={"host": "127.0.0.1:8899"})
    body = assert_error(resp, 404, "InvalidAction.NotFound", host="127.0.0.1:8899")
    assert body["Message"] == NOT_FOUND


async def test_wrong_method_is_not_found_with_the_products_host(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "DELETE", "/api/v1/simtest/things/x", headers=BEARER)
    body = assert_error(resp, 404, "InvalidAction.NotFound", host="pai-dlc.cn-hangzhou.aliyuncs.com")
    assert "product=pai-dlc&" in body["Recommend"]


async def test_one_path_three_methods(app: Any, asgi: Any) -> None:
    actions = {}
    for method in ("GET", "POST", "PUT"):
        resp = await asgi(app, method, "/api/v1/simtest/pipelineruns", headers=BEARER, body=b'{"A":1}')
        actions[method] = resp.json()["Action"]
    assert actions == {"GET": "SimTestListRuns", "POST": "SimTestCreateRun", "PUT": "SimTestRunsStatus"}


async def test_action_header_must_match(app: Any, asgi: Any) -> None:
    ok = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER | {"x-acs-action": "SimTestGetThing"})
    assert ok.status == 200
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER | {"x-acs-action": "DeleteJob"})
    body = assert_error(resp, 400, "InvalidAction.Mismatch")
    assert "SimTestGetThing" in body["Message"]


async def test_version_header_must_be_the_products(app: Any, asgi: Any) -> None:
    ok = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER | {"x-acs-version": "2020-12-03"})
    assert ok.status == 200
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER | {"x-acs-version": "2021-02-02"})
    assert_error(resp, 400, "InvalidVersion")


async def test_version_header_tells_products_apart_on_a_shared_path(app: Any, asgi: Any) -> None:
    for version, action in (("2020-12-03", "SimTestListRuns"), ("2021-02-04", "SimTestListExperimentRuns")):
        resp = await asgi(app, "GET", "/api/v1/simtest/runs", headers=BEARER | {"x-acs-version": version})
        assert resp.json()["Action"] == action


async def test_query_and_body_parsing(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x", query="A=a+b&B=&C=1&C=2&D=%CF%80", headers=BEARER)
    assert resp.json()["Query"] == {"A": "a b", "B": "", "C": "2", "D": "π"}
    assert resp.json()["Body"] is None
    resp = await asgi(app, "POST", "/api/v1/simtest/pipelineruns", headers=BEARER, body='{"Name":"π"}'.encode())
    assert resp.json()["Body"] == {"Name": "π"}
    assert '"π"'.encode() in resp.body  # compact, ensure_ascii=False
    assert b", " not in resp.body and b": " not in resp.body


async def test_invalid_json_body(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "POST", "/api/v1/simtest/pipelineruns", headers=BEARER, body=b"{nope")
    assert_error(resp, 400, "InvalidParameter")


# --- handler failures ------------------------------------------------------------------------------------------


async def test_handler_exception_is_a_json_500(stub_world: Any, temp_route: Any, asgi: Any,
                                               caplog: pytest.LogCaptureFixture) -> None:
    @temp_route("dlc", "SimTestBoom", "GET", "/api/v1/simtest/boom")
    def boom(call: Call) -> dict[str, Any]:
        raise RuntimeError("kaboom")

    @temp_route("dlc", "SimTestNotADict", "GET", "/api/v1/simtest/list")
    def not_a_dict(call: Call) -> Any:
        return [1, 2]

    app = create_app(stub_world, verify_auth=False)
    with caplog.at_level(logging.ERROR, logger="paitui.sim"):
        resp = await asgi(app, "GET", "/api/v1/simtest/boom")
    body = assert_error(resp, 500, "InternalError", host="pai-dlc.cn-hangzhou.aliyuncs.com")
    assert "kaboom" not in body["Message"]
    assert any("kaboom" in (r.exc_text or "") for r in caplog.records)
    assert_error(await asgi(app, "GET", "/api/v1/simtest/list"), 500, "InternalError")


async def test_sim_error_from_a_handler_keeps_status_and_headers(stub_world: Any, temp_route: Any, asgi: Any) -> None:
    @temp_route("workspace", "SimTestGone", "GET", "/api/v1/simtest/gone/{id}")
    def gone(call: Call) -> dict[str, Any]:
        raise SimError(404, "InvalidWorkspaceId.NotFound", "no such workspace", headers={"x-sim": "1"})

    resp = await asgi(create_app(stub_world, verify_auth=False), "GET", "/api/v1/simtest/gone/1")
    body = assert_error(resp, 404, "InvalidWorkspaceId.NotFound", host="aiworkspace.cn-hangzhou.aliyuncs.com")
    assert (body["Message"], resp.headers["x-sim"]) == ("no such workspace", "1")


# --- gateway-style URLs of the seed documents ------------------------------------------------------------------


async def test_gateway_rest_style(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "PUT", "/api/PAIFlow/2021-02-02/simtest/pipelineruns/flow-rbvg5/start", headers=BEARER)
    assert (resp.json()["Action"], resp.json()["Params"]) == ("SimTestStartRun", {"pipeline_run_id": "flow-rbvg5"})
    resp = await asgi(app, "DELETE", "/api/PaiPlugin/2022-01-12/simtest/schedules/0bddaf8f-5628", headers=BEARER)
    assert (resp.json()["Action"], resp.json()["Params"]) == ("SimTestDeleteSchedule", {"Id": "0bddaf8f-5628"})
    # the full ROA path after the version works too
    resp = await asgi(app, "GET", "/api/pai-dlc/2020-12-03/api/v1/simtest/things/t1", headers=BEARER)
    assert resp.json()["Params"] == {"thing_id": "t1"}


async def test_gateway_action_style(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/PAIFlow/2021-02-02/SimTestGetRun", query="PipelineRunId=flow-j94y",
                      headers=BEARER)
    assert (resp.json()["Action"], resp.json()["Params"]) == ("SimTestGetRun", {"pipeline_run_id": "flow-j94y"})
    resp = await asgi(app, "PUT", "/api/PAIFlow/2021-02-02/SimTestStartRun", headers=BEARER,
                      body=b'{"PipelineRunId":"flow-2"}')
    assert resp.json()["Params"] == {"pipeline_run_id": "flow-2"}
    resp = await asgi(app, "POST", "/api/PAIFlow/2021-02-02/SimTestCreateRun", headers=BEARER, body=b'{"Name":"n"}')
    assert resp.json()["Action"] == "SimTestCreateRun"
    missing = await asgi(app, "GET", "/api/PAIFlow/2021-02-02/SimTestGetRun", headers=BEARER)
    assert "PipelineRunId" in assert_error(missing, 400, "MissingParameter")["Message"]


async def test_gateway_errors(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/PAIFlow/2020-01-01/SimTestGetRun", query="PipelineRunId=x", headers=BEARER)
    assert_error(resp, 400, "InvalidVersion", host="paiflow.cn-hangzhou.aliyuncs.com")
    resp = await asgi(app, "GET", "/api/NoSuchProduct/2021-02-02/SimTestGetRun", headers=BEARER)
    assert_error(resp, 404, "InvalidAction.NotFound")
    resp = await asgi(app, "GET", "/api/PAIFlow/2021-02-02/NoSuchAction", headers=BEARER)
    assert_error(resp, 404, "InvalidAction.NotFound")
    resp = await asgi(app, "GET", "/api/PAIFlow/2021-02-02/SimTestGetRun", query="PipelineRunId=x",
                      headers=BEARER | {"x-acs-action": "SimTestListRuns"})
    assert_error(resp, 400, "InvalidAction.Mismatch")


# --- authentication and permissions ----------------------------------------------------------------------------


async def test_unauthenticated_request_is_refused(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x")
    assert_error(resp, 400, "MissingAuthorization", host="pai-dlc.cn-hangzhou.aliyuncs.com")


async def test_sdk_signed_request_over_an_encoded_path(app: Any, asgi: Any, official_signer: Any) -> None:
    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    path = "/api/v1/simtest/things/a%2Fb%20c"
    headers = signer.v3("GET", path, {"Q": "x y"}, when=NOW, nonce="app-1", action="SimTestGetThing")
    resp = await asgi(app, "GET", path, query="Q=x+y", headers=headers)
    assert resp.status == 200, resp.body
    assert (resp.json()["Auth"], resp.json()["Params"]) == ("ak", {"thing_id": "a/b c"})
    # tampering with the query breaks it, and the error names the product's host and carries a Detail
    headers = signer.v3("GET", path, {"Q": "x y"}, when=NOW, nonce="app-2", action="SimTestGetThing")
    resp = await asgi(app, "GET", path, query="Q=x+z", headers=headers)
    body = assert_error(resp, 400, "SignatureDoesNotMatch", host="pai-dlc.cn-hangzhou.aliyuncs.com")
    assert body["Detail"].startswith("server canonical request is:GET\n/api/v1/simtest/things/a%2Fb%20c\nQ=x%20z\n")
    assert DEMO_ACCESS_KEY_SECRET not in resp.body.decode()


async def test_read_only_caller_cannot_mutate(app: Any, asgi: Any, official_signer: Any) -> None:
    signer = official_signer(READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET)
    path = "/api/v1/simtest/things/x/stop"
    headers = signer.v3("POST", path, when=NOW, nonce="ro-1", action="SimTestStopThing")
    body = assert_error(await asgi(app, "POST", path, headers=headers), 403, "Forbidden.RAM")
    assert body["Message"] == ("User not authorized to operate on the specified resource, "
                               "or this API doesn't support RAM.")
    headers = signer.v3("GET", "/api/v1/simtest/things/x", when=NOW, nonce="ro-2", action="SimTestGetThing")
    assert (await asgi(app, "GET", "/api/v1/simtest/things/x", headers=headers)).status == 200


async def test_verify_auth_off_still_knows_the_caller(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, verify_auth=False)
    assert (await asgi(app, "GET", "/api/v1/simtest/things/x")).json()["Auth"] == "none"
    ro = {"authorization": f"ACS3-HMAC-SHA256 Credential={READONLY_ACCESS_KEY_ID},SignedHeaders=host,Signature=0"}
    assert_error(await asgi(app, "POST", "/api/v1/simtest/things/x/stop", headers=ro), 403, "Forbidden.RAM")


# --- response headers ------------------------------------------------------------------------------------------


async def test_date_header_comes_from_the_world_clock(app: Any, stub_world: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER)
    assert resp.headers["date"] == format_datetime(stub_world.clock.now(), usegmt=True)
    stub_world.clock.advance(3600 * 24)
    resp = await asgi(app, "GET", "/api/v1/nothing", headers=BEARER)
    assert resp.headers["date"] == format_datetime(stub_world.clock.now(), usegmt=True)
    assert resp.headers["date"] == "Tue, 03 Mar 2026 08:00:00 GMT"


async def test_every_response_has_a_request_id(app: Any, asgi: Any) -> None:
    resp = await asgi(app, "GET", "/api/v1/simtest/things/x", headers=BEARER)
    assert resp.json()["RequestId"] == resp.headers["x-acs-request-id"]
    assert int(resp.headers["content-length"]) == len(resp.body)


async def test_works_through_httpx_asgi_transport(app: Any) -> None:
    """httpx's ASGITransport puts the query into raw_path too; routing must not care."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        resp = await client.get("/api/v1/simtest/things/a%2Fb", params={"X": "1 2"}, headers=BEARER)
    assert resp.status_code == 200
    assert resp.json()["Params"] == {"thing_id": "a/b"}
    assert resp.json()["Query"] == {"X": "1 2"}


async def test_lifespan_is_answered(app: Any) -> None:
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_the_app_serves_the_tables_it_lists_and_importing_registers_nothing() -> None:
    routes = served_routes()
    assert {r.product for r in routes} == set(PRODUCTS)
    assert len({(r.product, r.action) for r in routes}) == len(routes)  # no operation declared twice
    for name in ROUTE_TABLES:  # every listed module's table, whole and in order
        table = list(importlib.import_module(name).routes)
        assert table and all(r in routes for r in table)
    import paitui.sim.routing as routing
    assert not any(isinstance(v, list) and v and isinstance(v[0], Route) for v in vars(routing).values())


async def test_an_app_serves_only_the_routes_it_is_given(stub_world: Any, asgi: Any) -> None:
    table = Routes("dlc")

    @table.route("SimTestOnly", "GET", "/api/v1/simtest/only")
    def only(call: Call) -> dict[str, Any]:
        return {"RequestId": call.request_id}

    app = create_app(stub_world, verify_auth=False, routes=tuple(table))
    assert (await asgi(app, "GET", "/api/v1/simtest/only")).status == 200
    assert (await asgi(app, "GET", "/api/v1/jobs")).status == 404  # not in its table
    assert (await asgi(create_app(stub_world, verify_auth=False), "GET", "/api/v1/simtest/only")).status == 404


def test_package_exports_and_serve_banner() -> None:
    import paitui.sim as sim
    from paitui.sim.faults import FaultPlan
    from paitui.sim.serve import banner

    assert sim.create_app is create_app
    assert sim.FaultPlan is FaultPlan
    text = banner("http://127.0.0.1:8899", seed=7, jobs=400, speed=1.0, faults=FaultPlan.parse("throttle=0.1"))
    for key in PRODUCTS:
        assert f"--endpoint {key}=http://127.0.0.1:8899" in text
    for value in (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_BEARER_TOKEN, READONLY_ACCESS_KEY_ID):
        assert value in text
    assert "throttle=0.1" in text
