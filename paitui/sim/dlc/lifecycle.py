"""Lifecycle plans: the documented DLC state machine laid out in time, and the mutations that rewrite it.

Creating → Queuing → (Bidding: spot only) → EnvPreparing → (SanityChecking: EnableSanityCheck only) → Running
→ (Restarting → (SanityChecking) → Running)* → (SucceededReserving | FailedReserving: JobReservedMinutes > 0)
→ Succeeded | Failed;  StopJob at any non-terminal point → Stopping (a few seconds) → Stopped.

Phase durations are chosen so that a demo at speed 1 is alive: queueing and environment preparation take
seconds to a couple of minutes; runs take minutes to hours (days for pre-training).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from paitui.sim.dlc.catalog import REASONS, TERMINAL
from paitui.sim.dlc.model import Job, Phase, phase

STOP_CODE = "JobStoppedByUser"


@dataclass(slots=True)
class PlanSpec:
    """What a job will go through; ``build`` turns it into (offset, phase) pairs from creation."""

    outcome: str = "succeeded"  # succeeded | failed | stopped | failed_pull | failed_quota | stopped_queue
    reason: str | None = None  # ReasonCode of a failure
    spot: bool = False
    sanity: bool = False
    reserved_minutes: int = 0
    restarts: list[str] = field(default_factory=list)  # cause of each restart
    creating: float = 2.0
    queue: float = 30.0
    bidding: float = 45.0
    env: float = 30.0
    sanity_s: float = 90.0
    run: float = 3600.0
    restart_s: float = 30.0
    stopping: float = 6.0


def reason_text(code: str, ctx: dict[str, str]) -> str:
    template = REASONS.get(f"{code}:{ctx.get('failure', '')}") or REASONS.get(code, code)
    try:
        return template.format(**ctx)
    except KeyError:
        return template


def build(spec: PlanSpec, ctx: dict[str, str]) -> list[tuple[float, Phase]]:
    """Offsets (seconds after creation) and phases for a plan; the last phase is terminal."""
    out: list[tuple[float, Phase]] = []
    t = 0.0

    def add(status: str, duration: float, code: str | None = None) -> None:
        nonlocal t
        out.append((t, phase(status, code, reason_text(code, ctx)) if code else phase(status)))
        t += duration

    def stop_here() -> None:
        add("Stopping", spec.stopping, STOP_CODE)
        add("Stopped", 0.0, STOP_CODE)

    add("Creating", spec.creating)
    add("Queuing", spec.queue)
    if spec.outcome == "failed_quota":
        add("Failed", 0.0, "QuotaExceeded")
        return out
    if spec.outcome == "stopped_queue":
        stop_here()
        return out
    if spec.spot:
        add("Bidding", spec.bidding)
    if spec.outcome == "failed_pull":
        add("EnvPreparing", spec.env + 120.0)
        add("Failed", 0.0, "ImagePullBackOff")
        return out
    add("EnvPreparing", spec.env)
    if spec.sanity:
        add("SanityChecking", spec.sanity_s)
    pieces = len(spec.restarts) + 1
    run_piece = spec.run / pieces
    add("Running", run_piece)
    for cause in spec.restarts:
        add("Restarting", spec.restart_s, cause)
        if spec.sanity:
            add("SanityChecking", spec.sanity_s * 0.6)
        add("Running", run_piece)
    if spec.outcome == "stopped":
        stop_here()
    elif spec.outcome == "failed":
        code = spec.reason or "UserCodeError"
        if spec.reserved_minutes:
            add("FailedReserving", spec.reserved_minutes * 60.0, code)
        add("Failed", 0.0, code)
    else:
        if spec.reserved_minutes:
            add("SucceededReserving", spec.reserved_minutes * 60.0, "JobReserving")
        add("Succeeded", 0.0)
    return out


def random_spec(rng: random.Random, *, fresh: bool) -> PlanSpec:
    """Phase durations: ``fresh`` jobs (created after genesis) are short so the demo visibly moves."""
    spec = PlanSpec()
    spec.creating = rng.uniform(1.0, 4.0)
    if fresh:
        spec.queue = rng.uniform(5.0, 60.0)
        spec.env = rng.uniform(10.0, 45.0)
    else:
        # quota queues are sometimes long; public resources start quickly
        spec.queue = rng.uniform(3.0, 120.0) if rng.random() < 0.85 else rng.uniform(600.0, 6 * 3600.0)
        spec.env = rng.uniform(8.0, 90.0)
    spec.bidding = rng.uniform(15.0, 120.0)
    spec.sanity_s = rng.uniform(40.0, 240.0)
    spec.restart_s = rng.uniform(15.0, 60.0)
    spec.stopping = rng.uniform(3.0, 10.0)
    return spec


def apply(job: Job, plan: list[tuple[float, Phase]], base: float) -> None:
    job.times = [base + off for off, _ in plan]
    job.phases = [p for _, p in plan]
    job.rev += 1  # the plan changed: derived caches (segments, pod tables, list items) are stale


def stop(job: Job, now: float) -> None:
    """StopJob: keep the past, replace the future with Stopping (a few seconds) → Stopped."""
    keep = job.index_at(now) + 1
    del job.times[keep:]
    del job.phases[keep:]
    stopping = 3.0 + (job.key % 700) / 100.0
    reason = REASONS[STOP_CODE]
    job.times += [now, now + stopping]
    job.phases += [Phase("Stopping", STOP_CODE, reason), Phase("Stopped", STOP_CODE, reason)]
    job.outcome = "stopped"
    job.rev += 1


def is_terminal(job: Job, now: float) -> bool:
    return job.status_at(now) in TERMINAL
