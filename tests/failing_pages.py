"""A test-only transport that fails chosen pages of chosen list actions, deterministically.

The simulator's fault plan draws at random per action; a partial list needs "page 3 of ListJobs fails, the
others do not". ``FailPages`` wraps the real transport (the simulated cloud in-process) and answers a chosen
(action, PageNumber) with the gateway's own throttling error — status, headers and JSON body as the service
sends them — so the client parses it exactly as it would a real one. Everything else passes through.
"""

from __future__ import annotations

import json
from collections import Counter

import httpx

FOREVER = 10**9


class FailPages(httpx.AsyncBaseTransport):
    """``fail[(action, page)] = n``: the next n requests of that page fail (``FOREVER`` for all of them).

    Requests that carry ``JobIds`` (the JobLister's refresh by id) are not pages of a listing and never fail.
    ``seen`` records every listing page requested, ``(action, page)``, in order.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, *, code: str = "Throttling.User", status: int = 429,
                 retry_after_ms: int = 1000) -> None:
        self.inner = inner
        self.fail: Counter[tuple[str, int]] = Counter()
        self.seen: list[tuple[str, int]] = []
        self.code, self.status, self.retry_after_ms = code, status, retry_after_ms

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        action = request.headers.get("x-acs-action", "")
        params = request.url.params
        if "PageNumber" in params and "JobIds" not in params:
            page = (action, int(params["PageNumber"]))
            self.seen.append(page)
            if self.fail[page] > 0:
                self.fail[page] -= 1
                return self._refusal(request)
        return await self.inner.handle_async_request(request)

    def _refusal(self, request: httpx.Request) -> httpx.Response:
        body = {"RequestId": "FAILPAGES-0001", "HostId": request.url.host, "Code": self.code,
                "Message": "Request was denied due to user flow control."}
        headers = {"content-type": "application/json;charset=utf-8", "x-acs-request-id": body["RequestId"],
                   "x-acs-retry-after": str(self.retry_after_ms),
                   "Retry-After": str(max(1, self.retry_after_ms // 1000))}
        return httpx.Response(self.status, headers=headers, content=json.dumps(body).encode(), request=request)

    def pages(self, action: str) -> list[int]:
        return [page for name, page in self.seen if name == action]

    async def aclose(self) -> None:
        await self.inner.aclose()
