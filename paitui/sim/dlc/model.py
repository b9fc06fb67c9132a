"""The in-memory records of the simulated pai-dlc product and the pure queries over a job's plan.

Nothing ticks: a job holds its lifecycle as a *plan* (ascending transition times plus the phase entered at
each), so its status at any moment is a bisect. Pods, their restarts (history pods), events, logs and metrics
are all derived from the plan and the job's deterministic ``key``. Times are float epoch seconds internally.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from paitui.sim.dlc.catalog import CPU_ROLES, STATUSES, TERMINAL


class Phase(NamedTuple):
    status: str
    reason_code: str | None = None
    reason_message: str | None = None


# shared instances for reason-less phases keep a 50,000-job world small; built once, never written
PLAIN: Mapping[str, Phase] = MappingProxyType({status: Phase(status) for status in STATUSES})


def phase(status: str, code: str | None = None, message: str | None = None) -> Phase:
    if code is None and message is None:
        return PLAIN.get(status) or Phase(status)
    return Phase(status, code, message)


@dataclass(slots=True)
class Role:
    """One ``JobSpec``: a replica type with its pod count and either an ECS spec or a quota ResourceConfig."""

    type: str
    pod_count: int
    image: str
    ecs_spec: str | None  # public resources (PostPaid / Spot)
    cpu: int
    gpu: int
    memory_gb: int
    gpu_type: str
    spot: bool = False
    extra: dict[str, Any] | None = None  # CreateJob's own JobSpec, echoed back verbatim


@dataclass(slots=True)
class Job:
    job_id: str
    key: int  # seed of everything derived lazily (logs, node names, metrics noise)
    workspace_id: str
    user_id: str
    display_name: str
    job_type: str
    created: float
    roles: tuple[Role, ...]
    payment: str  # PrePaid | PostPaid | Spot
    resource_type: str  # ECS | Lingjun
    quota_id: str | None
    quota_name: str | None
    priority: int
    description: str
    accessibility: str
    tags: dict[str, str]
    sanity_check: bool
    reserved_minutes: int
    max_restarts: int
    elastic: bool  # AIMaster enabled: pods carry the aimaster-worker sidecar
    user_command: str
    times: list[float]  # plan: ascending transition times; times[0] == created
    phases: list[Phase]  # phases[i] is entered at times[i]
    modified: float = 0.0  # last UpdateJob
    custom: dict[str, Any] | None = None  # CreateJob's request body (data sources, envs, settings …)
    outcome: str = "succeeded"  # what the plan ends in (used by logs: which epilogue / traceback)
    failing_pod: int = 0  # index into pod list of the pod blamed by a failure
    failure: str = ""  # what exactly broke, for a failed plan (catalog.FAILURES): the logs and events follow it
    rev: int = 0  # bumped whenever the plan or the roles change (invalidates cached pod tables)
    planned_run: float = 3600.0  # the run length planned at submission (log step totals stay stable on stop)

    # --- plan queries ---

    def index_at(self, t: float) -> int:
        """Index of the phase in force at ``t`` (−1 before creation)."""
        return bisect_right(self.times, t) - 1

    def status_at(self, t: float) -> str:
        i = bisect_right(self.times, t) - 1
        return self.phases[i].status if i >= 0 else "Creating"

    def phase_at(self, t: float) -> Phase:
        i = bisect_right(self.times, t) - 1
        return self.phases[max(i, 0)]

    @property
    def end_time(self) -> float | None:
        """When the plan reaches its terminal phase (known in advance, even if still in the future)."""
        return self.times[-1] if self.phases[-1].status in TERMINAL else None

    def finished_at(self, now: float) -> float | None:
        end = self.end_time
        return end if end is not None and end <= now else None

    def first_time(self, status: str, now: float) -> float | None:
        for t, p in zip(self.times, self.phases, strict=True):
            if t > now:
                return None
            if p.status == status:
                return t
        return None

    def restarts_used(self, now: float) -> int:
        count = 0
        for t, p in zip(self.times, self.phases, strict=True):
            if t > now:
                break
            if p.status == "Restarting":
                count += 1
        return count

    @property
    def gpu_total(self) -> int:
        return sum(r.gpu * r.pod_count for r in self.roles)

    @property
    def pod_total(self) -> int:
        return sum(r.pod_count for r in self.roles)


@dataclass(frozen=True, slots=True)
class PodSlot:
    """A pod identity (``PodId``) of a job: role + index; instances come and go with restarts."""

    pod_id: str
    role: Role
    index: int  # index within the role
    ordinal: int  # index over all pods of the job (rank for the log lines)


@dataclass(frozen=True, slots=True)
class PodInstance:
    """One incarnation of a pod (one ``PodUid``): created, started (None: never ran), ended (None: alive)."""

    slot: PodSlot
    number: int  # 0 = first incarnation; history pods have smaller numbers than the current one
    uid: str
    created: float
    started: float | None
    ended: float | None
    end_kind: str | None  # succeeded | failed | stopped | restart | None (still alive per plan)
    end_reason: str | None  # ReasonCode behind a failure/restart

    def status_at(self, t: float) -> str:
        if self.ended is not None and t >= self.ended:
            return "Succeeded" if self.end_kind == "succeeded" else "Failed"
        if self.started is not None and t >= self.started:
            return "Running"
        return "Pending"


@dataclass(slots=True)
class Segment:
    """A span of the plan during which one generation of pods exists (between restarts)."""

    created: float
    started: float | None = None
    ended: float | None = None
    end_kind: str | None = None
    end_reason: str | None = None
    sanity: list[tuple[float, float]] = field(default_factory=list)  # SanityChecking spans in this segment
    failed_at: float | None = None  # when the job entered FailedReserving or Failed (the culprit died just before)


def pod_slots(job: Job) -> list[PodSlot]:
    slots: list[PodSlot] = []
    ordinal = 0
    for role in job.roles:
        for i in range(role.pod_count):
            slots.append(PodSlot(f"{job.job_id}-{role.type.lower()}-{i}", role, i, ordinal))
            ordinal += 1
    return slots


def segments(job: Job) -> list[Segment]:
    """Pod generations from the plan: pods appear at EnvPreparing, restart at each Restarting. Derived from
    the plan alone; ``DlcCaches.segments`` keeps them per world until the plan changes (``job.rev``)."""
    segs: list[Segment] = []
    cur: Segment | None = None
    times, phases = job.times, job.phases
    for i, (t, p) in enumerate(zip(times, phases, strict=True)):
        s = p.status
        if s == "EnvPreparing" and cur is None:
            cur = Segment(created=t)
            segs.append(cur)
        elif s == "Restarting" and cur is not None:
            cur.ended, cur.end_kind, cur.end_reason = t, "restart", p.reason_code
            cur = Segment(created=t)
            segs.append(cur)
        elif s in ("Running", "SanityChecking") and cur is not None and cur.started is None:
            cur.started = t
        if s == "SanityChecking" and cur is not None:
            nxt = times[i + 1] if i + 1 < len(times) else t
            cur.sanity.append((t, nxt))
        if s in ("FailedReserving", "Failed") and cur is not None and cur.failed_at is None:
            cur.failed_at = t
        if s in TERMINAL and cur is not None and cur.ended is None:
            kind = {"Succeeded": "succeeded", "Failed": "failed", "Stopped": "stopped"}[s]
            cur.ended, cur.end_kind, cur.end_reason = t, kind, p.reason_code
    return segs


def pod_uid(job: Job, pod_id: str, number: int) -> str:
    h = hashlib.blake2b(f"{job.key}:{pod_id}:{number}".encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def culprit_lead(job: Job) -> float:
    """How long before its job failed the blamed pod died (the others fail after it, when the job does)."""
    return 2.0 + job.key % 19


def pod_instances(job: Job, slot: PodSlot, segs: list[Segment] | None = None) -> list[PodInstance]:
    """All incarnations of one pod, oldest first (the last one is the current pod). In a failed generation
    the blamed pod (``job.failing_pod``) ends a little before the job fails; the rest end with it."""
    out: list[PodInstance] = []
    for n, seg in enumerate(segments(job) if segs is None else segs):
        ended = seg.ended
        if (seg.end_kind == "failed" and seg.started is not None and seg.failed_at is not None
                and slot.ordinal == job.failing_pod):
            ended = max(seg.started + 1.0, seg.failed_at - culprit_lead(job))
        out.append(PodInstance(slot, n, pod_uid(job, slot.pod_id, n), seg.created, seg.started, ended,
                               seg.end_kind, seg.end_reason))
    return out


def node_name(job: Job, slot: PodSlot, number: int) -> str:
    return node_name_at(job, slot.ordinal, number)


def node_name_at(job: Job, ordinal: int, number: int) -> str:
    """The node pod ``ordinal`` of generation ``number`` runs on (by ordinal: no PodSlot needed)."""
    h = hashlib.blake2b(f"node:{job.key}:{ordinal}:{number}".encode(), digest_size=4).digest()
    if job.resource_type == "Lingjun":
        return f"lingjun-hz-{h[0] % 16:02d}-{h[1]:03d}{h[2] % 10}"
    return f"cn-hangzhou.10.{h[0] % 4}.{h[1]}.{h[2] % 250 + 2}"


def pod_ip(job: Job, slot: PodSlot, number: int) -> str:
    h = hashlib.blake2b(f"ip:{job.key}:{slot.ordinal}:{number}".encode(), digest_size=4).digest()
    return f"10.224.{h[0]}.{h[1] % 250 + 2}"


def role_uses_gpu(role: Role) -> bool:
    return role.gpu > 0 and role.type not in CPU_ROLES
