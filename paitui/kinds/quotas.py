"""AIWorkSpace resource quotas (``ListQuotas``) with what DLC jobs use of them and how many queue for them.

Account-wide (not one workspace's); no lifecycle status and no actions. The rows are ``live.quotas.QuotaUsage``
(totals from ListQuotas, use from the jobs holding each quota); the list is the generic one, its columns are
declared here as plain data. When some workspaces' jobs could not be read the use is a lower bound, shown
``≥147 / 160`` (or ``? / 160`` when nothing of it is known), never as capacity to spare; the summary bar
names the workspaces missing.
"""

from __future__ import annotations

from typing import Any

from paitui.kinds.base import ColumnSpec, ListContext, ResourceKind, attr


def _amount(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _bound(value: float, use: str, text: str) -> str:
    """A use as known: itself, ``≥`` it (a lower bound: some jobs could not be read), or ``?``."""
    if use == "complete":
        return text
    return "?" if use == "unknown" or not value else f"≥{text}"


def used_of(used: float, total: float | None, use: str = "complete") -> str:
    """``147 / 160`` (used / total); ``—`` for a resource the quota does not have (a CPU quota's GPUs);
    ``≥147 / 160`` or ``? / 160`` when the use is partial or unknown."""
    if not total and not used:
        return "—"
    return f"{_bound(used, use, _amount(used))} / {_amount(total) if total else '—'}"


def count_of(count: int, use: str, none: str = "0") -> str:
    """A job count: ``none`` for zero when the count is complete, else ``≥n`` / ``?``."""
    if use == "complete":
        return str(count) if count else none
    return _bound(count, use, str(count))


_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_CELLS = 8


def use_bar(used: float, total: float | None, use: str = "complete") -> str:
    """The share in use as a bar of eighths and a percentage, ``████▌··· 56%``; over-use fills the bar and
    says so (``112%``); a lower bound reads ``≥56%``, an unknown use ``?``; ``—`` without a total."""
    if not total:
        return "—"
    if use == "unknown":
        return "·" * BAR_CELLS + "   ?"
    share = max(0.0, used / total)
    eighths = min(BAR_CELLS * 8, round(share * BAR_CELLS * 8))
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    bar += "·" * (BAR_CELLS - len(bar))
    mark = "≥" if use == "partial" else ""
    return f"{bar} {mark}{share:.0%}"


def _share(used: float, total: float | None) -> float:
    """What sorting by a use column orders by: the share of the total in use (over-use sorts last)."""
    return used / total if total else (float("inf") if used else -1.0)


def _lister(ctx: ListContext) -> Any:
    from paitui.live.quotas import QuotaLister

    return QuotaLister(ctx.client, now=ctx.now)


KIND = ResourceKind(
    key="quota", label="Quota", noun="resource quota", plural="quotas", product_plural="AIWorkSpace quotas",
    id=attr("quota_id"), name=attr("name"), type=attr("quota_type"),
    view="quotas", aliases=("quota", "rq"), help="AIWorkSpace resource quotas: totals, use, queued jobs",
    title="Resource quotas", order=75, lister=_lister,
    columns=(
        ColumnSpec("name", "NAME", lambda q: q.name, min_width=16, max_width=40, flex=True),
        ColumnSpec("type", "TYPE", lambda q: q.quota_type, width=10, drop=3),
        ColumnSpec("gpu_type", "GPU TYPE", lambda q: q.gpu_type, width=8, drop=2),
        ColumnSpec("gpu", "GPU USED", lambda q: used_of(q.gpu_used, q.gpu_total, q.use), width=13, align="right",
                   sort_key=lambda q: _share(q.gpu_used, q.gpu_total)),
        ColumnSpec("gpu_bar", "GPU USE", lambda q: use_bar(q.gpu_used, q.gpu_total, q.use), width=14,
                   sort_key=lambda q: _share(q.gpu_used, q.gpu_total), drop=5),
        ColumnSpec("cpu", "CPU USED", lambda q: used_of(q.cpu_used, q.cpu_total, q.use), width=15, align="right",
                   sort_key=lambda q: _share(q.cpu_used, q.cpu_total)),
        ColumnSpec("memory", "MEMORY GiB USED", lambda q: used_of(q.memory_used, q.memory_total, q.use), width=17,
                   align="right", sort_key=lambda q: _share(q.memory_used, q.memory_total), drop=4),
        ColumnSpec("running", "RUNNING", lambda q: count_of(q.running, q.use), width=7, align="right",
                   sort_key=lambda q: q.running),
        ColumnSpec("queued", "QUEUED", lambda q: count_of(q.queued, q.use, "—"), width=6, align="right",
                   sort_key=lambda q: q.queued),
        ColumnSpec("id", "ID", lambda q: q.quota_id, width=19, drop=1),
    ),
    filter_fields={
        "name": lambda q: [q.name, q.display_name, q.quota_id],
        "type": lambda q: q.quota_type,
        "gpu": lambda q: q.gpu_type,
        "id": lambda q: q.quota_id,
        "mode": lambda q: q.mode,
        "queued": lambda q: "yes" if q.queued else "no",
    },
)
