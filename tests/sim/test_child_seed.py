"""The demo child's background seeding (``paitui/sim/child.py``): stores built on a thread, requests wait."""

from __future__ import annotations

import asyncio
import threading

import httpx

from paitui.sim.app import create_app
from paitui.sim.child import BackgroundSeed
from paitui.sim.clock import SimClock
from paitui.sim.world import World


async def test_stores_are_seeded_off_the_loop_and_a_request_waits_for_its_product() -> None:
    world = World(seed=7, jobs=300, clock=SimClock.manual())
    world.workspace  # noqa: B018  (the child seeds it before it is ready)
    seed = BackgroundSeed(world, asyncio.get_running_loop())
    assert set(seed.pending) == {"dlc", "flow", "plugin"}
    built_on: list[str] = []
    builder = type(world).dlc.func

    def recording(w: World) -> object:
        built_on.append(threading.current_thread().name)
        return builder(w)

    type(world).dlc.func = recording  # type: ignore[attr-defined]
    try:
        app = create_app(world, verify_auth=False)
        app.before_handler = seed.before_handler
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
            listing = asyncio.ensure_future(http.get("/api/v1/jobs", params={"PageSize": "5",
                                                                              "WorkspaceId": "264901"}))
            for _ in range(20):  # loop turns enough for the request to reach the wait (no clock involved)
                await asyncio.sleep(0)
            assert not listing.done() and "dlc" not in world.seeded()
            thread = threading.Thread(target=seed.run, name="seed")
            thread.start()
            response = await listing
            await asyncio.to_thread(thread.join)
    finally:
        type(world).dlc.func = builder  # type: ignore[attr-defined]
    assert response.status_code == 200 and len(response.json()["Jobs"]) == 5
    assert built_on == ["seed"]  # built once, on the seeding thread, not by the request on the loop
    assert world.seeded() == ("workspace", "dlc", "flow", "plugin") and seed.pending == {}
