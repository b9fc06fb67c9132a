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
        with pytest.raises(e.OutcomeUnknownError) as info:
            await client.invoke(STOP, {"JobId": "dlc1"})
    assert write.calls == 1
    # the request reached the server: the outcome is unknown, caused by the timeout, which names the host
    assert isinstance(info.value.cause, e.TimeoutError_) and "pai.test" in str(info.value.cause)


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


# --- retry policy and lost answers -----------------------------------------------------------------------

UPDATE = Operation("dlc", "UpdateJob", "PUT", "/api/v1/jobs/{JobId}", Echo,
                   (Param("JobId", "path", required=True),), mutating=True, idempotent=True)


class Failing(httpx.AsyncBaseTransport):
    """Raises ``exc`` for the first ``failures`` requests, then passes them to ``inner``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, exc: type[httpx.TransportError], failures: int) -> None:
        self.inner, self.exc, self.failures, self.calls = inner, exc, failures, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc("scripted failure", request=request)
        return await self.inner.handle_async_request(request)


def _client_on(transport: httpx.AsyncBaseTransport, clock: Clock, **settings: Any) -> PaiClient:
    return PaiClient(Settings(endpoints={"*": "http://pai.test"}, **settings), credentials=Provider(),
                     transport=transport, sleep=clock.sleep, now=clock.now, monotonic=clock.monotonic,
                     rng=random.Random(1))


# (what goes wrong, retried for a read, retried for a non-idempotent mutation, what the mutation raises)
_POLICY = [
    ("throttled", True, True, e.ThrottledError),  # the gateway refused it before the backend
    ("connect", True, True, e.NetworkError),  # never sent
    ("5xx", True, False, e.OutcomeUnknownError),  # the backend may have acted
    ("reset", True, False, e.OutcomeUnknownError),  # connection lost after sending
    ("read-timeout", True, False, e.OutcomeUnknownError),
    ("cut-body", False, False, e.OutcomeUnknownError),  # 2xx whose body cannot be read
]


def _failing(kind: str, failures: int) -> tuple[httpx.AsyncBaseTransport, Script]:
    replies: dict[str, Callable[[], Reply]] = {
        "throttled": lambda: err(429, "Throttling.User"), "5xx": lambda: err(500, "InternalError"),
        "cut-body": lambda: (200, {}, b'{"RequestId":"R-CUT","Jo')}
    if kind in replies:
        script = Script(*[replies[kind]() for _ in range(failures)], ok())
        return httpx.ASGITransport(app=script), script
    script = Script(ok())
    exc = {"connect": httpx.ConnectError, "reset": httpx.RemoteProtocolError, "read-timeout": httpx.ReadTimeout}
    return Failing(httpx.ASGITransport(app=script), exc[kind], failures), script


def _sent(transport: httpx.AsyncBaseTransport, script: Script) -> int:
    return transport.calls if isinstance(transport, Failing) else len(script.requests)


@pytest.mark.parametrize(("kind", "read_retried", "mutation_retried", "raised"), _POLICY)
async def test_retry_policy_by_failure_and_idempotency(kind: str, read_retried: bool, mutation_retried: bool,
                                                       raised: type[e.PaiError]) -> None:
    transport, script = _failing(kind, 1)
    async with _client_on(transport, Clock()) as client:
        if read_retried:
            await client.invoke(LIST)
        else:
            with pytest.raises(e.MalformedResponseError):
                await client.invoke(LIST)
    assert _sent(transport, script) == (2 if read_retried else 1)

    transport, script = _failing(kind, 1)
    async with _client_on(transport, Clock()) as client:
        if mutation_retried:
            await client.invoke(STOP, {"JobId": "dlc1"})
        else:
            with pytest.raises(raised) as info:
                await client.invoke(STOP, {"JobId": "dlc1"})
            assert isinstance(info.value, e.OutcomeUnknownError) and info.value.cause.action == "StopJob"
    assert _sent(transport, script) == (2 if mutation_retried else 1)

    # an idempotent mutation (UpdateJob sets values) is retried whenever a read would be
    transport, script = _failing(kind, 1)
    async with _client_on(transport, Clock()) as client:
        if read_retried:
            await client.invoke(UPDATE, {"JobId": "dlc1"})
        else:
            with pytest.raises(e.OutcomeUnknownError):
                await client.invoke(UPDATE, {"JobId": "dlc1"})
    assert _sent(transport, script) == (2 if read_retried else 1)


@pytest.mark.parametrize("kind", ["throttled", "connect"])
async def test_a_mutation_refused_on_every_attempt_is_a_plain_failure(kind: str) -> None:
    transport, script = _failing(kind, 10)
    async with _client_on(transport, Clock(), max_attempts=3) as client:
        with pytest.raises(e.PaiError) as info:
            await client.invoke(STOP, {"JobId": "dlc1"})
    assert not isinstance(info.value, e.OutcomeUnknownError)  # certainly not applied
    assert _sent(transport, script) == 3


async def test_an_idempotent_mutation_lost_then_refused_stays_unknown() -> None:
    """The first attempt may have been applied; that a retry was throttled does not undo it."""
    app = Script(*[err(429, "Throttling.User")] * 5)
    transport = Failing(httpx.ASGITransport(app=app), httpx.ReadError, 1)
    async with _client_on(transport, Clock(), max_attempts=3) as client:
        with pytest.raises(e.OutcomeUnknownError) as info:
            await client.invoke(UPDATE, {"JobId": "dlc1"})
    assert isinstance(info.value.cause, e.ThrottledError) and transport.calls == 3


async def test_lost_connection_after_sending_is_not_called_unreachable() -> None:
    transport = Failing(httpx.ASGITransport(app=Script()), httpx.RemoteProtocolError, 5)
    async with _client_on(transport, Clock(), max_attempts=1) as client:
        with pytest.raises(e.NetworkError) as info:
            await client.invoke(LIST)
    assert "could not reach" not in str(info.value) and "lost" in str(info.value)
    assert "RemoteProtocolError" not in str(info.value)  # words, not class names
    transport = Failing(httpx.ASGITransport(app=Script()), httpx.ConnectError, 5)
    async with _client_on(transport, Clock(), max_attempts=1) as client:
        with pytest.raises(e.NetworkError, match=r"could not reach pai\.test"):
            await client.invoke(LIST)


def test_describe_names_errors_in_words() -> None:
    cases = [
        (e.TimeoutError_("x"), "timed out"), (e.DeadlineError("x"), "timed out"),
        (e.NetworkError("x"), "network error"), (e.MalformedResponseError("x"), "unreadable answer"),
        (e.ThrottledError("x", code="Throttling.User"), "throttled"), (e.ServerError("x"), "server error"),
        (e.ForbiddenError("x"), "access denied"), (TimeoutError(), "timed out"), (ValueError("x"), "unexpected error"),
        (e.OutcomeUnknownError(e.TimeoutError_("x", action="StopJob")), "outcome unknown, timed out"),
    ]
    for error, words in cases:
        assert e.describe(error) == words
    assert all(e.describe(cls("x")) != "error" for cls in (e.ApiError, e.AuthError, e.ReadOnlyError,
                                                             e.CredentialsError, e.UsageError, e.PluginError))


# --- the overall deadline, against a real server that drips ------------------------------------------------

async def test_a_dripping_server_hits_the_deadline_not_forever() -> None:
    """A server that sends one byte at a time never trips the per-read timeout; the deadline ends it. The
    server is bounded (it gives up after 200 bytes) and closes by itself."""
    import asyncio

    sent = connections = 0
    done = asyncio.Event()

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sent, connections
        connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            body = b'{"RequestId":"R-SLOW"' + b" " * 200 + b"}"
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                         + str(len(body)).encode() + b"\r\n\r\n")
            for byte in body[:200]:
                writer.write(bytes([byte]))
                await writer.drain()
                sent += 1
                await asyncio.sleep(0.05)  # the server's pace (real time: this is a real socket)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            done.set()

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = Settings(endpoints={"*": f"http://127.0.0.1:{port}"}, request_deadline=0.3, read_timeout=5,
                        max_attempts=3)
    try:
        async with PaiClient(settings, credentials=Provider()) as client:
            with pytest.raises(e.DeadlineError) as info:
                await client.invoke(LIST)
            assert "request_deadline" in str(info.value) and e.describe(info.value) == "timed out"
            with pytest.raises(e.OutcomeUnknownError) as lost:  # a deadline hit on a mutation: unknown
                await client.invoke(STOP, {"JobId": "dlc1"})
            assert isinstance(lost.value.cause, e.DeadlineError)
        await asyncio.wait_for(done.wait(), 10)
    finally:
        server.close()
        await server.wait_closed()
    assert sent < 200  # cut off by the deadline, not finished
    assert connections == 2  # one attempt per call: a deadline hit is not retried


async def test_a_request_log_that_cannot_be_written_never_fails_the_call(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture) -> None:
    class BrokenLog(RequestLog):
        def write(self, entry: Any, secrets: Any = ()) -> None:
            raise OSError(28, "No space left on device")

    app, clock = Script(ok({"RequestId": "R1"}), ok({"RequestId": "R2"})), Clock()
    async with make_client(app, clock, request_log=BrokenLog(tmp_path / "requests.log")) as client:
        assert (await client.invoke(LIST)).request_id == "R1"
        assert (await client.invoke(LIST)).request_id == "R2"  # unlogged, and said once
    assert capsys.readouterr().err.count("the request log stopped (No space left on device)") == 1


async def test_a_body_is_read_with_the_collector_paused_and_it_runs_again_after() -> None:
    import gc

    seen: list[bool] = []

    def read(raw: bytes) -> bytes:
        seen.append(gc.isenabled())
        return raw

    app, clock = Script(ok({"RequestId": "R1"}), ok({"RequestId": "R2"}), ok({"RequestId": "R3"})), Clock()
    async with make_client(app, clock) as client:
        assert b"R1" in await client.invoke_read(LIST, {}, read)
        assert gc.isenabled()  # back on once the body is read
        gc.disable()  # an application that paused the collector itself keeps it paused
        try:
            await client.invoke_read(LIST, {}, read)
            assert not gc.isenabled()
        finally:
            gc.enable()

        def broken(raw: bytes) -> None:
            raise ValueError("not a page")

        with pytest.raises(ValueError):
            await client.invoke_read(LIST, {}, broken)
        assert gc.isenabled()  # a read that raises turns it back on too
    assert seen == [False, False]
