"""The request cap: polling slows down when the request rate nears ``max_requests_per_minute`` or the day's
``daily_request_budget`` is (nearly) spent, and says why.

``RequestGovernor`` reads the request meter (``api.meter``) and gives the watches a factor for their
intervals (``live.watch.govern`` installs it): lists and detail screens poll less often, while user actions
(stop, delete …) are sent as always — they are not polls, and never wait for the budget.

* Rate: each time it is asked (at most once per ``ADJUST_EVERY`` seconds) a rate at or above ``NEAR`` of the
  cap doubles the factor, one below ``CALM`` of it halves it again, down to 1.
* Daily budget: from ``NEAR`` of the budget used the factor is at least ``BUDGET_NEAR_FACTOR``; once it is
  spent, ``BUDGET_SPENT_FACTOR`` (a list polled every 5 s then polls every 5 min), until the billing day ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from paitui.api.meter import RequestMeter

NEAR = 0.9  # of the cap or the budget: slow down from here
CALM = 0.5  # of the cap: speed up again below this
ADJUST_EVERY = 5.0  # seconds between changes of the rate factor
MAX_RATE_FACTOR = 64.0
BUDGET_NEAR_FACTOR = 4.0
BUDGET_SPENT_FACTOR = 60.0


@dataclass(frozen=True, slots=True)
class Slowdown:
    factor: float  # intervals are multiplied by this (1: not slowed)
    reason: str  # "" when not slowed; else what the screen says ("slowed: daily budget 92 % used")


NOT_SLOWED = Slowdown(1.0, "")


class RequestGovernor:
    def __init__(self, meter: RequestMeter, *, max_per_minute: float | None = None,
                 daily_budget: int | None = None) -> None:
        self.meter = meter
        self.max_per_minute = max_per_minute
        self.daily_budget = daily_budget
        self._rate_factor = 1.0
        self._adjusted_at: float | None = None

    @property
    def active(self) -> bool:
        return self.max_per_minute is not None or self.daily_budget is not None

    def factor(self) -> float:
        return self.slowdown().factor

    def slowdown(self) -> Slowdown:
        """The factor now and what to say about it."""
        if not self.active:
            return NOT_SLOWED
        factor, reasons = 1.0, []
        if self.max_per_minute is not None:
            rate = self.meter.rate_last_minute()
            self._adjust_rate(rate, self.max_per_minute)
            if self._rate_factor > 1:
                factor = self._rate_factor
                reasons.append(f"{rate:,} req/min of {self.max_per_minute:,.0f} cap")
        if self.daily_budget is not None:
            used = self.meter.total_today()
            share = used / self.daily_budget
            if share >= 1:
                factor = max(factor, BUDGET_SPENT_FACTOR)
                reasons.append(f"daily budget spent ({used:,} of {self.daily_budget:,})")
            elif share >= NEAR:
                factor = max(factor, BUDGET_NEAR_FACTOR)
                reasons.append(f"daily budget {share * 100:.0f} % used")
        if factor <= 1:
            return NOT_SLOWED
        return Slowdown(factor, f"slowed ×{factor:g}: " + ", ".join(reasons))

    def _adjust_rate(self, rate: int, cap: float) -> None:
        now = self.meter.now()
        if self._adjusted_at is not None and now - self._adjusted_at < ADJUST_EVERY:
            return
        if rate >= NEAR * cap:
            self._rate_factor = min(MAX_RATE_FACTOR, self._rate_factor * 2)
        elif rate < CALM * cap and self._rate_factor > 1:
            self._rate_factor = max(1.0, self._rate_factor / 2)
        else:
            return
        self._adjusted_at = now
