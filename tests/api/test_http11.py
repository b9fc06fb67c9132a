"""The lean HTTP/1.1 transport (``paitui/api/http11.py``) against scripted servers on a real port.

Each server is a few lines of asyncio that answers exactly the bytes a case needs (framing, interim answers,
closes, resets, silence), so every branch the client's error policy depends on is driven for real.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
import trustme

from paitui.api.http11 import Http11Transport, _Connection

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TIMEOUTS = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


class Served:
    def __init__(self, port: int, scheme: str) -> None:
        self.port = port
        self.scheme = scheme
        self.connections = 0
        self.alpn: list[str | None] = []  # the protocol each TLS connection agreed on

    def url(self, path: str = "/x", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


@asynccontextmanager
async def serve(handler: Handler, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[Served]:
    served = Served(0, "https" if tls else "http")
    writers: list[asyncio.StreamWriter] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.connections += 1
        if tls is not None:
            served.alpn.append(writer.get_extra_info("ssl_object").selected_alpn_protocol())
        writers.append(writer)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0, ssl=tls)
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


def byte_by_byte(reply: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            await read_request(reader)
            for i in range(len(reply)):
                writer.write(reply[i:i + 1])
                await writer.drain()
                await asyncio.sleep(0)  # one turn of the loop: the client reads this byte before the next

    return handler


async def test_an_answer_in_many_tiny_writes_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = 0
    data_received = _Connection.data_received

    def counting(self: _Connection, data: bytes) -> None:
        nonlocal pieces
        pieces += 1
        data_received(self, data)

    monkeypatch.setattr(_Connection, "data_received", counting)
    body = b'{"Jobs":[1,2,3]}'
    chunked = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
               b"5\r\n" + body[:5] + b"\r\n" + f"{len(body) - 5:x}\r\n".encode() + body[5:] + b"\r\n0\r\n\r\n")
    for reply in (answer(body), chunked):
        pieces = 0
        async with serve(byte_by_byte(reply)) as served:
            transport = Http11Transport()
            for _ in range(2):  # and the connection is reusable after it
                assert (await get(transport, served.url())).json() == {"Jobs": [1, 2, 3]}
            assert served.connections == 1
            await transport.aclose()
        assert pieces > len(reply)  # the answers really came in pieces (2 answers, most bytes on their own)


async def test_headers_with_odd_spacing_and_case_are_read() -> None:
    reply = (b"HTTP/1.1 200 OK\r\nContent-LENGTH:   11  \r\nX-Acs-Request-Id:\tabc-1 \r\nCONNECTION: Keep-Alive\r\n"
             b"\r\n" + b'{"ok":true}')
    async with serve(keep_answering(reply)) as served:
        transport = Http11Transport()
        for _ in range(2):
            response = await get(transport, served.url())
            assert response.headers["x-acs-request-id"] == "abc-1" and response.json() == {"ok": True}
        assert served.connections == 1
        await transport.aclose()

    async with serve(keep_answering(answer(headers=b"Connection:  CLOSE \r\n"))) as served:
        transport = Http11Transport()
        await get(transport, served.url())
        await get(transport, served.url())
        assert served.connections == 2  # "close" in any case and spacing ends the connection
        await transport.aclose()


@pytest.mark.parametrize("status_line", [b"HTTP/1.1 2OO OK", b"HTTP/1.1200 OK", b"HTTP/x 200 OK", b"200 OK"])
async def test_a_malformed_status_line_is_a_remote_protocol_error(status_line: bytes) -> None:
    async with serve(keep_answering(status_line + b"\r\ncontent-length: 2\r\n\r\n{}")) as served:
        transport = Http11Transport()
        with pytest.raises(httpx.RemoteProtocolError, match="Not an HTTP answer"):
            await get(transport, served.url())
        assert transport._open == 0  # never reused
        await transport.aclose()


async def test_an_answer_cut_short_says_so_and_extra_bytes_spoil_a_connection() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\n{"Jo')
        await writer.drain()

    async with serve(cut) as served:
        transport = Http11Transport()
        with pytest.raises(httpx.RemoteProtocolError, match="in the middle of an answer"):
            await get(transport, served.url())
        await transport.aclose()

    async with serve(keep_answering(answer() + b"HTTP/1.1 200 OK\r\n")) as served:  # more than was asked for
        transport = Http11Transport()
        assert (await get(transport, served.url())).json() == {"ok": True}
        assert (await get(transport, served.url())).json() == {"ok": True}
        assert served.connections == 2
        await transport.aclose()


async def test_head_answers_have_no_body_and_http10_answers_are_not_reused() -> None:
    async with serve(keep_answering(answer(b"x" * 11)[:-11])) as served:  # HEAD: the length of a body not sent
        transport = Http11Transport()
        for _ in range(2):
            response = await get(transport, served.url(), method="HEAD")
            assert response.content == b"" and response.headers["content-length"] == "11"
        assert served.connections == 1
        await transport.aclose()

    reply = b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n{}"
    async with serve(keep_answering(reply)) as served:
        transport = Http11Transport()
        for _ in range(2):
            response = await get(transport, served.url())
            assert response.json() == {} and response.extensions["http_version"] == b"HTTP/1.0"
        assert served.connections == 2
        await transport.aclose()


# --- HTTPS ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_tls(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    context.set_alpn_protocols(["h2", "http/1.1"])  # a server that prefers h2 when the client offers it
    return context


def trusting(ca: trustme.CA) -> Callable[[], ssl.SSLContext]:
    def make() -> ssl.SSLContext:
        context = ssl.create_default_context()  # verifying: certificate required, hostname checked
        ca.configure_trust(context)
        return context

    return make


async def test_https_is_verified_kept_alive_and_speaks_only_http11(ca: trustme.CA) -> None:
    async with serve(keep_answering(answer()), tls=server_tls(ca, "localhost")) as served:
        transport = Http11Transport(ssl_context=trusting(ca))
        for _ in range(3):
            response = await get(transport, served.url(host="localhost"))
            assert response.json() == {"ok": True} and response.extensions["http_version"] == b"HTTP/1.1"
        assert served.connections == 1
        assert served.alpn == ["http/1.1"]  # offered h2 by the server, never agreed
        await transport.aclose()


async def test_a_wrong_hostname_or_an_untrusted_certificate_is_a_connect_error(ca: trustme.CA) -> None:
    async with serve(keep_answering(answer()), tls=server_tls(ca, "localhost")) as served:
        transport = Http11Transport(ssl_context=trusting(ca))
        with pytest.raises(httpx.ConnectError,
                           match=r"certificate of 127\.0\.0\.1:\d+ could not be verified: IP address mismatch"):
            await get(transport, served.url(host="127.0.0.1"))
        assert transport._open == 0
        await transport.aclose()

        transport = Http11Transport()  # httpx's default context: the certifi bundle, which never saw this CA
        with pytest.raises(httpx.ConnectError,
                           match=r"certificate of localhost:\d+ could not be verified: .*(self.signed|issuer)"):
            await get(transport, served.url(host="localhost"))
        assert transport._open == 0
        await transport.aclose()
        assert served.connections == 0  # no request ever reached the server


async def test_the_client_reports_an_untrusted_certificate_as_unreachable(ca: trustme.CA) -> None:
    from paitui.api import errors as e
    from paitui.api.client import PaiClient
    from paitui.api.credentials import StaticProvider
    from paitui.config import Settings
    from paitui.sim import identity

    provider = StaticProvider.ak(identity.DEMO_ACCESS_KEY_ID, identity.DEMO_ACCESS_KEY_SECRET, description="ak")
    async with serve(keep_answering(answer()), tls=server_tls(ca, "localhost")) as served:
        settings = Settings(endpoints={"*": served.url("", host="localhost")}, max_attempts=1)
        async with PaiClient(settings, credentials=provider, transport=Http11Transport()) as client:
            with pytest.raises(e.NetworkError, match=r"could not reach localhost.*certificate.*could not be verified"):
                await client.dlc.list_jobs(page_size=1)


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


async def test_a_header_that_would_split_the_request_is_refused_before_sending() -> None:
    async with serve(keep_answering(answer())) as served:
        transport = Http11Transport()
        for headers in ({"x-acs-action": "A\r\nx-evil: 1"}, {"bad name": "v"}, {"x-nul": "a\0b"}):
            request = httpx.Request("GET", served.url(), headers=headers, extensions={"timeout": TIMEOUTS})
            with pytest.raises(httpx.LocalProtocolError):
                await transport.handle_async_request(request)
        assert transport._open == 0  # the slot went back to the pool
        assert (await get(transport, served.url())).status_code == 200  # and a good request still goes out
        await transport.aclose()


async def test_headers_beyond_the_limit_and_a_switch_of_protocols_are_not_answers() -> None:
    huge = b"HTTP/1.1 200 OK\r\n" + b"x-pad: " + b"a" * (70 * 1024) + b"\r\ncontent-length: 2\r\n\r\n{}"
    upgrade = b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"
    for reply, why in ((huge, "exceed"), (upgrade, "switched protocols")):
        async with serve(keep_answering(reply)) as served:
            transport = Http11Transport()
            with pytest.raises(httpx.RemoteProtocolError, match=why):
                await get(transport, served.url())
            assert transport._open == 0
            await transport.aclose()


async def test_a_body_after_a_head_answer_spoils_the_connection() -> None:
    async with serve(keep_answering(answer(b"x" * 11))) as served:  # a server that sends the body anyway
        transport = Http11Transport()
        for _ in range(2):
            response = await get(transport, served.url(), method="HEAD")
            assert response.content == b"" and response.status_code == 200
            await asyncio.sleep(0.01)  # the stray body arrives while the connection is idle
        assert served.connections == 2
        await transport.aclose()
