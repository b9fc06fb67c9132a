"""Properties of the schedule lifecycle, on PluginState directly over a minimal world (any seed, any time)."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from paitui.sim.clock import SimClock
from paitui.sim.plugin.schedules import Status
from paitui.sim.plugin.state import PluginState

# the only legal successions: checking → passed → sending → sent|failed, or checking → check failed
NEXT: dict[Status, set[Status]] = {
    Status.CHECKING: {Status.CHECK_PASSED, Status.CHECK_FAILED},
    Status.CHECK_PASSED: {Status.SENDING},
    Status.SENDING: {Status.SENT, Status.SEND_FAILED},
}


class MiniWorld:
    """What PluginState uses of a World: a seed-derived rng, genesis and the clock."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.clock = SimClock.manual()
        self.genesis = self.clock.now()

    def rng(self, name: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def now(self) -> datetime:
        return self.clock.now()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_every_seed_starts_with_all_six_statuses(seed: int) -> None:
    world = MiniWorld(seed)
    state = PluginState(world)  # type: ignore[arg-type]
    assert {s.status(world.now()) for s in state.schedules()} == set(Status)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), steps=st.lists(st.integers(1, 6 * 3600), min_size=1, max_size=30))
def test_statuses_only_move_forward(seed: int, steps: list[int]) -> None:
    world = MiniWorld(seed)
    state = PluginState(world)  # type: ignore[arg-type]
    before = {s.schedule_id: s.status(world.now()) for s in state.schedules()}
    for step in steps:
        world.clock.advance(step)
        for plan in state.schedules():
            now_status = plan.status(world.now())
            old = before[plan.schedule_id]
            if now_status != old:
                # several transitions may happen within one step: walk the timeline to check the path
                path = [s for s, _ in plan.timeline()]
                assert path.index(now_status) > path.index(old)
                assert all(b in NEXT[a] for a, b in pairwise(path))
            before[plan.schedule_id] = now_status
