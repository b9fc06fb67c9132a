"""Pipelines and pipeline runs as stored, and how a run's status is read off its plan at a moment.

A run stores only facts (created, started, attempt, fate, terminate request, frozen state); its status,
node statuses, finish time and duration are all derived from the clock, so nothing ever ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from paitui.sim.flow.graph import NodeDef
from paitui.sim.flow.plan import FAILED, SUCCEED, Fate, PNode, apply_cut, build_plan

TERMINATE_SECONDS = 4.0  # how long a run stays Terminating
RUN_TERMINAL = frozenset({"Succeeded", "Failed", "Terminated", "Skipped", "Unknown"})
RUN_ACTIVE = frozenset({"Running", "Terminating", "Suspended"})


@dataclass(slots=True)
class Pipeline:
    pipeline_id: str
    uuid: str
    identifier: str
    provider: str
    version: str
    name: str
    workspace_id: str
    creator_id: str
    manifest: str
    created: datetime
    modified: datetime
    shared: bool = False  # subscribed by other users as a shared pipeline


@dataclass(slots=True)
class Run:
    run_id: str
    name: str
    workspace_id: str
    user_id: str
    pipeline_id: str  # "" when the run was created from a PipelineManifest
    manifest: str
    tree: NodeDef
    created: datetime
    source_type: str = "UNKNOWN"
    source_id: str = ""
    accessibility: str = "PUBLIC"
    arguments: str = ""
    options: str = ""
    started: datetime | None = None
    attempt: int = 0
    fate: Fate = field(default_factory=Fate)
    terminate_at: datetime | None = None  # TerminatePipelineRun (immediate Terminated when never started)
    freeze: tuple[str, datetime] | None = None  # seeded Suspended / Unknown: progress stops at that moment
    skipped: bool = False  # the whole run was skipped by its scheduler (never started)
    modified: datetime | None = None  # last explicit change (rename, start, rerun, terminate)
    _plan: PNode | None = None
    _cut_plan: PNode | None = None

    # --- plans -----------------------------------------------------------------------------------------

    def plan(self) -> PNode:
        if self._plan is None:
            self._plan = build_plan(self.tree, self.run_id, self.attempt, self.fate)
        return self._plan

    def reset_plan(self) -> None:
        self._plan = self._cut_plan = None

    def offset(self, moment: datetime) -> float:
        assert self.started is not None
        return (moment - self.started).total_seconds()

    def at(self, offset: float) -> datetime:
        assert self.started is not None
        return self.started + timedelta(seconds=offset)

    def cut_window(self) -> tuple[float, float | None] | None:
        """(offset where progress stops, offset where everything is settled or None while frozen)."""
        if self.started is None:
            return None
        stop = self.offset(self.terminate_at) + TERMINATE_SECONDS if self.terminate_at else None
        if self.freeze is not None:
            return self.offset(self.freeze[1]), stop
        if stop is not None:
            return stop - TERMINATE_SECONDS, stop
        return None

    def view(self, now: datetime) -> tuple[PNode, float] | None:
        """The plan to read node statuses from at ``now``, and the elapsed time to read it at."""
        if self.started is None or now < self.started:
            return None
        elapsed = self.offset(now)
        window = self.cut_window()
        if window is None or elapsed < window[0]:
            return self.plan(), elapsed
        cut, stop = window
        if stop is None or elapsed < stop:
            return self.plan(), cut  # frozen, or terminating: nodes look as they did at the cut
        if self._cut_plan is None:
            self._cut_plan = apply_cut(self.plan(), cut, stop)
        return self._cut_plan, elapsed

    # --- derived run fields --------------------------------------------------------------------------

    def status(self, now: datetime) -> str:
        if self.skipped:
            return "Skipped"
        if self.started is None or now < self.started:
            return "Terminated" if self.terminate_at else "Initialized"
        elapsed = self.offset(now)
        if self.terminate_at is not None and now >= self.terminate_at:
            return "Terminating" if elapsed < self.offset(self.terminate_at) + TERMINATE_SECONDS else "Terminated"
        if self.freeze is not None and now >= self.freeze[1]:
            return self.freeze[0]
        plan = self.plan()
        if elapsed < plan.end:
            return "Running"
        return "Succeeded" if plan.outcome == SUCCEED else "Failed"

    def finished_at(self, now: datetime) -> datetime | None:
        status = self.status(now)
        if status == "Skipped":
            return self.created
        if status == "Terminated" and self.terminate_at is not None:
            if self.started is None:
                return self.terminate_at  # cancelled before it ever started
            return self.terminate_at + timedelta(seconds=TERMINATE_SECONDS)
        if status in ("Succeeded", "Failed"):
            return self.at(self.plan().end)
        return None

    def duration(self, now: datetime) -> int:
        if self.started is None or now < self.started:
            return 0
        end = self.finished_at(now) or (self.freeze[1] if self.freeze and now >= self.freeze[1] else now)
        return max(0, int((end - self.started).total_seconds()))

    def message(self, now: datetime) -> str:
        status = self.status(now)
        if status == "Failed":
            failed = next((n for n in self.plan().walk() if n.outcome == FAILED and n.d.node_type == "Task"), None)
            return f"Node {failed.d.name} failed: {failed.message}" if failed else "The pipeline run failed."
        if status in ("Terminating", "Terminated"):
            return "The pipeline run was terminated by the user."
        if status == "Unknown":
            return "Lost contact with the workflow service; the state of the run is unknown."
        if status == "Suspended":
            return "The pipeline run is suspended: the workflow service paused scheduling."
        if status == "Skipped":
            return "The pipeline run was skipped because the previous scheduled run was still running."
        return ""

    def root_node_id(self, now: datetime) -> str:
        """Empty until the run starts (the PAI SDK polls GetPipelineRun until NodeId is set)."""
        if self.started is None or now < self.started:
            return ""
        return self.plan().node_id

    def modified_at(self, now: datetime) -> datetime:
        moments = [self.created, self.modified, self.started, self.finished_at(now), self.terminate_at,
                   self.freeze[1] if self.freeze else None]
        return max(m for m in moments if m is not None and m <= now) if now >= self.created else self.created
