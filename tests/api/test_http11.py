"""The lean HTTP/1.1 transport (``paitui/api/http11.py``) against scripted servers on a real port.

Each server is a few lines of asyncio that answers exactly the bytes a case needs (framing, interim answers,
closes, resets, silence), so every branch the client's error policy depends on is driven for real.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from paitui.api.http11 import Http11Transport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TIMEOUTS = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


class Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.connections = 0

    def url(self, path: str = "/x") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[Served]:
    served = Served(0)
    writers: list[asyncio.StreamWriter] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.connections += 1
        writers.append(writer)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    served.port = server.sockets[0].getsockname()[1]
    try:
        yield served
    finally:
        for writer in writers:
            writer.close()
        server.close()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            head += await reader.readexactly(int(line.split(b":")[1]))
    return head


def answer(body: bytes = b'{"ok":true}', *, headers: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\n" + headers + b"\r\n" + body)


def keep_answering(reply: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            writer.write(reply)
            await writer.drain()

    return handler


async def get(transport: Http11Transport, url: str, *, method: str = "GET", content: bytes | None = None,
              **timeouts: float) -> httpx.Response:
    request = httpx.Request(method, url, content=content, extensions={"timeout": {**TIMEOUTS, **timeouts}})
    response = await transport.handle_async_request(request)
    await response.aread()
    return response


async def test_connections_are_kept_alive_and_reused() -> None:
    async with serve(keep_answering(answer())) as served:
        transport = Http11Transport()
        for _ in range(5):
            response = await get(transport, served.url())
            assert response.status_code == 200 and response.json() == {"ok": True}
        assert served.connections == 1
        await transport.aclose()


async def test_the_request_goes_out_as_built() -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        writer.write(answer())

    async with serve(handler) as served:
        transport = Http11Transport()
        request = httpx.Request("POST", served.url("/api/v1/jobs/a%2Fb?X=1+2"), headers={"x-acs-action": "A"},
                                content=b'{"a":1}', extensions={"timeout": TIMEOUTS})
        await (await transport.handle_async_request(request)).aread()
        await transport.aclose()
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = [line.lower() if i else line for i, line in enumerate(head.split(b"\r\n"))]  # names: any case
    assert lines[0] == b"POST /api/v1/jobs/a%2Fb?X=1+2 HTTP/1.1"
    assert {b"host: 127.0.0.1:" + str(served.port).encode(), b"x-acs-action: a", b"content-length: 7"} <= set(lines)
    assert body == b'{"a":1}'


async def test_concurrent_calls_share_at_most_max_connections() -> None:
    gate = asyncio.Event()
    in_flight = 0
    most = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal in_flight, most
        while True:
            await read_request(reader)
            in_flight += 1
            most = max(most, in_flight)
            if most >= 3:
                gate.set()
            await gate.wait()
            in_flight -= 1
            writer.write(answer())
            await writer.drain()

    async with serve(handler) as served:
        transport = Http11Transport(max_connections=3)
        responses = await asyncio.gather(*(get(transport, served.url()) for _ in range(12)))
        assert all(r.status_code == 200 for r in responses)
        assert served.connections == 3 and most == 3
        await transport.aclose()


async def test_a_full_pool_times_out_as_pool_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.Event().wait()

    async with serve(silent) as served:
        transport = Http11Transport(max_connections=1)
        first = asyncio.create_task(get(transport, served.url()))
        while served.connections == 0:
            await asyncio.sleep(0)
        with pytest.raises(httpx.PoolTimeout):
            await get(transport, served.url(), pool=0.01)
        first.cancel()
        await transport.aclose()


async def test_chunked_gzip_and_interim_answers_are_read() -> None:
    payload = gzip.compress(b'{"Jobs":[1,2,3]}')
    reply = (b"HTTP/1.1 100 Continue\r\n\r\n"
             b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n"
             + f"{len(payload[:10]):x}\r\n".encode() + payload[:10] + b"\r\n"
             + f"{len(payload[10:]):x};ext=1\r\n".encode() + payload[10:] + b"\r\n0\r\nx-trailer: 1\r\n\r\n")
    async with serve(keep_answering(reply)) as served:
        transport = Http11Transport()
        for _ in range(2):  # the connection is reusable after a chunked body
            response = await get(transport, served.url())
            assert response.json() == {"Jobs": [1, 2, 3]}
        assert served.connections == 1
        await transport.aclose()


async def test_close_delimited_and_connection_close_answers_are_not_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end")
        await writer.drain()

    async with serve(handler) as served:
        transport = Http11Transport()
        assert (await get(transport, served.url())).content == b"until the end"
        assert (await get(transport, served.url())).content == b"until the end"
        assert served.connections == 2
        await transport.aclose()

    async with serve(keep_answering(answer(headers=b"connection: close\r\n"))) as served:
        transport = Http11Transport()
        await get(transport, served.url())
        await get(transport, served.url())
        assert served.connections == 2
        await transport.aclose()


async def test_no_body_for_head_and_204() -> None:
    async with serve(keep_answering(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")) as served:
        transport = Http11Transport()
        assert (await get(transport, served.url(), method="DELETE")).status_code == 204
        assert (await get(transport, served.url(), method="DELETE")).status_code == 204
        assert served.connections == 1
        await transport.aclose()


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer())
        await writer.drain()  # then the handler returns and the server closes the connection

    async with serve(once) as served:
        transport = Http11Transport()
        await get(transport, served.url())
        idle = transport._idle[(b"http", b"127.0.0.1", served.port)][0]
        while not idle.eof:  # the server's FIN reaches the idle connection
            await asyncio.sleep(0)
        assert (await get(transport, served.url())).status_code == 200
        assert served.connections == 2
        await transport.aclose()


async def test_an_expired_idle_connection_is_not_reused() -> None:
    now = [0.0]
    async with serve(keep_answering(answer())) as served:
        transport = Http11Transport(keepalive_expiry=5.0, monotonic=lambda: now[0])
        await get(transport, served.url())
        now[0] = 6.0
        await get(transport, served.url())
        assert served.connections == 2
        await transport.aclose()


async def test_a_close_without_an_answer_is_a_remote_protocol_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async with serve(hang_up) as served:
        transport = Http11Transport()
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await get(transport, served.url())
        await transport.aclose()


async def test_a_reset_or_a_cut_body_is_an_error_after_sending() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        writer.transport.abort()

    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"Jobs\": [")
        await writer.drain()

    for handler in (reset, cut):
        async with serve(handler) as served:
            transport = Http11Transport()
            with pytest.raises(httpx.HTTPError) as info:
                await get(transport, served.url())
            # sent, answer lost: never one of the "never connected" errors the retry policy repeats freely
            assert isinstance(info.value, httpx.ReadError | httpx.RemoteProtocolError)
            await transport.aclose()


async def test_refused_and_unreachable_are_connect_errors() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        transport = Http11Transport()
        with pytest.raises(httpx.ConnectError):
            await get(transport, f"http://127.0.0.1:{port}/x")
        with pytest.raises(httpx.ConnectError):
            await get(transport, "http://no-such-host.invalid/x")
        await transport.aclose()
        assert transport._open == 0


async def test_silence_is_a_read_timeout_and_the_connection_is_dropped() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.Event().wait()

    async with serve(silent) as served:
        transport = Http11Transport()
        with pytest.raises(httpx.ReadTimeout):
            await get(transport, served.url(), read=0.01)
        assert transport._open == 0
        await transport.aclose()


async def test_a_cancelled_request_closes_its_connection() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.Event().wait()

    async with serve(silent) as served:
        transport = Http11Transport(max_connections=1)
        task = asyncio.create_task(get(transport, served.url()))
        while served.connections == 0:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert transport._open == 0 and not any(transport._idle.values())
        await transport.aclose()


async def test_garbage_is_a_remote_protocol_error() -> None:
    async with serve(keep_answering(b"SSH-2.0-OpenSSH\r\n\r\n")) as served:
        transport = Http11Transport()
        with pytest.raises(httpx.RemoteProtocolError, match="Not an HTTP answer"):
            await get(transport, served.url())
        await transport.aclose()


# --- PaiClient on it -----------------------------------------------------------------------------------------


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def test_the_client_picks_this_transport_unless_a_proxy_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from paitui.api.transport import ProxiedTransport, default_transport

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert isinstance(default_transport(), Http11Transport)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert isinstance(default_transport(), ProxiedTransport)  # httpx routes through it, NO_PROXY included


async def test_the_client_keeps_its_error_policy_over_this_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection dropped after sending: a read is repeated, a mutation's outcome is unknown (never resent),
    and a refused connection is a network error that names the host."""
    from paitui.api import errors as e
    from paitui.api.client import PaiClient
    from paitui.api.credentials import StaticProvider
    from paitui.config import Settings
    from paitui.sim import identity
    from paitui.sim.clock import SimClock
    from paitui.sim.serve import start_in_thread
    from paitui.sim.world import World

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    provider = StaticProvider.ak(identity.DEMO_ACCESS_KEY_ID, identity.DEMO_ACCESS_KEY_SECRET, description="ak")
    attempts: list[str] = []
    world = World(seed=7, clock=SimClock.manual())
    with start_in_thread(world, port=0, faults="GetJob|StopJob:drop=1") as server:
        settings = Settings(endpoints={"*": server.url}, max_attempts=3, backoff_base=0)
        async with PaiClient(settings, credentials=provider, on_request=lambda action, _: attempts.append(action),
                             ) as client:
            assert isinstance(client._transport, Http11Transport)
            jobs = await client.dlc.list_jobs(page_size=3)
            assert len(jobs.jobs) == 3
            job_id = jobs.jobs[0].job_id
            with pytest.raises(e.NetworkError, match="lost before the answer"):
                await client.dlc.get_job(job_id)
            with pytest.raises(e.OutcomeUnknownError):
                await client.dlc.stop_job(job_id)
    assert attempts == ["ListJobs", "GetJob", "GetJob", "GetJob", "StopJob"]
    async with PaiClient(Settings(endpoints={"*": server.url}, max_attempts=1), credentials=provider) as client:
        with pytest.raises(e.NetworkError, match="could not reach"):  # the server is gone: refused
            await client.dlc.list_jobs(page_size=1)
