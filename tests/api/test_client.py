"""PaiClient core against a scripted ASGI server: retries, re-signing, error mapping, read-only, redaction.

The server here is a stand-in that answers from a script (the real simulator is exercised elsewhere); what is
under test is our client, unmocked.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import Field, SecretStr

from paitui.api import errors as e
from paitui.api.client import PaiClient
from paitui.api.credentials import Credential
from paitui.api.debuglog import RequestLog
from paitui.api.models.common import WireModel
from paitui.api.operation import Operation, Param
from paitui.api.signing import sign_v3
from paitui.config import Settings

SECRET = "Zq8vN3kLmP0rT5wYb2cD7fGh1jKs4x"  # real-looking, must never leak
AK = "LTAI5tR9xY2mN4pQ6sT8vW1z"


class Echo(WireModel):
    request_id: str | None = Field(None, alias="RequestId")

LIST = Operation("dlc", "ListJobs", "GET", "/api/v1/jobs", Echo,
                 (Param("PageSize", kind="int"), Param("ShowOwn", kind="bool")))
STOP = Operation("dlc", "StopJob", "POST", "/api/v1/jobs/{JobId}/stop", Echo,
                 (Param("JobId", "path", required=True),), mutating=True)
SCHEDULES = Operation("plugin", "ListSchedules", "GET", "/api/v2/schedules", Echo)


class Provider:
    name = "static_ak"
    description = "test key"

    async def get_credential(self) -> Credential:
        return Credential(kind="ak", access_key_id=AK, access_key_secret=SecretStr(SECRET),
                          security_token=None, bearer_token=None, provider_name="static_ak", expiration=None)


Reply = tuple[int, dict[str, str], bytes]


class Script:
    """An ASGI app answering each request with the next scripted reply, recording what it received."""

    def __init__(self, *replies: Reply | Callable[[], Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append({"method": scope["method"], "path": scope["raw_path"].decode(),
                              "query": scope["query_string"].decode(), "headers": headers, "body": body})
        reply = self.replies.pop(0) if self.replies else (200, {}, b'{"RequestId":"OK"}')
        if callable(reply):
            reply = reply()
        status, extra, content = reply
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                *((k.encode(), v.encode()) for k, v in extra.items())]})
        await send({"type": "http.response.body", "body": content})


def ok(body: dict[str, Any] | None = None, **headers: str) -> Reply:
    return 200, headers, json.dumps(body or {"RequestId": "R-OK"}).encode()


def err(status: int, code: str, message: str = "boom", **headers: str) -> Reply:
    return status, headers, json.dumps({"RequestId": "R-ERR", "HostId": "pai-dlc.cn-hangzhou.aliyuncs.com",
                                        "Code": code, "Message": message, "Recommend": "https://x"}).encode()


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        self.mono = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.t

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)
        self.mono += seconds


def make_client(app: Script, clock: Clock, **kw: Any) -> PaiClient:
    settings = Settings(endpoints={"*": "http://pai.test"}, **kw.pop("settings", {}))
    return PaiClient(settings, credentials=Provider(), transport=httpx.ASGITransport(app=app),
                     sleep=clock.sleep, now=clock.now, monotonic=clock.monotonic, rng=random.Random(1), **kw)


async def test_success_is_signed_and_parsed() -> None:
    app, clock = Script(ok({"RequestId": "R1", "Jobs": []})), Clock()
    async with make_client(app, clock) as client:
        result = await client.invoke(LIST, {"PageSize": 5, "ShowOwn": True})
    assert result.request_id == "R1"
    sent = app.requests[0]
    assert sent["query"] == "PageSize=5&ShowOwn=true"
    h = sent["headers"]
    assert h["x-acs-action"] == "ListJobs" and h["x-acs-version"] == "2020-12-03"
    # the Authorization header verifies when recomputed over exactly what arrived
    signed = h["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    expected = sign_v3(method="GET", path="/api/v1/jobs", query={"PageSize": "5", "ShowOwn": "true"},
                       headers={k: h[k] for k in signed}, access_key_id=AK, access_key_secret=SECRET,
                       signed_headers=signed)
    assert h["authorization"] == expected


async def test_throttling_is_retried_with_server_wait_and_fresh_signatures() -> None:
    app = Script(err(429, "Throttling.User", **{"x-acs-retry-after": "1500"}), err(429, "Throttling.User"), ok())
    clock = Clock()
    async with make_client(app, clock) as client:
        await client.invoke(LIST)
    assert len(app.requests) == 3
    assert clock.sleeps[0] == pytest.approx(1.5)  # x-acs-retry-after is milliseconds
    assert 0 <= clock.sleeps[1] <= 0.4  # full jitter under base * 2
    nonces = {r["headers"]["x-acs-signature-nonce"] for r in app.requests}
    dates = [r["headers"]["x-acs-date"] for r in app.requests]
    assert len(nonces) == 3 and dates[0] != dates[1]
    assert [r["headers"].get("x-acs-retry-attempts") for r in app.requests] == [None, "1", "2"]
    assert app.requests[1]["headers"]["x-acs-retry-delay"] == "1500"
    assert "x-acs-retry-attempts" in app.requests[1]["headers"]["authorization"]


async def test_retry_after_in_seconds_and_give_up_after_max_attempts() -> None:
    app = Script(*[err(503, "ServiceUnavailable", **{"retry-after": "2"})] * 5)
    clock = Clock()
    async with make_client(app, clock, settings={"max_attempts": 3}) as client:
        with pytest.raises(e.ServerError) as info:
            await client.invoke(LIST)
    assert len(app.requests) == 3 and clock.sleeps == [2.0, 2.0]
    assert info.value.code == "ServiceUnavailable" and info.value.request_id == "R-ERR"


@pytest.mark.parametrize(("reply", "cls", "code"), [
    (err(400, "InvalidParameter", "PageSize too big"), e.InvalidParameterError, "InvalidParameter"),
    (err(400, "MissingParameter"), e.InvalidParameterError, "MissingParameter"),
    (err(404, "NotFound.Job"), e.NotFoundError, "NotFound.Job"),
    (err(404, "InvalidAccessKeyId.NotFound"), e.AuthError, "InvalidAccessKeyId.NotFound"),
    (err(400, "SignatureDoesNotMatch"), e.AuthError, "SignatureDoesNotMatch"),
    (err(400, "InvalidTimeStamp.Expired"), e.AuthError, "InvalidTimeStamp.Expired"),
    (err(403, "Forbidden.RAM"), e.ForbiddenError, "Forbidden.RAM"),
    (err(400, "SomethingElse"), e.ApiError, "SomethingElse"),
])
async def test_error_mapping(reply: Reply, cls: type[e.PaiError], code: str) -> None:
    app, clock = Script(reply), Clock()
    async with make_client(app, clock) as client:
        with pytest.raises(cls) as info:
            await client.invoke(LIST)
    error = info.value
    assert type(error) is cls and error.code == code and error.request_id == "R-ERR"
    assert error.host_id and error.recommend and "RequestId R-ERR" in str(error)
    assert len(app.requests) == 1  # none of these is retried


async def test_malformed_and_non_json_bodies() -> None:
    app = Script((200, {}, b"{not json"), (200, {}, b"[1,2]"), (502, {}, b"<html>bad gateway</html>"),
                 (502, {}, b"<html>bad gateway</html>"), (502, {}, b"<html>bad gateway</html>"),
                 (502, {}, b"<html>bad gateway</html>"))
    clock = Clock()
    async with make_client(app, clock) as client:
        with pytest.raises(e.MalformedResponseError) as info:
            await client.invoke(LIST)
        # not JSON at all: no location to name, so no empty one either ("cannot read: : Invalid JSON")
        assert "cannot read: Invalid JSON" in str(info.value) and ": :" not in str(info.value)
        with pytest.raises(e.MalformedResponseError):
            await client.invoke(LIST)
        with pytest.raises(e.ServerError, match="not JSON"):
            await client.invoke(LIST)


async def test_plugin_error_inside_http_200() -> None:
    app = Script(ok({"RequestId": "R9", "ErrorCode": 1001, "ErrorMessage": "schedule not found", "Data": None}))
    async with make_client(app, Clock()) as client:
        with pytest.raises(e.PluginError) as info:
            await client.invoke(SCHEDULES)
    assert info.value.code == "1001" and info.value.request_id == "R9"


async def test_read_only_refuses_mutations_before_sending() -> None:
    app = Script()
    async with make_client(app, Clock(), read_only=True) as client:
        with pytest.raises(e.ReadOnlyError):
            await client.invoke(STOP, {"JobId": "dlc123"})
        await client.invoke(LIST)  # reads still work
    assert [r["path"] for r in app.requests] == ["/api/v1/jobs"]


def _drop() -> Reply:
    raise httpx.ReadError("connection reset by peer")


async def test_network_errors_retry_reads_but_never_resend_a_mutation() -> None:
    class Flaky(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport, failures: int) -> None:
            self.inner, self.failures, self.calls = inner, failures, 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            self.calls += 1
            if self.calls <= self.failures:
                raise httpx.ReadTimeout("read timed out", request=request)
            return await self.inner.handle_async_request(request)

    clock = Clock()
    read = Flaky(httpx.ASGITransport(app=Script(ok())), failures=2)
    async with PaiClient(Settings(endpoints={"*": "http://pai.test"}), credentials=Provider(), transport=read,
                         sleep=clock.sleep, now=clock.now, monotonic=clock.monotonic) as client:
        await client.invoke(LIST)
    assert read.calls == 3

    write = Flaky(httpx.ASGITransport(app=Script(ok())), failures=1)
    async with PaiClient(Settings(endpoints={"*": "http://pai.test"}), credentials=Provider(), transport=write,
                         sleep=clock.sleep, now=clock.now, monotonic=clock.monotonic) as client:
        with pytest.raises(e.TimeoutError_) as info:
            await client.invoke(STOP, {"JobId": "dlc1"})
    assert write.calls == 1
    assert "pai.test" in str(info.value)  # the message names the host it could not reach


async def test_rate_limiter_spaces_requests() -> None:
    app, clock = Script(*[ok()] * 12), Clock()
    async with make_client(app, clock, settings={"rate_limit": 5}) as client:
        for _ in range(12):
            await client.invoke(LIST)
    # a burst of 5 is free; the other 7 wait 1/5 s each
    assert sum(clock.sleeps) == pytest.approx(7 * 0.2)


async def test_server_time_is_learned_from_date_header() -> None:
    app, clock = Script(ok(**{"date": "Mon, 02 Mar 2026 09:00:00 GMT"})), Clock()
    async with make_client(app, clock) as client:
        await client.invoke(LIST)
        assert client.server_now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_debug_log_and_errors_never_contain_secrets(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    log = RequestLog(tmp_path / "requests.log")
    app, clock = Script(ok(), err(400, "SignatureDoesNotMatch", f"server string to sign is {SECRET[:3]}")), Clock()
    async with make_client(app, clock, request_log=log) as client:
        await client.invoke(LIST)
        with pytest.raises(e.AuthError) as info:
            await client.invoke(LIST)
        print(repr(client), info.value, info.value.to_dict())
    text = (tmp_path / "requests.log").read_text()
    assert "ListJobs" in text and "ACS3-HMAC-SHA256 ***" in text
    signature = app.requests[0]["headers"]["authorization"].split("Signature=")[1]
    captured = capsys.readouterr()
    for leak in (SECRET, signature):
        assert leak not in text and leak not in captured.out and leak not in captured.err
