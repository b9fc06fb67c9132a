"""The simulated cloud starts lazily and answers as if it had not: each product's store is seeded on first use
(as if at genesis, however late), and a request that names its product loads only that product's routes
while answering exactly what the app with every route loaded answers, errors included."""

from __future__ import annotations

from typing import Any

import pytest

from paitui.sim.app import PRODUCTS, create_app, served_routes
from paitui.sim.clock import SimClock
from paitui.sim.identity import DEMO_BEARER_TOKEN
from paitui.sim.world import World

BEARER = {"authorization": f"Bearer {DEMO_BEARER_TOKEN}"}
VERSION = {key: info.version for key, info in PRODUCTS.items()}
# (method, path, query, product whose version is sent or None) — reads of every product, plus requests that
# fail: a path of another product under this one's version, a wrong action, an unknown path
REQUESTS: list[tuple[str, str, str, str | None, dict[str, str]]] = [
    ("GET", "/api/v1/workspaces", "PageSize=50", "workspace", {}),
    ("GET", "/api/v1/jobs", "PageSize=20&WorkspaceId=264901", "dlc", {}),
    ("GET", "/api/v1/pipelineruns", "PageSize=20&WorkspaceId=264901", "flow", {}),
    ("GET", "/api/v2/schedules", "PageSize=20", "plugin", {}),
    ("GET", "/api/v1/quotas", "", "workspace", {}),
    ("GET", "/api/v1/jobs", "PageSize=5", "workspace", {}),  # DLC's path, AIWorkSpace's version: InvalidVersion
    ("GET", "/api/v1/workspaces", "", "workspace", {"x-acs-action": "ListJobs"}),  # InvalidAction.Mismatch
    ("GET", "/api/v1/nothing/here", "", "dlc", {}),  # InvalidAction.NotFound
    ("GET", "/api/v1/ecsspecs", "PageSize=5", None, {}),  # no version: every table decides
    ("GET", "/api/PAIFlow/2021-02-02/pipelines", "PageSize=5", None, {}),  # a gateway URL names its product
]


def _world() -> World:
    return World(seed=11, jobs=60, clock=SimClock.manual())


async def _answers(app: Any, asgi: Any) -> list[tuple[int, str]]:
    out = []
    for method, path, query, product, extra in REQUESTS:
        headers = BEARER | extra | ({"x-acs-version": VERSION[product]} if product else {})
        resp = await asgi(app, method, path, query=query, headers=headers)
        out.append((resp.status, resp.body.decode()))
    return out


async def test_a_store_is_seeded_on_first_use_and_late_seeding_gives_the_same_world(asgi: Any) -> None:
    early, late = _world(), _world()
    assert late.seeded() == ()  # building the world seeds no store
    early.workspace, early.dlc, early.flow, early.plugin  # noqa: B018 - every store seeded at genesis …
    assert early.seeded() == ("workspace", "dlc", "flow", "plugin")
    for world in (early, late):
        world.clock.advance(3 * 3600)  # … then three simulated hours pass
    late.workspace  # noqa: B018 - a first use seeds that store only
    assert late.seeded() == ("workspace",)
    # seeded three hours late, the same jobs, runs and schedules, in the same states (bodies compared whole)
    assert await _answers(create_app(late), asgi) == await _answers(create_app(early), asgi)
    assert late.seeded() == ("workspace", "dlc", "flow", "plugin")


async def test_a_request_naming_its_product_answers_as_the_app_with_every_route_does(asgi: Any) -> None:
    lazy = create_app(_world())
    eager = create_app(_world(), routes=served_routes())
    answers = await _answers(lazy, asgi)
    assert answers == await _answers(eager, asgi)
    assert [status for status, _ in answers] == [200, 200, 200, 200, 200, 400, 400, 404, 200, 200]


@pytest.mark.parametrize("product", sorted(PRODUCTS))
async def test_a_request_naming_its_product_loads_only_that_products_routes(product: str, asgi: Any) -> None:
    app = create_app(_world())
    await asgi(app, "GET", "/api/v1/nothing/here", headers=BEARER | {"x-acs-version": VERSION[product]})
    assert app._routes is not None  # an unknown path: every table had to decide (the same 404)
    app = create_app(_world())
    path = {"workspace": "/api/v1/workspaces", "dlc": "/api/v1/jobs", "flow": "/api/v1/pipelines",
            "plugin": "/api/v2/schedules"}[product]
    resp = await asgi(app, "GET", path, headers=BEARER | {"x-acs-version": VERSION[product]})
    assert resp.status == 200, resp.body
    assert app._routes is None and set(app._product_routes) == {product}
    assert {r.product for r in app._product_routes[product].routes} == {product}
