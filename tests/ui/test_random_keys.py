"""A few thousand seeded random keys over every screen, against the in-process simulated cloud under heavy
faults, in bursts typed at machine speed (auto-repeat: the same key 10–30 times): no exception, no worker
dying of a bug, and the app still answers afterwards (issue 10 §6).

The seed is printed; ``PAITUI_FUZZ_SEED=<seed>`` replays a failure, ``PAITUI_FUZZ_KEYS`` changes the count.
Latency is simulated time (the fault plan's sleep moves the world's clock), not real sleeping.
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from paitui.api.errors import PaiError
from paitui.sim.faults import FaultPlan
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.jobs import JobsScreen
from tests.ui.conftest import SIZE, demo_app, wait_until

FAULTS = "throttle=0.2,error5xx=0.1,malformed=0.05,drop=0.05,latency=0.2-2s@0.3,retry-after=50ms"
KEYS = int(os.environ.get("PAITUI_FUZZ_KEYS", "1800"))
SEED = int(os.environ.get("PAITUI_FUZZ_SEED", str(random.SystemRandom().randrange(2**31))))

# every key some screen binds (lists, details, logs, modals, the palette), plus plain typing
BOUND = [*"jkhlsSrpxtaRFQwymfenNcCv[]#&0123456789?/ gGq", "up", "down", "left", "right", "pageup", "pagedown",
         "home", "end", "enter", "escape", "tab", "shift+tab", "backspace", "space", "ctrl+p", "ctrl+s",
         "ctrl+f", "ctrl+r", "ctrl+t", "colon", "delete"]
TEXT = [*"abcdefghijklmnopqrstuvwxyz0123456789-_.*!,:"]
# ``:`` commands move between the screens (never :q: the app must stay up)
COMMANDS = ["jobs", "runs", "pipelines", "schedules", "tensorboards", "templates", "specs", "ws", "help",
            "workspaces 264901", "rg cn-sh", "nosuch"]
REPEAT = ["down", "up", "enter", "escape", "j", "k", "pagedown", "space", "x", "r", "t", "s", "tab"]


def bursts(rng: random.Random, total: int) -> list[list[str]]:
    """Groups of keys that arrive together: a repeated key, a command, or a random handful."""
    out: list[list[str]] = []
    count = 0
    while count < total:
        roll = rng.random()
        if roll < 0.25:
            burst = [rng.choice(REPEAT)] * rng.randint(10, 30)  # a key held down
        elif roll < 0.35:
            burst = ["colon", *rng.choice(COMMANDS), "enter"]
        elif roll < 0.45:
            burst = ["slash", *rng.choices(TEXT, k=rng.randint(1, 8)), rng.choice(["enter", "escape"])]
        else:
            burst = rng.choices(BOUND, k=rng.randint(1, 6))
        out.append(burst)
        count += len(burst)
    return out


def post_keys(app: PaiTuiApp, keys: list[str]) -> None:
    for key in keys:
        char = key if len(key) == 1 else {"space": " ", "colon": ":", "slash": "/"}.get(key)
        name = {" ": "space", ":": "colon", "/": "slash", "?": "question_mark", "[": "left_square_bracket",
                "]": "right_square_bracket", "#": "number_sign", "&": "ampersand", "*": "asterisk",
                "!": "exclamation_mark", ",": "comma", ".": "full_stop", "-": "minus", "_": "underscore"}.get(key, key)
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)


async def settled(app: PaiTuiApp, pilot: Pilot[Any]) -> None:
    def idle() -> bool:
        queued = any(isinstance(m, events.Key) for m in (app._pending_message, *app._message_queue.values))
        return not queued and not app._keys.busy

    try:
        await wait_until(pilot, idle, timeout=30, what="the keys to be handled")
    except AssertionError:
        gate = app._keys
        queued = [type(m).__name__ for m in (app._pending_message, *app._message_queue.values)]
        raise AssertionError(
            f"keys not handled (seed {SEED}): held back {[k.key for k in gate._waiting]}, in flight "
            f"{gate._in_flight} to {gate._target}, admitting {gate._admitting}; app queue {queued}; "
            f"screens {app.screen_stack}, focus {app.focused}") from None


@pytest.fixture
def quiet_side_effects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved logs land in a temporary folder; the pager is a no-op."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAGER", "true")


async def test_random_keys_under_faults_never_crash(quiet_side_effects: None) -> None:
    print(f"random keys: PAITUI_FUZZ_SEED={SEED} PAITUI_FUZZ_KEYS={KEYS}")
    rng = random.Random(SEED)
    app = demo_app(workspace=None, jobs=120, list_interval=0.3, detail_interval=0.2)
    world: Any = app.backend.world

    async def simulated_latency(seconds: float) -> None:
        world.clock.advance(seconds)  # the answer comes later in the world's time, at once in ours
        await asyncio.sleep(0)

    bugs: list[str] = []
    show_error = app.show_error

    def watch_errors(error: Exception, *, title: str | None = None) -> None:
        if not isinstance(error, PaiError):  # a worker died of a bug, not of the (faulty) service
            bugs.append(f"{title}: {type(error).__name__}: {error}")
        show_error(error, title=title)

    app.show_error = watch_errors  # type: ignore[method-assign]
    quits: list[object] = []
    leave = app.exit
    app.exit = lambda *args, **kwargs: quits.append(args)  # type: ignore[method-assign]  # `:q` typed at random
    seen: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        app.backend.sim_app.faults = FaultPlan.parse(FAULTS, seed=SEED, sleep=simulated_latency)
        for burst in bursts(rng, KEYS):
            post_keys(app, burst)
            await settled(app, pilot)
            seen.add(type(app.screen).__name__)
            if rng.random() < 0.1:
                world.clock.advance(rng.uniform(1, 120))  # jobs move on between bursts
            assert app.is_running, f"the app left (seed {SEED}); screens seen: {sorted(seen)}"
        # still responsive: a command opens the jobs list of the workspace
        app.exit = leave  # type: ignore[method-assign]
        app.backend.sim_app.faults = None
        await pilot.press("escape", "escape", "escape", "escape")
        app.set_workspace("264901", "ws")
        await pilot.press("colon", *"jobs", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded,
                         what=f"jobs after the random keys (seed {SEED})")
    print(f"screens seen: {sorted(seen)}; quit typed {len(quits)} times")
    assert not bugs, f"seed {SEED}: " + "\n".join(bugs[:10])
    assert app.return_code in (None, 0), f"seed {SEED}"
