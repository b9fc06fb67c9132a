"""A lean HTTP/1.1 keep-alive transport for ``PaiClient``: asyncio protocols, one pool, h11 for the framing.

Why not httpx's default transport (httpcore): measured at 50 calls in flight (tests/bench/bench_client.py), its
pool re-examines every connection for every queued request on every request start and end (O(connections²)
per event), httpx keeps only 20 idle connections of 100 (so most calls of a burst reconnect), and every lock,
event and cancel shield it makes asks ``sniffio`` for the event loop, retrying a failed import each time when
it is absent. Those layers were most of a call's CPU. PAI needs none of their generality: plain HTTP/1.1
requests with small bodies.

The bytes on the wire both ways are h11's (the HTTP/1.1 state machine httpcore and uvicorn use): it writes
the request, parses the answer (status line, headers, Content-Length, chunked or close-delimited bodies, 1xx
interim answers, HEAD/204/304 without a body) and says whether the connection may carry another request
(both sides ``DONE``: not after ``Connection: close``, a close-delimited body, HTTP/1.0 or an error).

What it keeps from httpcore, because ``PaiClient``'s error policy reads it (docs/ARCHITECTURE.md, "Error
policy"): the exception types. A request that never reached the server raises ``httpx.ConnectError`` /
``ConnectTimeout`` / ``PoolTimeout`` (safe to repeat anything); once bytes may have been sent, a lost answer is
``httpx.RemoteProtocolError`` / ``ReadError`` / ``ReadTimeout`` / ``WriteTimeout``. Timeouts come from the
request's ``timeout`` extension (connect, read, write, pool), as with httpx.

Connections: at most ``max_connections`` open, idle ones kept ``keepalive_expiry`` seconds and reused most
recent first; one the server closed, that holds unread bytes, or that h11 says must close is never reused. A
request cancelled part way (the client's overall deadline) closes its connection. HTTPS offers only
``http/1.1`` by ALPN, verified with ``ssl_context`` (httpx's default: the certifi bundle).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Callable

import h11
import httpx

MAX_CONNECTIONS = 64
KEEPALIVE_EXPIRY = 5.0  # httpx's own; the gateway (and the simulator) keep idle connections 75 s
_MAX_HEAD = 64 * 1024  # a status line and headers longer than this are not an HTTP answer we can use

Origin = tuple[bytes, bytes, int]  # scheme, host, port


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; ``data_received`` feeds h11, whose events the reader waits for."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.http = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self.received = 0  # bytes of the current answer so far
        self.eof = False
        self.lost: BaseException | None = None
        self.closed = False
        self.expires = 0.0
        self._waiter: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.http.receive_data(data)  # bytes while idle stay in h11's buffer: trailing data, never reused
        self.received += len(data)
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close our side too: an HTTP/1.1 answer never continues after the server's FIN

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.eof = True
        self.lost = exc
        self._wake()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # --- use ---

    def reusable(self, now: float) -> bool:
        return (not (self.closed or self.eof or self.http.trailing_data[0])
                and self.http.our_state is h11.IDLE and now < self.expires)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def write(self, data: bytes, timeout: float | None) -> None:
        if self.closed or self.transport is None or self.transport.is_closing():
            raise httpx.RemoteProtocolError("The connection closed before the request was sent.")
        self.transport.write(data)
        if self._writable is not None:  # the kernel's buffer is full: wait until it drains
            try:
                async with asyncio.timeout(timeout):
                    await self._writable
            except TimeoutError:
                raise httpx.WriteTimeout("Timed out while sending the request.") from None

    async def wait(self, timeout: float | None) -> None:
        """Until more bytes arrive or the stream ends; a read timeout otherwise."""
        if self.eof:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        except TimeoutError:
            raise httpx.ReadTimeout("Timed out while reading the answer.") from None
        finally:
            self._waiter = None


def _request_bytes(http: h11.Connection, request: httpx.Request, body: bytes) -> bytes:
    # httpx.Request has set Host and Content-Length; h11 checks the names and values and frames the body
    data = http.send(h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw))
    if body:
        data += http.send(h11.Data(data=body))
    return data + http.send(h11.EndOfMessage())


async def _read_answer(conn: _Connection, timeout: float | None) -> tuple[h11.Response, bytes]:
    """The final answer (1xx interim answers skipped) and its whole body."""
    http = conn.http
    answer: h11.Response | None = None
    chunks: list[bytes] = []
    ended = False  # the server's end of stream was given to h11
    while True:
        try:
            event = http.next_event()
        except h11.RemoteProtocolError as exc:
            if ended:
                raise httpx.RemoteProtocolError(
                    f"The server closed the connection in the middle of an answer ({exc}).") from exc
            if answer is None:
                raise httpx.RemoteProtocolError(f"Not an HTTP answer ({exc}).") from exc
            raise httpx.RemoteProtocolError(f"A malformed answer ({exc}).") from exc
        if event is h11.NEED_DATA:
            if not conn.eof:
                await conn.wait(timeout)
            elif conn.lost is not None:
                raise httpx.ReadError(str(conn.lost) or type(conn.lost).__name__)
            elif not conn.received:  # a close before any byte: the request may never have been read
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            else:
                http.receive_data(b"")  # the end of a close-delimited body, or of an answer cut short
                ended = True
        elif isinstance(event, h11.Response):
            answer = event
        elif isinstance(event, h11.Data):
            chunks.append(event.data)
        elif isinstance(event, h11.EndOfMessage):
            assert answer is not None  # h11 ends a message only after its head
            return answer, b"".join(chunks)
        elif isinstance(event, h11.ConnectionClosed):
            raise httpx.RemoteProtocolError("The server closed the connection in the middle of an answer.")
        # h11.InformationalResponse (100 Continue and the like): the final answer follows


class Http11Transport(httpx.AsyncBaseTransport):
    """``httpx.AsyncBaseTransport`` over pooled HTTP/1.1 keep-alive connections (http and https).

    ``ssl_context`` makes the TLS context on the first https request (it reads the CA bundle): httpx's
    verifying default, or the caller's (a test's own CA, a corporate bundle). Only ``http/1.1`` is offered.
    """

    def __init__(self, *, max_connections: int = MAX_CONNECTIONS, keepalive_expiry: float = KEEPALIVE_EXPIRY,
                 ssl_context: Callable[[], ssl.SSLContext] = httpx.create_ssl_context,
                 monotonic: Callable[[], float] = time.monotonic, unix_socket: str | None = None) -> None:
        self.max_connections = max_connections
        self.unix_socket = unix_socket  # every origin is served there (the demo's simulator process)
        self.keepalive_expiry = keepalive_expiry
        self._make_ssl = ssl_context
        self._ssl: ssl.SSLContext | None = None
        self._monotonic = monotonic
        self._idle: dict[Origin, list[_Connection]] = {}
        self._open = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._closed = False

    # --- the pool ---

    def _discard(self, conn: _Connection) -> None:
        conn.close()
        self._open -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _reuse(self, origin: Origin) -> _Connection | None:
        stack = self._idle.get(origin)
        now = self._monotonic()
        while stack:
            conn = stack.pop()  # the most recently used: the likeliest to be alive
            if conn.reusable(now):
                return conn
            self._discard(conn)
        return None

    def _close_an_idle(self) -> bool:
        for stack in self._idle.values():
            if stack:
                self._discard(stack.pop(0))  # the oldest
                return True
        return False

    async def _acquire(self, origin: Origin, timeouts: dict[str, float | None]) -> _Connection:
        pool_timeout = timeouts.get("pool")
        try:
            async with asyncio.timeout(pool_timeout):
                while True:
                    conn = self._reuse(origin)
                    if conn is not None:
                        return conn
                    if self._open < self.max_connections or self._close_an_idle():
                        break
                    waiter = asyncio.get_running_loop().create_future()
                    self._waiting.append(waiter)
                    try:
                        await waiter
                    except BaseException:
                        if waiter.done() and not waiter.cancelled():
                            self._wake_one()  # woken, then cancelled: pass the free slot on
                        raise
        except TimeoutError:
            raise httpx.PoolTimeout("Timed out waiting for a free connection.") from None
        self._open += 1
        try:
            return await self._connect(origin, timeouts.get("connect"))
        except BaseException:
            self._open -= 1
            self._wake_one()
            raise

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == b"https":
            if self._ssl is None:
                self._ssl = self._make_ssl()
                self._ssl.set_alpn_protocols(["http/1.1"])  # the only protocol spoken here
            tls = self._ssl
        name = host.decode("ascii")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                if self.unix_socket is not None:
                    _, conn = await loop.create_unix_connection(lambda: _Connection(origin), self.unix_socket)
                else:
                    _, conn = await loop.create_connection(lambda: _Connection(origin), name, port, ssl=tls,
                                                           server_hostname=name if tls else None)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"Timed out connecting to {name}:{port}.") from None
        except ssl.SSLCertVerificationError as exc:  # before OSError: it is one, and deserves its own words
            raise httpx.ConnectError(
                f"the TLS certificate of {name}:{port} could not be verified: {exc.verify_message}") from exc
        except OSError as exc:  # refused, unreachable, DNS (socket.gaierror), TLS handshake (ssl.SSLError)
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        return conn

    def _release(self, conn: _Connection, keep: bool) -> None:
        if keep and not self._closed and conn.reusable(self._monotonic()):
            self._idle.setdefault(conn.origin, []).append(conn)
            self._wake_one()
        else:
            self._discard(conn)

    # --- httpx.AsyncBaseTransport ---

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("The transport is closed.")
        url = request.url
        scheme = url.raw_scheme
        if scheme not in (b"http", b"https"):
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol {url.scheme!r}.")
        origin = (scheme, url.raw_host, url.port or (443 if scheme == b"https" else 80))
        timeouts = request.extensions.get("timeout", {})
        body = request.content  # PaiClient's bodies are always in memory
        conn = await self._acquire(origin, timeouts)
        keep = False
        try:
            conn.expires = self._monotonic() + self.keepalive_expiry
            try:
                data = _request_bytes(conn.http, request, body)
            except h11.LocalProtocolError as exc:  # a header h11 will not write: nothing was sent
                raise httpx.LocalProtocolError(str(exc)) from exc
            conn.received = 0
            await conn.write(data, timeouts.get("write"))
            answer, content = await _read_answer(conn, timeouts.get("read"))
            http = conn.http
            # both sides DONE: h11 found the answer framed and nothing asks to close (else MUST_CLOSE/CLOSED)
            keep = http.our_state is h11.DONE and http.their_state is h11.DONE
            if keep:
                http.start_next_cycle()
        finally:
            self._release(conn, keep)
        return httpx.Response(answer.status_code, headers=answer.headers.raw_items(),
                              stream=httpx.ByteStream(content),
                              extensions={"http_version": b"HTTP/" + answer.http_version,
                                          "reason_phrase": answer.reason})

    async def aclose(self) -> None:
        self._closed = True
        for stack in self._idle.values():
            while stack:
                self._discard(stack.pop())
        self._idle.clear()
