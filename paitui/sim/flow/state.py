"""PAIFlow's store: pipelines and runs, and the lifecycle operations on them (all errors are SimErrors).

Run lifecycle (times at speed 1; everything is derived from the clock, see records.py):
  CreatePipelineRun(NoConfirmRequired=true)  → Running at once; nodes progress → Succeeded | Failed
  CreatePipelineRun(NoConfirmRequired=false) → Initialized until StartPipelineRun
  TerminatePipelineRun → Terminating for TERMINATE_SECONDS → Terminated (an Initialized run: Terminated at once)
  RerunPipelineRun (finished runs only) → Running again with a new attempt: fresh node ids and plans
  DeletePipelineRun refuses active runs (Running, Terminating, Suspended); Initialized and finished ones go.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paitui.sim.errors import SimError, invalid_param, not_found
from paitui.sim.flow import graph
from paitui.sim.flow.graph import ManifestError, NodeDef
from paitui.sim.flow.plan import Fate, PNode, stable_rng
from paitui.sim.flow.records import RUN_ACTIVE, RUN_TERMINAL, Pipeline, Run
from paitui.sim.flow.seed import Arrivals, seed_history, seed_pipelines

if TYPE_CHECKING:
    from paitui.sim.world import World

IN_USE_MESSAGE = ("The specified pipeline is subscribed by users as a shared pipeline or referenced by other "
                  "pipelines as a sub-pipeline, and cannot be deleted.")
NEW_RUN_FAILURE_RATE = 0.1


def _active_runs(pipeline_id: str, active: list[Any], verb: str) -> SimError:
    return SimError(400, "InvalidParameter.PipelineInUse",
                    f"The pipeline {pipeline_id} has {len(active)} unfinished pipeline run(s) "
                    f"(e.g. {active[0].run_id}); it can be {verb} only when no runs are active.")


def status_error(run: Run, status: str, wanted: str) -> SimError:
    return SimError(400, "InvalidParameter.PipelineRunStatus",
                    f"The pipeline run {run.run_id} is {status}; {wanted}.")


class FlowState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.pipelines: dict[str, Pipeline] = {}
        self.runs: dict[str, Run] = {}
        self.deleted_runs: dict[str, Run] = {}  # tombstones: ListPipelineRunsStatus answers IsDeleted
        self._trees: dict[str, NodeDef] = {}
        seed_pipelines(self)
        seed_history(self)
        self.arrivals = Arrivals(self)

    # --- time and manifests --------------------------------------------------------------------------

    def sync(self) -> datetime:
        """Materialise the runs that arrived since the last look; return now."""
        now = self.world.now()
        self.arrivals.materialise(now)
        return now

    def resolve(self, provider: str, identifier: str, version: str) -> dict[str, Any] | None:
        """A sub-pipeline reference → the referenced user pipeline's manifest."""
        for p in self.pipelines.values():
            if (p.provider, p.identifier, p.version) == (provider, identifier, version):
                return graph.yaml_load(p.manifest)
        return None

    def tree_for(self, manifest: str) -> NodeDef:
        if manifest not in self._trees:
            self._trees[manifest] = self.parse(manifest)[1]
        return self._trees[manifest]

    def parse(self, manifest: str) -> tuple[dict[str, Any], NodeDef]:
        try:
            return graph.parse(manifest, self.resolve)
        except ManifestError as exc:
            raise SimError(400, "InvalidParameter.Manifest", f"The manifest is invalid: {exc}") from None

    def check_workspace(self, workspace_id: str) -> None:
        if self.world.workspace_ref(workspace_id) is None:
            raise not_found("NotFound.Workspace", "workspace", workspace_id)

    # --- pipelines -----------------------------------------------------------------------------------

    def pipeline(self, pipeline_id: str) -> Pipeline:
        pipeline = self.pipelines.get(pipeline_id)
        if pipeline is None:
            raise not_found("NotFound.Pipeline", "pipeline", pipeline_id)
        return pipeline

    def create_pipeline(self, workspace_id: str, manifest: str, caller_id: str) -> Pipeline:
        self.check_workspace(workspace_id)
        doc, _ = self.parse(manifest)
        meta = doc["metadata"]
        provider, identifier, version = str(meta.get("provider") or caller_id), str(meta["identifier"]), str(
            meta["version"])
        for p in self.pipelines.values():
            if (p.workspace_id, p.provider, p.identifier, p.version) == (workspace_id, provider, identifier, version):
                raise SimError(400, "InvalidParameter.PipelineExists",
                               f"A pipeline {identifier} version {version} of provider {provider} already exists "
                               f"in workspace {workspace_id} ({p.pipeline_id}).")
        now = self.world.now()
        pipeline = Pipeline(
            pipeline_id=self.world.new_id("pipeline-"), uuid=self.world.new_id("", 32), identifier=identifier,
            provider=provider, version=version, name=str(meta.get("name") or identifier),
            workspace_id=workspace_id, creator_id=caller_id, manifest=manifest, created=now, modified=now)
        self.pipelines[pipeline.pipeline_id] = pipeline
        self._trees.clear()  # a new pipeline may resolve a sub-pipeline reference
        return pipeline

    def active_runs_of(self, pipeline_id: str, now: datetime) -> list[Run]:
        return [r for r in self.runs.values()
                if r.pipeline_id == pipeline_id and r.status(now) not in RUN_TERMINAL]

    def update_pipeline(self, pipeline_id: str, manifest: str) -> Pipeline:
        pipeline = self.pipeline(pipeline_id)
        doc, _ = self.parse(manifest)
        meta = doc["metadata"]
        if str(meta["identifier"]) != pipeline.identifier:
            raise SimError(400, "InvalidParameter.Manifest",
                           f"The manifest is invalid: metadata.identifier must stay {pipeline.identifier}.")
        now = self.sync()
        active = self.active_runs_of(pipeline_id, now)
        if active:
            raise _active_runs(pipeline_id, active, "updated")
        pipeline.manifest, pipeline.version = manifest, str(meta["version"])
        pipeline.name, pipeline.modified = str(meta.get("name") or pipeline.identifier), now
        self._trees.clear()
        return pipeline

    def delete_pipeline(self, pipeline_id: str) -> None:
        pipeline = self.pipeline(pipeline_id)
        now = self.sync()
        if pipeline.shared or self._referenced(pipeline):
            raise SimError(400, "InvalidParameter.PipelineInUse", IN_USE_MESSAGE)
        active = self.active_runs_of(pipeline_id, now)
        if active:  # not a subscription or a reference: say what really blocks it
            raise _active_runs(pipeline_id, active, "deleted")
        del self.pipelines[pipeline_id]
        self._trees.clear()

    def _referenced(self, target: Pipeline) -> bool:
        key = (target.provider, target.identifier, target.version)

        def refs(children: Any) -> bool:
            for child in children or ():
                if not isinstance(child, dict):
                    continue
                meta, spec = child.get("metadata") or {}, child.get("spec") or {}
                if (meta.get("provider"), meta.get("identifier"), meta.get("version", "v1")) == key:
                    return True
                if refs(spec.get("pipelines")):
                    return True
            return False

        others = (p for p in self.pipelines.values() if p.pipeline_id != target.pipeline_id)
        return any(refs((graph.yaml_load(p.manifest).get("spec") or {}).get("pipelines")) for p in others)

    # --- runs ----------------------------------------------------------------------------------------

    def run(self, run_id: str) -> Run:
        self.sync()
        run = self.runs.get(run_id)
        if run is None:
            raise not_found("NotFound.PipelineRun", "pipeline run", run_id)
        return run

    def node(self, run: Run, node_id: str, now: datetime) -> tuple[PNode, float]:
        view = run.view(now)
        if view is not None:
            plan, elapsed = view
            found = next((n for n in plan.walk() if n.node_id == node_id), None)
            if found is not None:
                return found, elapsed
        raise not_found("NotFound.Node", "node", node_id)

    def create_run(self, *, workspace_id: str, caller_id: str, pipeline_id: str | None, manifest: str | None,
                   name: str | None, start: bool, arguments: str = "", options: str = "",
                   source_type: str = "UNKNOWN", source_id: str = "", accessibility: str = "PUBLIC") -> Run:
        if bool(pipeline_id) == bool(manifest):
            raise invalid_param("PipelineId", "exactly one of PipelineId and PipelineManifest must be specified")
        self.check_workspace(workspace_id)
        if pipeline_id:
            text = self.pipeline(pipeline_id).manifest
            tree = self.tree_for(text)
        else:
            text = manifest or ""
            tree = self.parse(text)[1]
        now = self.sync()
        run_id = self.world.new_id("flow-", 18)
        if not name:
            name = f"{tree.identifier}_{now.strftime('%Y%m%d%H%M%S')}"
        run = Run(run_id=run_id, name=name, workspace_id=workspace_id, user_id=caller_id,
                  pipeline_id=pipeline_id or "", manifest=text, tree=tree, created=now, source_type=source_type,
                  source_id=source_id, accessibility=accessibility, arguments=arguments, options=options,
                  modified=now)
        run.fate = self._new_fate(run)
        if start:
            run.started = now
        self.runs[run_id] = run
        return run

    def _new_fate(self, run: Run) -> Fate:
        """Options ``{"simulation": {"failNode": "<node name>" | null}}`` pins the outcome (tests, demos);
        otherwise a run fails now and then, decided by its id and attempt."""
        try:
            sim = json.loads(run.options).get("simulation") if run.options else None
        except (ValueError, AttributeError):
            sim = None
        tasks = run.tree.tasks()
        if isinstance(sim, dict) and "failNode" in sim:
            target = next((t for t in tasks if sim["failNode"] in (t.name, t.path)), None)
            return Fate(target.path, 0.5) if target else Fate()
        rng = stable_rng(run.run_id, run.attempt, "fate")
        if rng.random() < NEW_RUN_FAILURE_RATE:
            return Fate(rng.choice(tasks).path, rng.uniform(0.2, 0.9))
        return Fate()

    def start_run(self, run_id: str) -> None:
        run, now = self.run(run_id), self.world.now()
        status = run.status(now)
        if status != "Initialized" or run.started is not None:
            raise status_error(run, status, "only a run in status Initialized can be started")
        run.started = run.modified = now
        run.reset_plan()

    def terminate_run(self, run_id: str) -> None:
        run, now = self.run(run_id), self.world.now()
        status = run.status(now)
        if status == "Initialized":
            run.started, run.terminate_at, run.modified = None, now, now
        elif status in ("Running", "Suspended"):
            run.terminate_at = run.modified = now
        elif status == "Terminating":
            raise status_error(run, status, "it is already being terminated")
        else:
            raise status_error(run, status, "a finished run cannot be terminated")
        run.reset_plan()

    def rerun_run(self, run_id: str) -> None:
        run, now = self.run(run_id), self.world.now()
        status = run.status(now)
        if status not in RUN_TERMINAL:
            raise status_error(run, status, "only a finished run (Succeeded, Failed, Terminated, Skipped or "
                                            "Unknown) can be rerun")
        run.attempt += 1
        run.started = run.modified = now
        run.terminate_at, run.freeze, run.skipped = None, None, False
        run.fate = self._new_fate(run)
        run.reset_plan()

    def rename_run(self, run_id: str, name: str) -> None:
        run = self.run(run_id)
        run.name, run.modified = name, self.world.now()

    def delete_run(self, run_id: str) -> None:
        run, now = self.run(run_id), self.world.now()
        status = run.status(now)
        if status in RUN_ACTIVE:
            raise status_error(run, status, "terminate it and wait until it is Terminated before deleting it")
        self.deleted_runs[run_id] = self.runs.pop(run_id)
