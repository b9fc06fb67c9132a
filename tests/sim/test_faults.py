"""Injected faults: the spec grammar, seeded rates, and what each fault looks like on the wire."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

import httpx
import pytest

from paitui.sim.app import create_app
from paitui.sim.faults import ConnectionDropped, FaultPlan, FaultSpecError, Rule, coerce
from paitui.sim.identity import DEMO_BEARER_TOKEN
from paitui.sim.routing import Call
from paitui.sim.serve import start_in_thread

BEARER = {"authorization": f"Bearer {DEMO_BEARER_TOKEN}"}


def ok(call: Call) -> dict[str, Any]:
    return {"RequestId": call.request_id, "Action": call.action, "Items": list(range(20))}


@pytest.fixture
def routes(temp_route: Any) -> None:
    temp_route("dlc", "ListJobs", "GET", "/api/v1/simtest/faults/jobs")(ok)
    temp_route("dlc", "GetJob", "GET", "/api/v1/simtest/faults/jobs/{job_id}")(ok)


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


# --- grammar ---------------------------------------------------------------------------------------------------


def test_parse_the_documented_example() -> None:
    plan = FaultPlan.parse("throttle=0.1,error5xx=0.05,latency=0.2-2s,malformed=0.02,drop=0.01")
    rule = plan.rule_for("Anything")
    assert (rule.throttle, rule.error5xx, rule.malformed, rule.drop) == (0.1, 0.05, 0.02, 0.01)
    assert (rule.latency, rule.latency_p, rule.retry_after) == ((0.2, 2.0), 1.0, 1.0)


def test_per_action_groups_override_key_by_key() -> None:
    plan = FaultPlan.parse(" throttle=0.1, error5xx=5% ; ListJobs|GetJob : throttle=0.5 ; GetJob:drop=0.2; "
                           "*:latency=100ms")
    assert (plan.rule_for("ListJobs").throttle, plan.rule_for("ListJobs").error5xx) == (0.5, 0.05)
    assert (plan.rule_for("GetJob").throttle, plan.rule_for("GetJob").drop) == (0.5, 0.2)
    assert plan.rule_for("StopJob").throttle == 0.1
    assert plan.rule_for("StopJob").latency == (0.1, 0.1)
    assert plan.rule_for("ListJobs").latency == (0.1, 0.1)  # inherited from the later "*" group


@pytest.mark.parametrize(("text", "expected"), [
    ("latency=2s", ((2.0, 2.0), 1.0)),
    ("latency=250ms", ((0.25, 0.25), 1.0)),
    ("latency=0.2-2s", ((0.2, 2.0), 1.0)),
    ("latency=100-300ms", ((0.1, 0.3), 1.0)),
    ("latency=100ms-1s", ((0.1, 1.0), 1.0)),
    ("latency=1-2", ((1.0, 2.0), 1.0)),
    ("latency=0.2-2s@0.25", ((0.2, 2.0), 0.25)),
    ("latency=1s@10%", ((1.0, 1.0), 0.1)),
])
def test_latency_forms(text: str, expected: tuple[tuple[float, float], float]) -> None:
    rule = FaultPlan.parse(text).rule_for("X")
    assert rule.latency is not None
    assert (tuple(round(x, 9) for x in rule.latency), rule.latency_p) == expected


def test_retry_after_and_empty_specs() -> None:
    assert FaultPlan.parse("throttle=1,retry-after=250ms").rule_for("X").retry_after == 0.25
    assert coerce("") is None and coerce("none") is None and coerce(None) is None
    assert not FaultPlan.parse(" ; ").active
    plan = FaultPlan.parse("drop=0.5")
    assert coerce(plan) is plan


@pytest.mark.parametrize(("spec", "fragment"), [
    ("throttle=2", "outside [0, 1]"),
    ("throttle=-0.1", "outside [0, 1]"),
    ("throttle=lots", "not a probability"),
    ("explode=0.1", "unknown fault"),
    ("throttle", "name=value"),
    ("throttle=", "name=value"),
    ("latency=fast", "not a duration"),
    ("latency=2-1s", "upper bound"),
    ("latency=1s@2", "outside [0, 1]"),
    ("throttle=0.6,error5xx=0.5", "add up to"),
    ("throttle=0.6;ListJobs:drop=0.5", "add up to"),
    ("List-Jobs:throttle=0.1", "not an action name"),
    ("retry-after=soon", "not a duration"),
])
def test_bad_specs_are_explained(spec: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError, match=re.escape(fragment)):
        FaultPlan.parse(spec)


def test_describe_round_trips_the_settings() -> None:
    plan = FaultPlan.parse("throttle=0.1;ListJobs:drop=0.2")
    assert plan.describe() == "throttle=0.1;ListJobs:drop=0.2"
    assert FaultPlan.parse("").describe() == "none"


def test_rule_over() -> None:
    assert Rule(throttle=0.5).over(Rule(throttle=0.1, drop=0.2)) == Rule(throttle=0.5, drop=0.2)


# --- seeded rates ----------------------------------------------------------------------------------------------


def within_binomial(observed: int, n: int, p: float, sigmas: float = 4.5) -> bool:
    return abs(observed - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


async def test_observed_rates_match_the_plan(stub_world: Any, routes: None, asgi: Any) -> None:
    n = 2000
    probs = {"throttle": 0.1, "error5xx": 0.05, "malformed": 0.02, "drop": 0.01}
    plan = FaultPlan.parse(",".join(f"{k}={v}" for k, v in probs.items()))
    app = create_app(stub_world, faults=plan, verify_auth=False)
    seen: Counter[str] = Counter()
    for _ in range(n):
        try:
            resp = await asgi(app, "GET", "/api/v1/simtest/faults/jobs")
        except ConnectionDropped:
            seen["drop"] += 1
            continue
        if resp.status == 429:
            seen["throttle"] += 1
        elif resp.status in (500, 503):
            seen["error5xx"] += 1
        elif resp.status == 200:
            try:
                json.loads(resp.body)
            except ValueError:
                seen["malformed"] += 1
    for name, p in probs.items():
        assert within_binomial(seen[name], n, p), (name, seen[name])
        assert plan.counts[name] == seen[name]
        assert plan.by_action[("ListJobs", name)] == seen[name]
    assert plan.counts["requests"] == n


def test_same_seed_same_faults() -> None:
    def run(seed: int) -> list[str | None]:
        plan = FaultPlan.parse("throttle=0.3,drop=0.1", seed=seed)
        return [plan.decide("ListJobs").outcome for _ in range(200)]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_world_seed_seeds_an_unseeded_plan(stub_world: Any) -> None:
    first, second = FaultPlan.parse("throttle=0.5"), FaultPlan.parse("throttle=0.5")
    create_app(stub_world, faults=first)
    create_app(stub_world, faults=second)
    assert [first.decide("X").outcome for _ in range(50)] == [second.decide("X").outcome for _ in range(50)]


def test_error5xx_uses_both_statuses() -> None:
    plan = FaultPlan.parse("error5xx=1", seed=3)
    assert {plan.decide("X").status for _ in range(100)} == {500, 503}


# --- the wire shape of each fault ------------------------------------------------------------------------------


async def test_throttling_response_shape(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("throttle=1,retry-after=1500ms"), verify_auth=False)
    resp = await asgi(app, "GET", "/api/v1/simtest/faults/jobs")
    assert resp.status == 429
    assert resp.headers["content-type"] == "application/json;charset=utf-8"
    assert (resp.headers["x-acs-retry-after"], resp.headers["retry-after"]) == ("1500", "2")
    body = resp.json()
    assert (body["Code"], body["Message"]) == ("Throttling.User", "Request was denied due to user flow control.")
    assert body["HostId"] == "pai-dlc.cn-hangzhou.aliyuncs.com"
    assert body["RequestId"] == resp.headers["x-acs-request-id"]


async def test_server_errors_are_json(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("error5xx=1", seed=5), verify_auth=False)
    codes = set()
    for _ in range(20):
        resp = await asgi(app, "GET", "/api/v1/simtest/faults/jobs")
        codes.add((resp.status, resp.json()["Code"]))
    assert codes == {(500, "InternalError"), (503, "ServiceUnavailable")}


async def test_malformed_is_a_200_that_is_not_json(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("malformed=1"), verify_auth=False)
    resp = await asgi(app, "GET", "/api/v1/simtest/faults/jobs")
    assert resp.status == 200
    with pytest.raises(ValueError):
        json.loads(resp.body)


async def test_latency_uses_the_injected_sleep(stub_world: Any, routes: None, asgi: Any) -> None:
    sleep = RecordingSleep()
    plan = FaultPlan.parse("latency=0.2-2s;GetJob:latency=50ms", sleep=sleep)
    app = create_app(stub_world, faults=plan, verify_auth=False)
    for _ in range(30):
        assert (await asgi(app, "GET", "/api/v1/simtest/faults/jobs")).status == 200
    await asgi(app, "GET", "/api/v1/simtest/faults/jobs/j1")
    assert len(sleep.calls) == 31 == plan.counts["latency"]
    assert all(0.2 <= s <= 2.0 for s in sleep.calls[:30])
    assert len({round(s, 6) for s in sleep.calls[:30]}) > 20  # drawn, not constant
    assert sleep.calls[-1] == pytest.approx(0.05)


async def test_per_action_faults_leave_other_actions_alone(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("ListJobs:throttle=1"), verify_auth=False)
    assert (await asgi(app, "GET", "/api/v1/simtest/faults/jobs")).status == 429
    assert (await asgi(app, "GET", "/api/v1/simtest/faults/jobs/j1")).status == 200


async def test_faults_come_after_authentication(stub_world: Any, routes: None, asgi: Any) -> None:
    plan = FaultPlan.parse("throttle=1")
    app = create_app(stub_world, faults=plan)
    resp = await asgi(app, "GET", "/api/v1/simtest/faults/jobs")
    assert resp.json()["Code"] == "MissingAuthorization"
    assert plan.counts["throttle"] == 0
    assert (await asgi(app, "GET", "/api/v1/simtest/faults/jobs", headers=BEARER)).status == 429


async def test_drop_in_process_raises(stub_world: Any, routes: None, asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("drop=1"), verify_auth=False)
    with pytest.raises(ConnectionDropped):
        await asgi(app, "GET", "/api/v1/simtest/faults/jobs")


def test_drop_over_uvicorn_closes_without_a_response(stub_world: Any, routes: None) -> None:
    with start_in_thread(stub_world, port=0, faults="ListJobs:drop=1", verify_auth=False) as server:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                client.get("/api/v1/simtest/faults/jobs")
            # the server lives on: the next connection is answered
            assert client.get("/api/v1/simtest/faults/jobs/j1").status_code == 200
        assert server.app.faults is not None and server.app.faults.counts["drop"] == 1


# --- lost: performed, then the answer is dropped ------------------------------------------------------------


@pytest.fixture
def counting_route(temp_route: Any) -> list[str]:
    """A mutation whose handler records that it ran."""
    performed: list[str] = []

    def stop(call: Call) -> dict[str, Any]:
        performed.append(call.request_id)
        return {"RequestId": call.request_id}

    temp_route("dlc", "StopJob", "POST", "/api/v1/simtest/faults/jobs/{job_id}/stop", mutating=True)(stop)
    return performed


def test_lost_is_parsed_counted_and_exclusive() -> None:
    plan = FaultPlan.parse("StopJob:lost=0.4", seed=3)
    assert plan.rule_for("StopJob").lost == 0.4 and plan.describe() == "StopJob:lost=0.4"
    assert sum(plan.decide("StopJob").outcome == "lost" for _ in range(500)) == plan.counts["lost"] > 100
    with pytest.raises(FaultSpecError, match="lost add up to"):
        FaultPlan.parse("drop=0.6,lost=0.6")


async def test_lost_in_process_runs_the_handler_then_drops(stub_world: Any, counting_route: list[str],
                                                           asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("StopJob:lost=1"), verify_auth=False)
    with pytest.raises(ConnectionDropped):
        await asgi(app, "POST", "/api/v1/simtest/faults/jobs/j1/stop")
    assert len(counting_route) == 1  # applied, although no answer came
    drop = create_app(stub_world, faults=FaultPlan.parse("StopJob:drop=1"), verify_auth=False)
    with pytest.raises(ConnectionDropped):
        await asgi(drop, "POST", "/api/v1/simtest/faults/jobs/j1/stop")
    assert len(counting_route) == 1  # drop happens before the handler: nothing applied


async def test_malformed_on_a_mutation_applies_it(stub_world: Any, counting_route: list[str], asgi: Any) -> None:
    app = create_app(stub_world, faults=FaultPlan.parse("StopJob:malformed=1"), verify_auth=False)
    resp = await asgi(app, "POST", "/api/v1/simtest/faults/jobs/j1/stop")
    assert resp.status == 200 and len(counting_route) == 1
    with pytest.raises(ValueError):
        json.loads(resp.body)


def test_lost_over_uvicorn_applies_and_closes_without_a_response(stub_world: Any,
                                                                 counting_route: list[str]) -> None:
    with start_in_thread(stub_world, port=0, faults="StopJob:lost=1", verify_auth=False) as server:
        with httpx.Client(base_url=server.url, timeout=5) as client, \
                pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.post("/api/v1/simtest/faults/jobs/j1/stop")
        assert server.app.faults is not None and server.app.faults.counts["lost"] == 1
    assert len(counting_route) == 1
