"""The HTTP transport ``PaiClient`` sends through: HTTP/1.1 keep-alive over several small httpcore pools.

Why not httpx's default transport (docs/ARCHITECTURE.md, "The transport"):

* httpcore's pool re-examines every connection for every queued request on every request start and end, and
  counts idle connections with a scan inside that scan: O(connections²) per event. At 50 calls in flight it
  was 38 % of the client's CPU. Several small pools keep each scan short; a request goes to the pool with the
  fewest requests in flight, so a sequential caller always reuses the first pool's warm connection.
* httpx keeps only 20 idle connections of its 100 by default: at 50 in flight, 30 connections were closed
  after every answer and opened again for the next call. Each small pool keeps every connection it opens.
* One TLS context for all pools (building one reads the CA bundle), made on the first request, not at import.

* ``PaiClient`` hands requests to the transport itself (``httpx.Request`` in, ``httpx.Response`` out) rather
  than through ``httpx.AsyncClient``, whose per-request layers it does not use.

With a proxy in the environment (HTTPS_PROXY and the like) ``ProxiedTransport`` sends through httpx's own
client, which routes through the proxy and honours NO_PROXY as before.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

# 8 × 8: 64 connections at most (httpx's default is 100), each pool's scan 8 long. Every connection is
# kept while idle, up to httpx's own 5 s expiry; the simulator and PAI's gateway keep them 75 s.
SHARDS = 8
CONNECTIONS_PER_SHARD = 8
KEEPALIVE_EXPIRY = 5.0

# what httpx.AsyncClient added to every request before paitui sent to the transport directly: the wire stays
# as it was. Unsigned, like the SDK's own accept-encoding (the gateway signs only what SignedHeaders names).
UNSIGNED_HEADERS = {"accept-encoding": "gzip, deflate", "connection": "keep-alive"}


def environment_proxies() -> bool:
    """A proxy is configured in the environment (the variables httpx itself honours)."""
    return any(key in ("http", "https", "all") for key in urllib.request.getproxies())


@dataclass(slots=True)
class _Shard:
    transport: httpx.AsyncHTTPTransport
    busy: int = 0  # requests sent through it whose response is not closed yet


class _Released(httpx.AsyncByteStream):
    """A response body that, once closed, frees its shard's slot (exactly once)."""

    def __init__(self, inner: httpx.AsyncByteStream, shard: _Shard) -> None:
        self._inner = inner
        self._shard: _Shard | None = shard

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._shard is not None:
                self._shard.busy -= 1
                self._shard = None


@dataclass
class ShardedTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncBaseTransport`` over ``shards`` httpcore pools of ``per_shard`` keep-alive connections."""

    shards: int = SHARDS
    per_shard: int = CONNECTIONS_PER_SHARD
    keepalive_expiry: float = KEEPALIVE_EXPIRY
    _pool: list[_Shard] = field(default_factory=list, init=False)
    _ssl: ssl.SSLContext | None = field(default=None, init=False)

    def _shard(self) -> _Shard:
        idle = [shard for shard in self._pool if shard.busy == 0]
        if idle:
            return idle[0]  # the first idle pool: a sequential caller keeps one warm connection
        if len(self._pool) < self.shards:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            limits = httpx.Limits(max_connections=self.per_shard, max_keepalive_connections=self.per_shard,
                                  keepalive_expiry=self.keepalive_expiry)
            self._pool.append(_Shard(httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)))
            return self._pool[-1]
        return min(self._pool, key=lambda shard: shard.busy)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = self._shard()
        shard.busy += 1
        try:
            response = await shard.transport.handle_async_request(request)
        except BaseException:
            shard.busy -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Released(response.stream, shard)
        return response

    async def aclose(self) -> None:
        pool, self._pool = self._pool, []
        for shard in pool:
            await shard.transport.aclose()


class ProxiedTransport(httpx.AsyncBaseTransport):
    """httpx's own client as a transport, for when the environment names a proxy: it routes through it and
    honours NO_PROXY exactly as httpx always has."""

    def __init__(self) -> None:
        self._client = httpx.AsyncClient(limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
                                         follow_redirects=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        await self._client.aclose()


def default_transport() -> httpx.AsyncBaseTransport:
    """The sharded pools, or httpx's proxy routing when the environment asks for a proxy."""
    return ProxiedTransport() if environment_proxies() else ShardedTransport()
