"""A run's execution plan: when each node becomes ready, starts and finishes, derived from the DAG.

Times are offsets in seconds from the run's start, so a plan is a pure function of (tree, run id, attempt,
fate) and the world never ticks: the status of any node at any moment is read off the plan. Nodes start
when all their dependencies have finished (plus a scheduling delay), so parallel branches overlap; a Loop
runs its iterations ``parallelism`` at a time. A planned failure fails one task part-way and skips every
node that had not started by then (running siblings finish); a termination ("cut") kills the running tasks
and skips the pending ones.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, replace

from paitui.sim.flow.graph import NodeDef

# seconds per task kind: at speed 1 a demo run walks through its nodes within a minute or two
DURATIONS: dict[str, tuple[float, float]] = {
    "source": (6, 12), "transform": (8, 18), "sql": (10, 26), "split": (6, 12), "train": (35, 80),
    "evaluate": (10, 22), "merge": (8, 14), "export": (8, 16), "sink": (6, 12),
}
FAILURE_REASONS: dict[str, tuple[str, ...]] = {
    "sql": ("ODPS-0130071:[1,8] Semantic analysis exception - column pm25 cannot be resolved",
            "ODPS-0010000:System internal error - fuxi job failed, caused by: timeout"),
    "train": ("worker-0 exited with code 137 (OOMKilled)",
              "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"),
    "source": ("ODPS-0130131:Table not found - table pai_online_project.wumai_data_bak cannot be resolved",),
    "evaluate": ("ValueError: Input contains NaN, infinity or a value too large for dtype('float64').",),
}
DEFAULT_REASON = "the task exited with a non-zero code (1)"
SUCCEED, FAILED, SKIPPED, RUNNING, READY = "Succeed", "Failed", "Skipped", "Running", "ReadyToSchedule"


def stable_rng(*parts: object) -> random.Random:
    """A random stream keyed by strings (``hash()`` of a str is salted per process, so never use it)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def node_id_for(run_id: str, attempt: int, path: str) -> str:
    return "node-" + hashlib.sha256(f"{run_id}:{attempt}:{path}".encode()).hexdigest()[:14]


@dataclass(slots=True)
class Fate:
    """What will go wrong in one attempt: the path of the task that fails (None: all succeed) and when."""

    fail_path: str | None = None
    fail_fraction: float = 0.5


@dataclass(slots=True)
class PNode:
    d: NodeDef
    node_id: str
    depth: int
    ready: float  # offset when it became ReadyToSchedule (its dependencies were done)
    start: float | None  # None: never started (skipped)
    end: float  # when it reached its final status (finished, failed or skipped)
    outcome: str  # Succeed | Failed | Skipped
    message: str = ""
    killed: bool = False  # a task stopped by TerminatePipelineRun
    children: list[PNode] = field(default_factory=list)
    parent_id: str = ""

    def walk(self) -> list[PNode]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def status_at(self, elapsed: float) -> str:
        if self.start is None:
            return self.outcome if elapsed >= self.end else READY
        if elapsed < self.start:
            return READY
        return RUNNING if elapsed < self.end else self.outcome

    def progress_at(self, elapsed: float) -> str:
        tasks = [n for n in self.walk() if n.d.node_type == "Task"]
        done = sum(1 for n in tasks if n.status_at(elapsed) == SUCCEED)
        return f"{done}/{len(tasks)}"


def build_plan(root: NodeDef, run_id: str, attempt: int, fate: Fate) -> PNode:
    plan = _schedule(root, run_id, attempt, ready=0.0, depth=0, parent_id="", is_root=True)
    if fate.fail_path is not None:
        failing = next((n for n in plan.walk() if n.d.path == fate.fail_path and n.d.node_type == "Task"), None)
        if failing is not None and failing.start is not None:
            failing.end = failing.start + max(1.0, (failing.end - failing.start) * fate.fail_fraction)
            failing.outcome = FAILED
            reasons = FAILURE_REASONS.get(failing.d.kind, (DEFAULT_REASON,))
            failing.message = stable_rng(run_id, attempt, "reason").choice(reasons)
            _skip_after(plan, failing.end)
    return plan


def _schedule(d: NodeDef, run_id: str, attempt: int, ready: float, depth: int, parent_id: str,
              is_root: bool = False) -> PNode:
    rng = stable_rng(run_id, attempt, d.path)
    start = ready if is_root else ready + rng.uniform(1.0, 3.0)
    node = PNode(d, node_id_for(run_id, attempt, d.path), depth, ready, start, start, SUCCEED,
                 parent_id=parent_id)
    if d.node_type == "Task":
        low, high = DURATIONS.get(d.kind, (8, 20))
        scale = 0.5 if d.item is not None else 1.0  # loop iterations are smaller jobs
        node.end = start + rng.uniform(low, high) * scale
        return node
    finished: dict[str, float] = {}
    if d.node_type == "Loop":
        width = d.parallelism or len(d.children)
        for index, child_def in enumerate(d.children):
            child_ready = start if index < width else node.children[index - width].end
            child = _schedule(child_def, run_id, attempt, child_ready, depth + 1, node.node_id)
            node.children.append(child)
    else:
        for child_def in d.children:  # already in topological order
            child_ready = max([start, *(finished[dep] for dep in child_def.deps)])
            child = _schedule(child_def, run_id, attempt, child_ready, depth + 1, node.node_id)
            finished[child_def.name] = child.end
            node.children.append(child)
    node.end = max((c.end for c in node.children), default=start) + 0.5
    return node


def _aggregate(node: PNode) -> None:
    if not node.children:
        return
    outcomes = {c.outcome for c in node.children}
    node.outcome = FAILED if FAILED in outcomes else SKIPPED if SKIPPED in outcomes else SUCCEED
    node.end = max(c.end for c in node.children) + (0.5 if node.start is not None else 0.0)
    failed = next((c for c in node.walk()[1:] if c.outcome == FAILED and c.message), None)
    node.message = failed.message if failed else ""


def _skip_all(node: PNode, at: float) -> None:
    for n in node.walk():
        n.start, n.end, n.outcome, n.message = None, at, SKIPPED, ""


def _skip_after(node: PNode, at: float) -> None:
    """After a failure at ``at``: nodes not started yet are skipped, started ones run on."""
    for child in node.children:
        if child.start is None or child.start >= at:
            _skip_all(child, at)
        elif child.children:
            _skip_after(child, at)
    _aggregate(node)


def apply_cut(plan: PNode, cut: float, stop_end: float) -> PNode:
    """A copy of the plan stopped at ``cut`` (terminate request), everything settled at ``stop_end``."""
    node = replace(plan, children=[apply_cut(c, cut, stop_end) for c in plan.children])
    if node.end <= cut:
        return node
    if node.start is None or node.start >= cut:
        _skip_all(node, stop_end)
        return node
    if node.d.node_type == "Task":
        node.end, node.outcome, node.killed = stop_end, FAILED, True
        node.message = "The task was terminated by the user."
        return node
    _aggregate(node)
    # a container settles with the run, at stop_end: _aggregate's half second after its last child would
    # leave it Running for that half second after the run already reads Terminated
    node.end = stop_end
    return node
