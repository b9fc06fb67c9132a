"""Generate the PAIFlow world: the seeded pipelines, the run history before genesis, and new runs after it.

Every run is drawn from its own random stream (``world.rng(f"flow.run.{i}")``) so that the history is
identical for a seed whatever else the world generates. A target status is picked first and the run's
times are then placed so that the status derived from its plan at genesis is exactly that one.
"""

from __future__ import annotations

import json
import random
import string
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from paitui.sim.flow import manifests
from paitui.sim.flow.plan import Fate
from paitui.sim.flow.records import TERMINATE_SECONDS, Pipeline, Run

if TYPE_CHECKING:
    from paitui.sim.flow.state import FlowState

_ALPHABET = string.ascii_lowercase + string.digits
# every status appears at least once (the first runs cycle through them), then by weight
HISTORY_STATUSES: tuple[tuple[str, int], ...] = (
    ("Succeeded", 52), ("Failed", 14), ("Running", 10), ("Terminated", 7), ("Initialized", 4),
    ("Suspended", 2), ("Skipped", 2), ("Unknown", 1), ("Terminating", 1),
)
SOURCES: tuple[tuple[str, int], ...] = (("PAI_STUDIO", 50), ("SDK", 30), ("UNKNOWN", 12), ("M6", 8))
ARRIVAL_GAP = (120.0, 360.0)  # a new run every few simulated minutes after genesis
ARRIVAL_FAILURE_RATE = 0.12


def make_id(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choice(_ALPHABET) for _ in range(length))


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def seed_pipelines(state: FlowState) -> None:
    world = state.world
    rng = world.rng("flow.pipelines")
    for index, seed in enumerate(manifests.SEEDS):
        creator = world.users[seed.creator_index]
        doc = seed.build(creator.user_id)
        meta = doc["metadata"]
        created = world.genesis - timedelta(days=rng.uniform(20, 120), seconds=index)
        pipeline = Pipeline(
            pipeline_id=make_id(rng, "pipeline-", 14), uuid=make_id(rng, "", 32), identifier=meta["identifier"],
            provider=meta["provider"], version=meta["version"], name=meta.get("name", meta["identifier"]),
            workspace_id=seed.workspace_id, creator_id=creator.user_id, manifest=manifests.dump(doc),
            created=created, modified=created + timedelta(days=rng.uniform(0, 15)), shared=seed.shared)
        state.pipelines[pipeline.pipeline_id] = pipeline


def _pick_pipeline(state: FlowState, rng: random.Random) -> Pipeline:
    refs = [(w.workspace_id, w.weight) for w in state.world.workspace_refs if w.weight > 0]
    workspace_id = weighted(rng, refs)
    candidates = [p for p in state.pipelines.values() if p.workspace_id == workspace_id]
    return rng.choice(candidates or list(state.pipelines.values()))


def _new_run(state: FlowState, rng: random.Random, run_id: str, pipeline: Pipeline, created: datetime,
             source: str, user_id: str) -> Run:
    tree = state.tree_for(pipeline.manifest)
    from_manifest = source == "SDK" and rng.random() < 0.5  # SDK users often submit the manifest itself
    options = json.dumps({"mlflow": {"experimentId": make_id(rng, "exp-", 10)}}) if rng.random() < 0.4 else ""
    source_id = {"PAI_STUDIO": make_id(rng, "experiment-", 10), "M6": make_id(rng, "m6-task-", 8)}.get(source, "")
    return Run(
        run_id=run_id, name=run_name(pipeline, source, created, rng.randint(100, 999)),
        workspace_id=pipeline.workspace_id, user_id=user_id,
        pipeline_id="" if from_manifest else pipeline.pipeline_id, manifest=pipeline.manifest, tree=tree,
        created=created, source_type=source, source_id=source_id,
        accessibility="PRIVATE" if rng.random() < 0.12 else "PUBLIC",
        arguments=json.dumps({"arguments": {"parameters": [{"name": "bizdate", "value": created.strftime("%Y%m%d")}]}}),
        options=options)


def run_name(pipeline: Pipeline, source: str, created: datetime, number: int) -> str:
    stamp = created.strftime("%Y%m%d%H%M%S")
    names = {"PAI_STUDIO": f"{pipeline.name}_{stamp}", "SDK": f"{pipeline.identifier}-run-{stamp[4:12]}",
             "M6": f"m6-{pipeline.identifier}-{number}"}
    return names.get(source, f"{pipeline.identifier}_{stamp}")


