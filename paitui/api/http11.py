"""A lean HTTP/1.1 keep-alive transport for ``PaiClient``: asyncio protocols, one pool, llhttp for the framing.

Why not httpx's default transport (httpcore): measured at 50 calls in flight (tests/bench/bench_client.py), its
pool re-examines every connection for every queued request on every request start and end (O(connections²)
per event), httpx keeps only 20 idle connections of 100 (so most calls of a burst reconnect), and every lock,
event and cancel shield it makes asks ``sniffio`` for the event loop, retrying a failed import each time when
it is absent. Those layers were most of a call's CPU. PAI needs none of their generality: plain HTTP/1.1
requests with small bodies.

Answers are parsed by ``httptools`` (MagicStack's bindings to llhttp, Node's parser, which uvicorn uses): status
line, headers, Content-Length, chunked or close-delimited bodies, 1xx interim answers, 204/304 without a body,
and whether the connection may carry another request (not after ``Connection: close``, HTTP/1.0 or a
close-delimited body). It replaced h11, whose per-event state machine and header validation both ways cost
several times llhttp's CPU per call (README, "Client performance"). Requests are written here from the
``httpx.Request`` as one bytes string; a header name that is not a token or a value with CR, LF or NUL is
refused before anything is sent (``httpx.LocalProtocolError``), as h11 refused it. A HEAD answer ends with its
headers (llhttp is not told the method): its parser is replaced before the connection's next request.

What it keeps from httpcore, because ``PaiClient``'s error policy reads it (docs/ARCHITECTURE.md, "Error
policy"): the exception types. A request that never reached the server raises ``httpx.ConnectError`` /
``ConnectTimeout`` / ``PoolTimeout`` (safe to repeat anything); once bytes may have been sent, a lost answer is
``httpx.RemoteProtocolError`` / ``ReadError`` / ``ReadTimeout`` / ``WriteTimeout``. Timeouts come from the
request's ``timeout`` extension (connect, read, write, pool), as with httpx.

Connections: at most ``max_connections`` open, idle ones kept ``keepalive_expiry`` seconds and reused most
recent first; one the server closed, that received bytes outside an answer, or whose answer says close is
never reused. A request cancelled part way (the client's overall deadline) closes its connection. HTTPS offers
only ``http/1.1`` by ALPN, verified with ``ssl_context`` (httpx's default: the certifi bundle).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections import deque
from collections.abc import Callable

import httptools
import httpx

MAX_CONNECTIONS = 64
KEEPALIVE_EXPIRY = 5.0  # httpx's own; the gateway (and the simulator) keep idle connections 75 s
_MAX_HEAD = 64 * 1024  # a status line and headers longer than this are not an HTTP answer we can use
_FRAMING = (b"content-length", b"transfer-encoding")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 field names
_OWS = b" \t"

Origin = tuple[bytes, bytes, int]  # scheme, host, port


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; ``data_received`` feeds llhttp, whose callbacks fill the current answer."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.received = 0  # bytes of the current answer so far
        self.eof = False
        self.lost: BaseException | None = None
        self.closed = False
        self.expires = 0.0
        self.busy = False  # a request is in flight: bytes now belong to its answer
        self.spoiled = False  # bytes outside an answer, or a parser error: never reused
        self.error: Exception | None = None  # llhttp's complaint about the current answer
        self.head_request = False
        self._waiter: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None
        self._begin()

    def _begin(self) -> None:
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_size = 0
        self.chunks: list[bytes] = []
        self.head_done = False  # the final answer's headers are complete
        self.framed = False  # Content-Length or Transfer-Encoding: the body does not end at the server's close
        self.done = False  # the final answer is complete
        self.keep_alive = False

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        if not self.busy or self.done or self.error is not None:
            self.spoiled = True  # trailing or unsolicited bytes: what follows them cannot be trusted
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.error = ValueError("the server switched protocols")
        except httptools.HttpParserError as exc:
            if self.done:  # after the answer ended (bytes after a close): the answer stands
                self.spoiled = True
            elif self.error is None:  # else a callback's own complaint
                self.error = exc
        if not self.head_done and self.received > _MAX_HEAD and self.error is None:
            self.error = ValueError(f"the headers exceed {_MAX_HEAD} bytes")
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

    # --- llhttp's callbacks (httptools.HttpResponseParser) ---

    def on_message_begin(self) -> None:
        if self.done:
            self.spoiled = True  # a second answer to one request
        else:
            self._begin()  # after a 1xx interim answer: the next one starts afresh

    def on_status(self, reason: bytes) -> None:
        if not self.done:
            self.reason += reason  # llhttp may hand the reason over in pieces

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.done:
            return
        if name.lower() in _FRAMING:
            self.framed = True
        self.head_size += len(name) + len(value)
        if self.head_size > _MAX_HEAD:
            self.error = ValueError(f"the headers exceed {_MAX_HEAD} bytes")
            raise self.error  # stops llhttp
        self.headers.append((name, value.strip(_OWS)))

    def on_headers_complete(self) -> None:
        if self.done:
            return
        status = self.parser.get_status_code()
        if status < 200:
            return  # 100 Continue and the like: the final answer follows (101 raises HttpParserUpgrade)
        self.status = status
        self.head_done = True
        if self.head_request:  # no body follows, whatever the headers say; the parser is replaced after
            self.done = True
            self.keep_alive = self.parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        if self.done:
            self.spoiled = True  # a body after a HEAD answer
        else:
            self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.head_done and not self.done:
            self.done = True
            self.keep_alive = self.parser.should_keep_alive()

    # --- use ---

    def reusable(self, now: float) -> bool:
        return not (self.closed or self.eof or self.spoiled or self.busy) and now < self.expires

    def start(self, head_request: bool) -> None:
        """Ready for the next request's answer."""
        if self.head_request:  # llhttp still waits for the body the last HEAD answer announced
            self.parser = httptools.HttpResponseParser(self)
        self.head_request = head_request
        self.busy = True
        self.received = 0
        self.error = None
        self._begin()

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


