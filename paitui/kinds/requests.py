"""The requests paitui sent and what they cost (``:requests``, ``paitui requests``): one row per operation.

Not a PAI resource: the rows are the request meter's (``api.meter``) priced by the price table
(``api.pricing``, the seeds' prices and the config's ``[prices]``), read from memory by ``live.usage``. Every
attempt counts, retries and failures included, since PAI bills each. The list is the generic one; its
columns are declared here as plain data, and the headless command prints the same columns.
"""

from __future__ import annotations

from typing import Any

from paitui.kinds.base import ColumnSpec, ListContext, ResourceKind, attr


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _money(value: float | None) -> str:
    from paitui.live.usage import money

    return money(value)


def _sortable(value: float | None) -> float:
    return -1.0 if value is None else value


def _lister(ctx: ListContext) -> Any:
    from paitui.live.usage import UsageLister

    return UsageLister(ctx.client)


KIND = ResourceKind(
    key="request", label="Requests", noun="request count", plural="requests", product_plural="PAI requests",
    id=attr("key"), name=attr("key"),
    view="requests", aliases=("usage", "req", "cost"), help="requests paitui sent per operation, and their cost",
    title="Requests and their cost", order=90, lister=_lister,
    columns=(
        ColumnSpec("operation", "OPERATION", lambda r: r.key, min_width=22, max_width=40, flex=True),
        ColumnSpec("start", "SINCE START", lambda r: _count(r.since_start), width=11, align="right",
                   sort_key=lambda r: r.since_start or 0, drop=2),
        ColumnSpec("today", "TODAY", lambda r: _count(r.today), width=9, align="right",
                   sort_key=lambda r: r.today),
        ColumnSpec("month", "MONTH", lambda r: _count(r.month), width=9, align="right",
                   sort_key=lambda r: r.month, drop=3),
        ColumnSpec("failed", "FAILED TODAY", lambda r: _count(r.failed_today), width=12, align="right",
                   sort_key=lambda r: r.failed_today, drop=4),
        ColumnSpec("free", "FREE LEFT", lambda r: _count(r.free_left), width=9, align="right",
                   sort_key=lambda r: _sortable(r.free_left), drop=5),
        ColumnSpec("cost_today", "COST TODAY", lambda r: _money(r.cost_today), width=10, align="right",
                   sort_key=lambda r: _sortable(r.cost_today)),
        ColumnSpec("cost_month", "COST MONTH", lambda r: _money(r.cost_month), width=10, align="right",
                   sort_key=lambda r: _sortable(r.cost_month), drop=1),
        ColumnSpec("rate", "PER MIN", lambda r: _count(r.last_minute), width=7, align="right",
                   sort_key=lambda r: r.last_minute or 0),
    ),
    filter_fields={
        "name": lambda r: r.key,
        "product": lambda r: r.product,
        "priced": lambda r: "no" if r.price.per_call is None else "yes",
        "failed": lambda r: "yes" if r.failed_today else "no",
    },
)
