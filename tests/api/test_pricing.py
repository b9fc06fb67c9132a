"""The price table: the seeds' defaults, the free calls of the month first, unknown prices kept unknown, and
the config's overrides."""

from __future__ import annotations

from paitui.api.pricing import DEFAULT_PRICES, Price, PriceOverride, PriceTable


def test_defaults_are_the_seeds() -> None:
    table = PriceTable()
    assert table.price("flow", "ListPipelineRuns") == Price(0.001, 1000, DEFAULT_PRICES["flow.ListPipelineRuns"].source)
    assert table.price("flow", "GetPipelineRun").per_call == 0.0001
    assert table.price("flow", "CreatePipeline").free_per_month == 100
    assert table.price("flow", "UpdatePipeline").free_per_month == 100
    assert (table.price("plugin", "DeleteSchedule").per_call, table.price("plugin", "ListSchedules").free_per_month) \
        == (0.001, 1000)
    assert "seeds/002" in table.price("flow", "ListPipelineRuns").source


def test_dlc_and_aiworkspace_have_no_price_known_not_zero() -> None:
    table = PriceTable()
    for product, action in (("dlc", "GetJob"), ("workspace", "ListWorkspaces"), ("flow", "ListPipelineRunsStatus")):
        price = table.price(product, action)
        assert price.per_call is None
        assert price.cost(0, 5000) is None and price.free_left(10) is None


def test_free_calls_come_first_then_each_call_costs_its_price() -> None:
    price = Price(0.001, 1000)
    assert price.cost(0, 1000) == 0
    assert price.cost(900, 200) == 100 * 0.001  # the day that crosses the free tier pays for the calls beyond it
    assert price.cost(1500, 10) == 10 * 0.001
    assert price.free_left(900) == 100 and price.free_left(5000) == 0


def test_overrides_by_product_and_operation_or_operation_alone() -> None:
    table = PriceTable({"dlc.GetJob": PriceOverride(0.0002), "ListPipelineRuns": PriceOverride(None, 50)})
    assert table.price("dlc", "GetJob") == Price(0.0002, 0, "the config file's [prices]")
    runs = table.price("flow", "ListPipelineRuns")
    assert (runs.per_call, runs.free_per_month) == (0.001, 50)  # the seed's price stays, the free tier is the user's
    assert table.price("dlc", "ListJobs").per_call is None
