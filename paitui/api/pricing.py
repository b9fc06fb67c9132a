"""What a request costs: a price per call and the free calls per month, per operation.

The defaults are the seeds' (declared once, below, as data); the config's ``[prices]`` table overrides them
(``config.py``). Neither seed names a currency; paitui shows the amounts with ``¥`` since PAI's China site
bills in yuan. DLC and AIWorkSpace give no price at all: their calls are *unknown*, never zero, and the
views say "—" until the user's table sets one.

Billing rule (both seeds): every call counts, failed ones included; the free calls of an operation are the
month's first calls of it, and each call beyond them costs its price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Price:
    per_call: float | None  # None: no price known
    free_per_month: int = 0
    source: str = ""  # where the figure comes from: a seed, or the config file

    def cost(self, calls_before: int, calls: int) -> float | None:
        """The price of ``calls`` more calls after ``calls_before`` earlier ones this month (free calls first)."""
        if self.per_call is None:
            return None
        billable = max(0, calls_before + calls - self.free_per_month) - max(0, calls_before - self.free_per_month)
        return billable * self.per_call

    def free_left(self, month_calls: int) -> int | None:
        return max(0, self.free_per_month - month_calls) if self.per_call is not None else None


UNKNOWN = Price(None, 0, "no price known")

_FLOW = "seeds/002 (pai-pipeline), Pricing & Billing"
_PLUGIN = "seeds/000 (pai-schedule), Pricing & Billing"

# seeds/002: "Price Reference" (the input price is the price per call) and "Free Tier": CreatePipeline and
# UpdatePipeline 100 free calls a month, the other pipeline calls, "most pipeline run operations" and
# "node monitoring operations" 1,000.
DEFAULT_PRICES: Mapping[str, Price] = {
    "flow.CreatePipeline": Price(0.001, 100, _FLOW),
    "flow.DeletePipeline": Price(0.001, 1000, _FLOW),
    "flow.GetPipeline": Price(0.0001, 1000, _FLOW),
    "flow.ListPipelines": Price(0.001, 1000, _FLOW),
    "flow.UpdatePipeline": Price(0.001, 100, _FLOW),
    "flow.CreatePipelineRun": Price(0.001, 1000, _FLOW),
    "flow.DeletePipelineRun": Price(0.001, 1000, _FLOW),
    "flow.GetPipelineRun": Price(0.0001, 1000, _FLOW),
    "flow.ListPipelineRuns": Price(0.001, 1000, _FLOW),
    "flow.RerunPipelineRun": Price(0.001, 1000, _FLOW),
    "flow.StartPipelineRun": Price(0.001, 1000, _FLOW),
    "flow.TerminatePipelineRun": Price(0.001, 1000, _FLOW),
    "flow.UpdatePipelineRun": Price(0.001, 1000, _FLOW),
    "flow.GetPipelineRunNode": Price(0.001, 1000, _FLOW),
    "flow.ListPipelineRunNodeLogs": Price(0.001, 1000, _FLOW),
    "flow.ListPipelineRunNodeOutputs": Price(0.0001, 1000, _FLOW),
    "flow.ListPipelineRunNodeStatus": Price(0.0001, 1000, _FLOW),
    # seeds/000: one "standard" tier, 0.001 per call and 1,000 free calls a month, for PaiPlugin's calls
    "plugin.*": Price(0.001, 1000, _PLUGIN),
}


class PriceTable:
    """The defaults with the user's overrides on top. ``overrides`` maps ``product.Operation`` or
    ``Operation`` (any product) to a ``Price`` whose ``None`` fields keep the default's."""

    def __init__(self, overrides: Mapping[str, PriceOverride] | None = None,
                 defaults: Mapping[str, Price] = DEFAULT_PRICES) -> None:
        self._defaults = defaults
        self._overrides = dict(overrides or {})

    def price(self, product: str, action: str) -> Price:
        base = self._defaults.get(f"{product}.{action}") or self._defaults.get(f"{product}.*") or UNKNOWN
        extra = self._overrides.get(f"{product}.{action}") or self._overrides.get(action)
        if extra is None:
            return base
        per_call = extra.per_call if extra.per_call is not None else base.per_call
        free = extra.free_per_month if extra.free_per_month is not None else base.free_per_month
        return Price(per_call, free, "the config file's [prices]")


@dataclass(frozen=True, slots=True)
class PriceOverride:
    """One ``[prices]`` entry: what it sets (``None``: keep the default)."""

    per_call: float | None = None
    free_per_month: int | None = None
