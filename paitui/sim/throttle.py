"""The seeds' rate limit: 100 requests per second per AccessKey or bearer token, answered beyond it with the
gateway's throttling error (HTTP 429 ``Throttling.User`` with ``x-acs-retry-after`` ms and ``Retry-After`` s).

A token bucket per caller (``qps`` tokens a second, at most ``qps`` banked): the same shape as the client's
own limiter (``paitui.api.retry.RateLimiter``, 100/s), so paitui's paced traffic is always admitted while a
client that sends faster is refused. The clock is real monotonic time — the limit is about wall seconds even
when the world clock runs fast — and injectable so tests can drive it without waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from paitui.sim.errors import SimError
from paitui.sim.faults import THROTTLE_CODE, THROTTLE_MESSAGE
from paitui.sim.routing import Caller

DEFAULT_QPS = 100.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    last: float


class QpsLimiter:
    def __init__(self, qps: float = DEFAULT_QPS, *, clock: Callable[[], float] = time.monotonic) -> None:
        if qps <= 0:
            raise ValueError("qps must be positive")
        self.qps = qps
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def admit(self, key: str) -> int | None:
        """``None`` when the request may go ahead (it spends a token), else the wait in ms until it could."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.qps, now)
        bucket.tokens = min(self.qps, bucket.tokens + (now - bucket.last) * self.qps)
        bucket.last = now
        if bucket.tokens >= 1.0 - 1e-9:  # float slack: a client paced at exactly qps is always admitted
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / self.qps * 1000))

    def check(self, caller: Caller) -> None:
        """Raise the throttling error when ``caller`` is over its limit."""
        wait_ms = self.admit(caller_key(caller))
        if wait_ms is not None:
            raise SimError(429, THROTTLE_CODE, THROTTLE_MESSAGE,
                           headers={"x-acs-retry-after": str(wait_ms), "Retry-After": str(math.ceil(wait_ms / 1000))})


def caller_key(caller: Caller) -> str:
    """One budget per AccessKey (STS keys included) or per bearer token's user."""
    return f"key:{caller.access_key_id}" if caller.access_key_id else f"{caller.auth}:{caller.user_id}"