_checked_names: set[bytes] = set()  # header names already found to be tokens (the same few on every request)


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    """The request head and body as one string; httpx.Request has set Host and Content-Length."""
    parts = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        if name not in _checked_names:
            if not _TOKEN.fullmatch(name):
                raise httpx.LocalProtocolError(f"Illegal header name {name!r}")
            _checked_names.add(name)
        if b"\r" in value or b"\n" in value or b"\0" in value:
            raise httpx.LocalProtocolError(f"Illegal header value {value!r}")
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    if body:
        parts.append(body)
    return b"".join(parts)


async def _read_answer(conn: _Connection, timeout: float | None) -> None:
    """Until the final answer (1xx interim answers skipped) and its whole body are in ``conn``."""
    while not conn.done:
        if conn.error is not None:
            where = "A malformed answer" if conn.head_done else "Not an HTTP answer"
            raise httpx.RemoteProtocolError(f"{where} ({conn.error}).")
        if not conn.eof:
            await conn.wait(timeout)
        elif conn.lost is not None:
            raise httpx.ReadError(str(conn.lost) or type(conn.lost).__name__)
        elif not conn.received:  # a close before any byte: the request may never have been read
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        elif conn.head_done and not conn.framed:  # a close-delimited body ends at the close
            conn.done = True
            conn.keep_alive = False
        else:
            raise httpx.RemoteProtocolError("The server closed the connection in the middle of an answer.")


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
            data = _request_bytes(request, body)  # a header it will not write: nothing was sent
            conn.start(head_request=request.method == "HEAD")
            await conn.write(data, timeouts.get("write"))
            await _read_answer(conn, timeouts.get("read"))
            keep = conn.keep_alive
        finally:
            conn.busy = False
            self._release(conn, keep)
        return httpx.Response(conn.status, headers=conn.headers, stream=httpx.ByteStream(b"".join(conn.chunks)),
                              extensions={"http_version": b"HTTP/" + conn.parser.get_http_version().encode(),
                                          "reason_phrase": conn.reason})

    async def aclose(self) -> None:
        self._closed = True
        for stack in self._idle.values():
            while stack:
                self._discard(stack.pop())
        self._idle.clear()
