"""The client's operations table and the simulator's routes describe the same operations (method, path,
mutating, idempotent), and the two product lists agree, so neither can drift from the other unnoticed.
``paitui.sim`` does not import ``paitui.api`` (by design, a client mistake must not be hidden by the simulator
agreeing with it), so this test is where the two meet."""

from __future__ import annotations

import re

import pytest

from paitui.api.operations import OPERATIONS, products
from paitui.api.products import PRODUCTS as CLIENT_PRODUCTS
from paitui.sim.app import PRODUCTS as SIM_PRODUCTS
from paitui.sim.app import served_routes
from paitui.sim.routing import Route

_PLACEHOLDER = re.compile(r"\{\w+\}")


def shape(path: str) -> str:
    """Placeholder names differ in spelling (``{JobId}`` / ``{job_id}``); only their positions matter."""
    return _PLACEHOLDER.sub("{}", path)


def sim_routes() -> dict[tuple[str, str], Route]:
    return {(r.product, r.action): r for r in served_routes()}


def test_every_client_operation_has_a_simulator_route_and_back() -> None:
    routes = sim_routes()
    assert sorted(set(OPERATIONS) - set(routes)) == [], "operations the simulator does not serve"
    assert sorted(set(routes) - set(OPERATIONS)) == [], "simulated routes the client's table does not know"


@pytest.mark.parametrize("key", sorted(OPERATIONS), ids=lambda k: f"{k[0]}.{k[1]}")
def test_route_matches_the_operation(key: tuple[str, str]) -> None:
    op, route = OPERATIONS[key], sim_routes()[key]
    assert (route.method, shape(route.path)) == (op.method, shape(op.path))
    assert route.mutating is op.mutating
    assert route.idempotent is op.idempotent, "the client's retry policy and the service disagree on a repeat"


def test_one_route_per_method_and_path() -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for (product, action), route in sim_routes().items():
        where = (product, route.method, shape(route.path))
        assert where not in seen, f"{action} and {seen[where]} share {where}"
        seen[where] = action


def test_product_lists_agree() -> None:
    assert list(CLIENT_PRODUCTS) == list(SIM_PRODUCTS) == products()
    for key, client in CLIENT_PRODUCTS.items():
        sim = SIM_PRODUCTS[key]
        assert (client.name, client.version) == (sim.name, sim.version)
        prefixes = {re.match(r"/api/v\d+", op.path).group(0) for op in OPERATIONS.values()  # type: ignore[union-attr]
                    if op.product == key}
        assert prefixes == {sim.prefix}


def test_cli_call_lists_the_tables_products(capsys: pytest.CaptureFixture[str]) -> None:
    from paitui import cli

    assert cli.main(["call", "dlcc", "ListJobs"]) == 2
    message = capsys.readouterr().err
    assert f"products: {', '.join(products())}" in message and "Did you mean dlc" in message
