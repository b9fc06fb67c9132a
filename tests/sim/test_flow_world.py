"""PAIFlow world generation and planning, tested on the state directly (no HTTP)."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from paitui.sim.clock import SimClock
from paitui.sim.flow import graph, manifests, views
from paitui.sim.flow.graph import ManifestError
from paitui.sim.flow.plan import FAILED, RUNNING, SKIPPED, SUCCEED, Fate, PNode, build_plan
from paitui.sim.world import World


def make_world(seed: int = 7) -> World:
    return World(seed=seed, clock=SimClock.manual())


def snapshot(world: World) -> list[dict[str, object]]:
    now = world.now()
    return [views.run_item(r, now) for r in world.flow.runs.values()]


def test_same_seed_same_world() -> None:
    a, b = make_world(), make_world()
    assert snapshot(a) == snapshot(b)
    assert [p.manifest for p in a.flow.pipelines.values()] == [p.manifest for p in b.flow.pipelines.values()]
    assert snapshot(make_world(8)) != snapshot(a)


def test_history_covers_every_status_and_scales_with_jobs() -> None:
    world = make_world()
    statuses = Counter(r.status(world.now()) for r in world.flow.runs.values())
    assert set(statuses) == {"Initialized", "Running", "Succeeded", "Failed", "Terminated", "Terminating",
                             "Suspended", "Unknown", "Skipped"}
    assert statuses["Succeeded"] > statuses["Failed"] > 0
    assert len(world.flow.runs) == 100  # jobs=400 → 400/4
    assert len(World(seed=7, jobs=40, clock=SimClock.manual()).flow.runs) == 60  # the minimum
    ids = list(world.flow.runs)
    assert all(i.startswith("flow-") and len(i) == 23 for i in ids)
    assert {r.workspace_id for r in world.flow.runs.values()} == {"264901", "264902", "264903", "264904"}


def test_initialized_runs_have_no_root_node_and_started_ones_do() -> None:
    world = make_world()
    now = world.now()
    for run in world.flow.runs.values():
        status = run.status(now)
        assert (run.root_node_id(now) == "") == (status in ("Initialized", "Skipped"))
        if status == "Failed":
            assert run.message(now).startswith("Node ")


def test_seeded_manifests_parse_and_have_the_promised_shapes() -> None:
    world = make_world()
    trees = {p.identifier: world.flow.tree_for(p.manifest) for p in world.flow.pipelines.values()}
    assert len(trees) == 12
    for p in world.flow.pipelines.values():
        doc = yaml.safe_load(p.manifest)
        assert doc["apiVersion"] == "core/v1"
        assert {"provider", "version", "identifier"} <= set(doc["metadata"])
    assert trees["sql_echo"].node_type == "Task"
    assert [c.name for c in trees["source_transform_sql"].children] == ["data_source", "type_transform", "sql"]
    fanout = trees["ctr_fanout_train"]
    assert sum(1 for c in fanout.children if c.deps == ("split",)) == 4
    loop = next(c for c in trees["hpo_learning_rate"].children if c.node_type == "Loop")
    assert loop.with_items == ["0.01", "0.03", "0.1", "0.3"] and len(loop.children) == 4
    seq = next(c for c in trees["seed_sweep"].children if c.node_type == "Loop")
    assert [c.item for c in seq.children] == [f"seed-{i:02d}" for i in range(1, 6)]
    nested = next(c for c in trees["churn_nested"].children if c.name == "features")
    assert nested.node_type == "Dag" and len(nested.children) == 4
    # recsys_weekly references the shared feature_engineering pipeline: expanded as a nested Dag
    ref = next(c for c in trees["recsys_weekly"].children if c.name == "features")
    assert ref.node_type == "Dag" and [c.name for c in ref.children] == ["data_source", "fill_missing", "normalize"]
    assert len(trees["etl_daily_events"].children) == 8


@pytest.mark.parametrize("text, reason", [
    ("a: [", "not valid YAML"),
    ("- 1\n- 2", "mapping"),
    ("apiVersion: core/v2\nmetadata: {identifier: x, version: v1}", "apiVersion"),
    ("apiVersion: core/v1\nmetadata: {version: v1}", "identifier"),
    ("apiVersion: core/v1\nmetadata: {identifier: x, version: v1}\nspec:\n  pipelines:\n"
     "  - {apiVersion: core/v1, metadata: {identifier: a}, spec: {dependencies: [b]}}", "unknown pipeline b"),
    ("apiVersion: core/v1\nmetadata: {identifier: x, version: v1}\nspec:\n  pipelines:\n"
     "  - {apiVersion: core/v1, metadata: {identifier: a}, spec: {dependencies: [b]}}\n"
     "  - {apiVersion: core/v1, metadata: {identifier: b}, spec: {dependencies: [a]}}", "cycle"),
])
def test_invalid_manifests_are_rejected_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ManifestError, match=reason):
        graph.parse(text)


def plan_for(identifier: str, fate: Fate | None = None) -> tuple[graph.NodeDef, PNode]:
    world = make_world()
    pipeline = next(p for p in world.flow.pipelines.values() if p.identifier == identifier)
    tree = world.flow.tree_for(pipeline.manifest)
    return tree, build_plan(tree, "flow-test", 0, fate or Fate())


def test_nodes_never_start_before_their_dependencies_finish() -> None:
    for identifier in ("source_transform_sql", "ctr_fanout_train", "hpo_learning_rate", "churn_nested",
                       "recsys_weekly", "etl_daily_events"):
        _, plan = plan_for(identifier)
        nodes = plan.walk()
        for node in nodes:
            siblings = {n.d.name: n for n in nodes if n.parent_id == node.parent_id}
            for dep in node.d.deps:
                assert node.start >= siblings[dep].end, (identifier, node.d.name, dep)
            for child in node.children:
                assert child.start >= node.start and child.end <= node.end


def test_fanout_branches_overlap_and_loops_respect_parallelism() -> None:
    _, plan = plan_for("ctr_fanout_train")
    shards = [n for n in plan.walk() if n.d.name.startswith("train_shard")]
    latest_start = max(s.start for s in shards)
    assert all(s.start < latest_start < s.end for s in shards if s.start != latest_start)
    moment = latest_start + 0.01
    assert sum(s.status_at(moment) == RUNNING for s in shards) == 4
    _, plan = plan_for("hpo_learning_rate")
    loop = next(n for n in plan.walk() if n.d.node_type == "Loop")
    starts = sorted(c.start for c in loop.children)
    assert max(sum(c.start <= t < c.end for c in loop.children) for t in starts) == 2  # parallelism: 2


def test_a_failure_fails_the_run_and_skips_what_had_not_started() -> None:
    _, plan = plan_for("source_transform_sql", Fate("root/type_transform", 0.5))
    by_name = {n.d.name: n for n in plan.walk()}
    assert by_name["data_source"].outcome == SUCCEED
    assert by_name["type_transform"].outcome == FAILED and by_name["type_transform"].message
    assert by_name["sql"].outcome == SKIPPED and by_name["sql"].start is None
    assert plan.outcome == FAILED


def test_new_runs_keep_arriving_after_genesis() -> None:
    world = make_world()
    before = len(world.flow.runs)
    world.clock.advance(3600)
    world.flow.sync()
    arrived = len(world.flow.runs) - before
    assert 8 <= arrived <= 30
    newest = max(world.flow.runs.values(), key=lambda r: r.created)
    assert newest.created > world.genesis and newest.started is not None


def test_manifest_dump_round_trips() -> None:
    for seed in manifests.SEEDS:
        doc = seed.build("1557702098194904")
        assert yaml.safe_load(manifests.dump(doc)) == doc
