"""What the requests cost: the meter's counts (``api.meter``) priced by the price table (``api.pricing``).

The rows of ``:requests`` and ``paitui requests``, the header's compact figure, and the lister the generic
list screen polls (it reads memory only: watching the requests sends none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paitui.api.meter import RequestMeter
from paitui.api.pricing import Price, PriceTable
from paitui.live.lister import ListerBase, Progress
from paitui.live.paging import Listed

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.config import Settings
CURRENCY = "¥"  # the seeds name none; PAI's China site bills in yuan (api/pricing.py)


@dataclass(frozen=True, slots=True)
class UsageRow:
    product: str
    action: str
    since_start: int | None  # None: not this process's to say (``paitui requests`` reads the file only)
    today: int
    month: int
    failed_today: int
    failed_since_start: int | None
    last_minute: int | None
    price: Price
    cost_today: float | None  # None: no price known
    cost_month: float | None

    @property
    def key(self) -> str:
        return f"{self.product}.{self.action}"

    @property
    def free_left(self) -> int | None:
        return self.price.free_left(self.month)


def price_table(settings: Settings) -> PriceTable:
    return PriceTable(settings.prices)


def usage_rows(meter: RequestMeter, prices: PriceTable, *, session: bool = True) -> list[UsageRow]:
    """One row per operation counted since start or this month; ``session=False`` leaves out what only
    a running process knows (since start, the last minute)."""
    rows = []
    for use in meter.usage():
        price = prices.price(use.product, use.action)
        rows.append(UsageRow(
            use.product, use.action, use.since_start if session else None, use.today, use.month,
            use.failed_today, use.failed_since_start if session else None,
            use.last_minute if session else None, price,
            price.cost(use.month_before_today, use.today), price.cost(0, use.month)))
    return rows


def money(amount: float | None) -> str:
    """``¥0.0312``; ``—`` when no price is known."""
    if amount is None:
        return "—"
    if amount == 0:
        return f"{CURRENCY}0"
    return f"{CURRENCY}{amount:,.4f}" if amount < 1 else f"{CURRENCY}{amount:,.2f}"


def compact(meter: RequestMeter, prices: PriceTable) -> str:
    """The header's figure: ``42 req/min · ¥0.03 today`` (``≥`` when some calls have no price known)."""
    rows = usage_rows(meter, prices)
    known = [r.cost_today for r in rows if r.cost_today is not None]
    unpriced = any(r.cost_today is None and r.today for r in rows)
    cost = sum(known)
    shown = f"{CURRENCY}{cost:.2f}" if cost >= 0.01 or not cost else f"{CURRENCY}{cost:.4f}"
    return f"{meter.rate_last_minute():,} req/min · {'≥' if unpriced else ''}{shown} today"


class UsageLister(ListerBase):
    """What ``:requests`` polls: the meter, in memory (no request is sent)."""

    status = None

    def __init__(self, client: PaiClient) -> None:
        self._meter = client.meter
        self._prices = price_table(client.settings)

    @staticmethod
    def key(row: UsageRow) -> str:
        return row.key

    async def fetch(self, progress: Progress | None = None) -> Listed[Any]:
        rows = usage_rows(self._meter, self._prices)
        if progress is not None:
            progress(len(rows), len(rows))
        return Listed(rows)
