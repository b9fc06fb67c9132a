"""Retry policy (exponential backoff with full jitter, server-requested waits) and a token-bucket limiter.

Time is injected (``sleep``, ``monotonic``, ``rng``) so tests run instantly and deterministically.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class RetryPolicy:
    max_attempts: int = 4  # including the first try
    base: float = 0.2  # seconds; the n-th retry waits up to base * 2**(n-1)
    cap: float = 8.0  # no computed backoff is longer than this
    max_server_wait: float = 60.0  # a server-requested wait longer than this is clipped
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based).

        The server's own wait (``x-acs-retry-after``/``Retry-After``) wins; otherwise full jitter, which
        spreads a burst of throttled clients instead of having them retry in lockstep.
        """
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.max_server_wait)
        ceiling = min(self.cap, self.base * (2 ** (retry_number - 1)))
        return self.rng.uniform(0, ceiling)


class RateLimiter:
    """Token bucket: at most ``rate`` requests per second on average, bursts up to ``burst``.

    The seed documents give PAI's limit as 100 QPS per account; staying under it client-side avoids
    spending retries on throttling we caused ourselves.
    """

    def __init__(self, rate: float, burst: float | None = None, *, sleep: Sleep = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate limit must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._tokens = self.burst
        self._sleep = sleep
        self._monotonic = monotonic
        self._last = monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    async def acquire(self) -> float:
        """Take one token, waiting if needed; returns how long it waited (seconds)."""
        async with self._lock:
            self._refill()
            waited = 0.0
            if self._tokens < 1:
                waited = (1 - self._tokens) / self.rate
                await self._sleep(waited)
                self._refill()
                # a fake clock may not have moved during sleep: the wait we did pays for the token
                self._tokens = max(self._tokens, 1.0)
            self._tokens -= 1
            return waited
