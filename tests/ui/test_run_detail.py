"""The pipeline-run detail screen on the simulated cloud (manual clock): the live node tree, the node detail
panel with produced outputs, expansion and cursor surviving refreshes, and a run that has not started."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paitui.live.status import node_phase
from paitui.sim.faults import FaultPlan
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.logs import LogScreen
from paitui.ui.screens.run import RunDetailScreen
from paitui.ui.widgets.confirm import ConfirmModal
from paitui.ui.widgets.node_tree import NodeTree
from tests.ui.conftest import FAST, SIZE, demo_app, open_detail, static_text, wait_until


def find_run(app: PaiTuiApp, predicate: Callable[[Any, Any], bool]) -> str:
    """The id of the first simulated run matching ``predicate(run, now)`` (runs in creation order)."""
    world: Any = app.backend.world
    now = world.clock.now()
    for run in sorted(world.flow.runs.values(), key=lambda r: (r.created, r.run_id)):
        if predicate(run, now):
            return run.run_id
    raise AssertionError("no simulated run matches")


def has_loop(run: Any) -> bool:
    return any(n.d.node_type in ("Loop", "Dag") and n.children for n in run.plan().walk()[1:])


def running_nested(run: Any, now: Any) -> bool:
    return run.status(now) == "Running" and has_loop(run)


def succeeded_nested(run: Any, now: Any) -> bool:
    return run.status(now) == "Succeeded" and has_loop(run)


async def open_run(app: PaiTuiApp, pilot: Any, run_id: str) -> RunDetailScreen:
    return await open_detail(app, pilot, RunDetailScreen(run_id), what="run loaded")


def labels(tree: NodeTree) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(node: Any) -> None:
        out[node.data] = str(node.label)
        for child in node.children:
            walk(child)

    walk(tree.root)
    return out


async def test_tree_shows_every_node_with_its_status_and_moves_with_the_clock() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        run_id = find_run(app, running_nested)
        screen = await open_run(app, pilot, run_id)
        root = screen.snapshot.root
        expected = {n.metadata.node_id: n.status_info.status for n in root.walk()}
        tree = screen.node_tree
        shown = labels(tree)
        assert set(shown) == set(expected)
        for node_id, status in expected.items():
            assert status in shown[node_id]
        assert screen.snapshot.run.name in static_text(screen, "#run-header")

        before = dict(expected)
        app.backend.world.clock.advance(90)
        await wait_until(pilot, lambda: {n.metadata.node_id: n.status_info.status
                                         for n in screen.snapshot.root.walk()} != before, what="statuses move")
        after = {n.metadata.node_id: n.status_info.status for n in screen.snapshot.root.walk()}
        shown = labels(screen.node_tree)
        for node_id, status in after.items():
            assert status in shown[node_id]


async def test_expansion_and_cursor_survive_refreshes() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, find_run(app, running_nested))
        tree = screen.node_tree
        parent_id = next(n.metadata.node_id for n in list(screen.snapshot.root.walk())[1:] if n.children)
        parent = tree.tree_node(parent_id)
        assert parent is not None and parent.is_expanded
        parent.collapse()
        tree.move_cursor(parent, animate=False)
        await pilot.pause()
        polls = screen.detail_watch.polls
        for _ in range(3):  # the tree changes while the user looks at it
            app.backend.world.clock.advance(10)
            await wait_until(pilot, lambda n=polls: screen.detail_watch.polls > n or screen.detail_watch.done,
                             what="a refresh")
            polls = screen.detail_watch.polls
        assert tree.tree_node(parent_id) is parent  # reconciled, not rebuilt
        assert not parent.is_expanded
        assert tree.highlighted_id == parent_id
        assert "Node · " in str(screen.query_one("#node-pane").border_title)


async def test_node_detail_shows_conditions_parameters_and_outputs() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, find_run(app, succeeded_nested))
        task = next(n for n in screen.snapshot.root.children  # top level: its step is in the run's manifest
                    if n.metadata.node_type == "Task" and node_phase(n.status_info.status) == "succeeded")
        node_id = task.metadata.node_id
        screen.node_tree.move_cursor(screen.node_tree.tree_node(node_id), animate=False)
        await wait_until(pilot, lambda: isinstance(screen.outputs.get(node_id), list), what="outputs loaded")
        await pilot.pause()
        detail = static_text(screen, "#node-detail")
        assert node_id in detail and "Succeed" in detail
        assert "Conditions" in detail and "Completed" in detail
        outputs = screen.outputs[node_id]
        assert outputs and all(o.id in detail for o in outputs)
        assert "Manifest" in detail and f"name: {task.metadata.name}" in detail


async def test_the_header_names_the_pipeline_the_list_knew_or_says_inline_manifest() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        world: Any = app.backend.world
        run_id = find_run(app, lambda r, now: bool(r.pipeline_id))
        pipeline_id = world.flow.runs[run_id].pipeline_id
        screen = await open_detail(app, pilot, RunDetailScreen(run_id, pipeline_name="etl_daily_events"),
                                   what="run loaded")
        assert f"pipeline etl_daily_events ({pipeline_id})" in static_text(screen, "#run-header")
        app.pop_screen()
        inline = find_run(app, lambda r, now: not r.pipeline_id)
        screen = await open_run(app, pilot, inline)
        assert "pipeline inline manifest" in static_text(screen, "#run-header")


async def test_an_initialized_run_says_it_has_not_started() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, find_run(app, lambda r, now: r.status(now) == "Initialized"))
        assert screen.snapshot.root is None
        assert screen.query_one("#tree-pane").has_class("-not-started")
        message = static_text(screen, "#not-started")
        assert "Not started" in message and "press s" in message
        assert not screen.node_tree.display or not screen.node_tree.nodes
        assert not screen.detail_watch.done  # Initialized is not terminal: keep watching
        # the key the message names opens the start confirmation (it did nothing before)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="start confirmation")
        await pilot.press("escape")


async def test_terminal_run_stops_polling_and_faults_mark_stale() -> None:
    app = demo_app(detail_interval=FAST, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, find_run(app, succeeded_nested))
        await pilot.pause(10 * FAST)
        assert screen.detail_watch.done and screen.detail_watch.polls == 1
        nodes = len(screen.node_tree.nodes)
        app.backend.sim_app.faults = FaultPlan.parse("error5xx=1.0", seed=1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is not None, what="stale marker")
        assert len(screen.node_tree.nodes) == nodes  # last good tree stays
        assert "stale" in static_text(screen, "#run-header")


async def test_enter_on_a_node_opens_its_logs() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_run(app, pilot, find_run(app, succeeded_nested))
        screen.node_tree.focus()
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")


def test_snapshot(snap_compare: Any) -> None:
    app = demo_app(detail_interval=FAST)

    async def run_before(pilot: Any) -> None:
        screen = await open_run(app, pilot, find_run(app, succeeded_nested))
        await wait_until(pilot, lambda: all(isinstance(v, list) for v in screen.outputs.values()), what="outputs")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
