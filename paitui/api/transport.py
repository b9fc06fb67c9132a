"""Which transport ``PaiClient`` sends through, and the headers the transport layer adds.

``PaiClient`` hands each signed request to an ``httpx.AsyncBaseTransport`` itself (``httpx.Request`` in,
``httpx.Response`` out) rather than through ``httpx.AsyncClient``, whose per-request layers (header and cookie
merging, auth and redirect flows, a cookie jar fed from every answer) were a third of a call's CPU and which
PAI uses none of. The direct path is ``api/http11.py``; with a proxy in the environment (HTTPS_PROXY and the
like) ``ProxiedTransport`` sends through httpx's own client, which routes through the proxy and honours
NO_PROXY exactly as before. Tests and the demo pass their own transport (``httpx.ASGITransport``).
"""

from __future__ import annotations

import urllib.request

import httpx

from paitui.api.http11 import MAX_CONNECTIONS, Http11Transport

# what httpx.AsyncClient added to every request before paitui sent to the transport directly: the wire stays
# as it was. Unsigned, like the SDK's own accept-encoding (the gateway checks only what SignedHeaders names).
UNSIGNED_HEADERS = {"accept-encoding": "gzip, deflate", "connection": "keep-alive"}


def environment_proxies() -> bool:
    """A proxy is configured in the environment (the variables httpx itself honours)."""
    return any(key in ("http", "https", "all") for key in urllib.request.getproxies())


class ProxiedTransport(httpx.AsyncBaseTransport):
    """httpx's own client as a transport, for when the environment names a proxy."""

    def __init__(self) -> None:
        # keep every connection opened: httpx's default keeps 20 of 100, so a burst reconnects for most calls
        limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)
        self._client = httpx.AsyncClient(limits=limits, follow_redirects=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        await self._client.aclose()


def default_transport() -> httpx.AsyncBaseTransport:
    """The lean HTTP/1.1 pool, or httpx's proxy routing when the environment asks for a proxy."""
    return ProxiedTransport() if environment_proxies() else Http11Transport()