def _fate(rng: random.Random, run: Run, fail: bool) -> Fate:
    if not fail:
        return Fate()
    return Fate(rng.choice(run.tree.tasks()).path, rng.uniform(0.2, 0.9))


def _pick_user(state: FlowState, rng: random.Random, pipeline: Pipeline) -> str:
    if rng.random() < 0.4:
        return pipeline.creator_id
    return rng.choice(state.world.users).user_id


def seed_history(state: FlowState) -> None:
    world = state.world
    genesis = world.genesis
    count = max(60, world.job_count // 4)
    statuses = [s for s, _ in HISTORY_STATUSES]
    for i in range(count):
        rng = world.rng(f"flow.run.{i}")
        target = statuses[i] if i < len(statuses) else weighted(rng, HISTORY_STATUSES)
        pipeline = _pick_pipeline(state, rng)
        source = weighted(rng, SOURCES)
        run_id = make_id(rng, "flow-", 18)
        # placeholder creation time: fixed below once the plan's length is known
        run = _new_run(state, rng, run_id, pipeline, genesis, source, _pick_user(state, rng, pipeline))
        run.fate = _fate(rng, run, target == "Failed" or (target == "Running" and rng.random() < 0.15))
        length = run.plan().end
        _place(run, rng, target, genesis, length)
        run.name = run_name(pipeline, source, run.created, i)
        if i < len(statuses):
            run.accessibility = "PUBLIC"  # every status visible to everyone in the demo
        state.runs[run.run_id] = run


def _place(run: Run, rng: random.Random, target: str, genesis: datetime, length: float) -> None:
    """Set created/started/terminate/freeze so that ``run.status(genesis) == target``."""
    age = timedelta(seconds=length + 600 + (rng.random() ** 2) * 14 * 86400)
    if target == "Initialized":
        run.created = genesis - timedelta(seconds=rng.uniform(60, 3 * 3600))
        return
    if target == "Running":
        start = genesis - timedelta(seconds=rng.uniform(0.05, 0.9) * length)
    elif target == "Terminating":
        start = genesis - timedelta(seconds=0.5 * length)
    elif target == "Suspended":
        start = genesis - timedelta(seconds=length + rng.uniform(600, 6 * 3600))
    else:
        start = genesis - age
    run.created = start - timedelta(seconds=rng.uniform(2, 20))
    if target == "Skipped":
        run.skipped = True
        return
    run.started = start
    if target == "Terminated":
        run.terminate_at = start + timedelta(seconds=rng.uniform(0.2, 0.8) * length)
    elif target == "Terminating":
        run.terminate_at = genesis - timedelta(seconds=TERMINATE_SECONDS / 4)
    elif target in ("Suspended", "Unknown"):
        run.freeze = (target, start + timedelta(seconds=rng.uniform(0.2, 0.8) * length))
    run.reset_plan()


class Arrivals:
    """New runs after genesis: arrival ``k`` happens at a fixed time, materialised on first look."""

    def __init__(self, state: FlowState) -> None:
        self.state = state
        self.count = 0
        self.next_at = state.world.genesis + self._gap(0)

    def _gap(self, k: int) -> timedelta:
        return timedelta(seconds=self.state.world.rng(f"flow.arrival.gap.{k}").uniform(*ARRIVAL_GAP))

    def materialise(self, now: datetime, limit: int = 500) -> None:
        while self.next_at <= now and limit > 0 and self.state.pipelines:
            self._arrive(self.count, self.next_at)
            self.count += 1
            limit -= 1
            self.next_at += self._gap(self.count)

    def _arrive(self, k: int, at: datetime) -> None:
        state = self.state
        rng = state.world.rng(f"flow.arrival.{k}")
        pipeline = _pick_pipeline(state, rng)
        source = weighted(rng, (("PAI_STUDIO", 5), ("SDK", 4), ("UNKNOWN", 1)))
        user = rng.choice([state.world.users[5].user_id, state.world.users[0].user_id, pipeline.creator_id])
        run = _new_run(state, rng, make_id(rng, "flow-", 18), pipeline, at, source, user)
        run.started = at + timedelta(seconds=rng.uniform(1, 4))
        run.fate = _fate(rng, run, rng.random() < ARRIVAL_FAILURE_RATE)
        state.runs[run.run_id] = run
