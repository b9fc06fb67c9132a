"""A lean HTTP/1.1 keep-alive transport for ``PaiClient``: asyncio protocols, one pool, nothing else.

Why not httpx's default transport (httpcore): measured at 50 calls in flight (tests/bench/bench_client.py), its
pool re-examines every connection for every queued request on every request start and end (O(connections²)
per event), httpx keeps only 20 idle connections of 100 (so most calls of a burst reconnect), and every lock,
event and cancel shield it makes asks ``sniffio`` for the event loop, retrying a failed import each time when
it is absent. Those layers were most of a call's CPU. PAI needs none of their generality: plain HTTP/1.1
requests with small bodies, answers framed by Content-Length (chunked and close-delimited are read too).

What it keeps from httpcore, because ``PaiClient``'s error policy reads it (docs/ARCHITECTURE.md, "Error
policy"): the exception types. A request that never reached the server raises ``httpx.ConnectError`` /
``ConnectTimeout`` / ``PoolTimeout`` (safe to repeat anything); once bytes may have been sent, a lost answer is
``httpx.RemoteProtocolError`` / ``ReadError`` / ``ReadTimeout`` / ``WriteTimeout``. Timeouts come from the
request's ``timeout`` extension (connect, read, write, pool), as with httpx.

Connections: at most ``max_connections`` open, idle ones kept ``keepalive_expiry`` seconds and reused most
recent first; one the server closed, that holds unread bytes, or that answered ``Connection: close`` is never
reused. A request cancelled part way (the client's overall deadline) closes its connection.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Callable

import httpx

MAX_CONNECTIONS = 64
KEEPALIVE_EXPIRY = 5.0  # httpx's own; the gateway (and the simulator) keep idle connections 75 s
_MAX_HEAD = 64 * 1024  # a status line and headers longer than this are not an HTTP answer we can use
_NO_BODY_STATUS = (204, 304)

Origin = tuple[bytes, bytes, int]  # scheme, host, port


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; ``data_received`` feeds a buffer the reader waits on."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
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
        self.buffer += data
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
        return not (self.closed or self.eof or self.buffer) and now < self.expires

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

    async def more(self, timeout: float | None, *, started: bool) -> bool:
        """Wait for more bytes; False at the end of the stream. Raises on a reset or a read timeout."""
        if self.eof:
            if self.lost is not None:
                raise httpx.ReadError(str(self.lost) or type(self.lost).__name__)
            return False
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        except TimeoutError:
            raise httpx.ReadTimeout("Timed out while reading the answer.") from None
        finally:
            self._waiter = None
        if self.buffer:
            return True
        if self.lost is not None:
            raise httpx.ReadError(str(self.lost) or type(self.lost).__name__)
        if not started:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return not self.eof


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    target = request.url.raw_path  # path and query, already encoded
    lines = [request.method.encode("ascii"), b" ", target, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        lines += [name, b": ", value, b"\r\n"]
    lines.append(b"\r\n")
    return b"".join(lines) + body


class _Reader:
    """Parses one answer out of a connection's buffer, waiting for bytes as needed."""

    def __init__(self, conn: _Connection, timeout: float | None) -> None:
        self.conn = conn
        self.timeout = timeout
        self.started = False

    async def _need(self, size: int) -> None:
        while len(self.conn.buffer) < size:
            if not await self.conn.more(self.timeout, started=self.started or bool(self.conn.buffer)):
                raise httpx.RemoteProtocolError("The server closed the connection before the answer was complete.")

    async def _until(self, marker: bytes, limit: int) -> int:
        start = 0
        while (index := self.conn.buffer.find(marker, start)) < 0:
            if len(self.conn.buffer) > limit:
                raise httpx.RemoteProtocolError("The answer's header is too long.")
            start = max(0, len(self.conn.buffer) - len(marker) + 1)
            if not await self.conn.more(self.timeout, started=self.started or bool(self.conn.buffer)):
                if not self.started and not self.conn.buffer:
                    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
                raise httpx.RemoteProtocolError("The server closed the connection in the middle of an answer.")
        return index

    def _take(self, size: int) -> bytes:
        data = bytes(self.conn.buffer[:size])
        del self.conn.buffer[:size]
        return data

    async def head(self) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
        """(status, reason, headers, http version) of the final answer (1xx interim answers are skipped)."""
        while True:
            end = await self._until(b"\r\n\r\n", _MAX_HEAD)
            self.started = True
            lines = self._take(end + 4)[:-4].split(b"\r\n")
            parts = lines[0].split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
                raise httpx.RemoteProtocolError(f"Not an HTTP answer: {lines[0][:80]!r}")
            status = int(parts[1])
            headers = []
            for line in lines[1:]:
                name, sep, value = line.partition(b":")
                if not sep:
                    raise httpx.RemoteProtocolError(f"A malformed header line: {line[:80]!r}")
                headers.append((name.strip(), value.strip()))
            if 100 <= status < 200 and status != 101:
                continue
            return status, parts[2] if len(parts) > 2 else b"", headers, parts[0]

    async def body(self, length: int | None, chunked: bool) -> tuple[bytes, bool]:
        """The body and whether the connection may be reused after it."""
        if chunked:
            chunks: list[bytes] = []
            while True:
                end = await self._until(b"\r\n", _MAX_HEAD)
                size_text = self._take(end + 2)[:-2].split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise httpx.RemoteProtocolError(f"A malformed chunk size: {size_text[:20]!r}") from None
                if size == 0:
                    await self._until(b"\r\n", _MAX_HEAD)  # trailers, if any, end with an empty line
                    while not self.conn.buffer.startswith(b"\r\n"):
                        self._take(await self._until(b"\r\n", _MAX_HEAD) + 2)
                    self._take(2)
                    return b"".join(chunks), True
                await self._need(size + 2)
                chunks.append(self._take(size))
                self._take(2)
        if length is not None:
            await self._need(length)
            return self._take(length), True
        while await self.conn.more(self.timeout, started=True):  # close-delimited: read to the end
            pass
        return self._take(len(self.conn.buffer)), False


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class Http11Transport(httpx.AsyncBaseTransport):
    """``httpx.AsyncBaseTransport`` over pooled HTTP/1.1 keep-alive connections (http and https)."""

    def __init__(self, *, max_connections: int = MAX_CONNECTIONS, keepalive_expiry: float = KEEPALIVE_EXPIRY,
                 ssl_context: Callable[[], ssl.SSLContext] = httpx.create_ssl_context,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.max_connections = max_connections
        self.keepalive_expiry = keepalive_expiry
        self._make_ssl = ssl_context
        self._ssl: ssl.SSLContext | None = None  # built on the first https request: it reads the CA bundle
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
                _, conn = await loop.create_connection(lambda: _Connection(origin), name, port, ssl=tls,
                                                       server_hostname=name if tls else None)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"Timed out connecting to {name}:{port}.") from None
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
            await conn.write(_request_bytes(request, body), timeouts.get("write"))
            reader = _Reader(conn, timeouts.get("read"))
            status, reason, headers, version = await reader.head()
            length_text = _header(headers, b"content-length")
            chunked = b"chunked" in (_header(headers, b"transfer-encoding") or b"").lower()
            if request.method == "HEAD" or status in _NO_BODY_STATUS:
                content, framed = b"", True
            else:
                length = int(length_text) if length_text is not None and length_text.isdigit() else None
                content, framed = await reader.body(None if chunked else length, chunked)
            connection = (_header(headers, b"connection") or b"").lower()
            keep = framed and b"close" not in connection and (version != b"HTTP/1.0" or b"keep-alive" in connection)
        finally:
            self._release(conn, keep)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content),
                              extensions={"http_version": version, "reason_phrase": reason})

    async def aclose(self) -> None:
        self._closed = True
        for stack in self._idle.values():
            while stack:
                self._discard(stack.pop())
        self._idle.clear()
