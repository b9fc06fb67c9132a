"""GetJobEvents / GetPodEvents: Kubernetes-style event lines derived from the plan and the pod incarnations.

Each event is one string ``<time> <Type> <Reason> <object>: <message>``, e.g.
``2026-03-02T08:00:05Z Normal Scheduled pod/dlcx-worker-0: Successfully assigned pai-dlc/dlcx-worker-0 to …``.
Returned earliest first, within [StartTime, EndTime] and never after now, at most ``MaxEventsNum``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paitui.sim.dlc.catalog import BROKEN_IMAGE
from paitui.sim.dlc.logs import containers_of
from paitui.sim.dlc.model import Job, PodInstance, node_name
from paitui.sim.dlc.wire import ts

if TYPE_CHECKING:
    from paitui.sim.world import World

Event = tuple[float, str]


def _fmt(t: float, kind: str, reason: str, obj: str, message: str) -> Event:
    return t, f"{ts(t)} {kind} {reason} {obj}: {message}"


def job_events(job: Job, world: World) -> list[Event]:
    user = world.user(job.user_id)
    obj = f"job/{job.job_id}"
    first = job.roles[0] if job.roles else None
    where = (f"quota {job.quota_name}" if job.quota_name else
             f"public resources ({first.ecs_spec})" if first and first.ecs_spec else "public resources")
    out: list[Event] = []
    for t, p in zip(job.times, job.phases, strict=True):
        s = p.status
        msg = p.reason_message or ""
        if s == "Creating":
            out.append(_fmt(t, "Normal", "JobCreated", obj, f"Job was submitted by {user.name if user else '-'}"))
        elif s == "Queuing":
            out.append(_fmt(t, "Normal", "JobEnqueued", obj, f"Waiting for {where}, priority {job.priority}"))
        elif s == "Bidding":
            out.append(_fmt(t, "Normal", "JobBidding", obj, "Bidding for spot instances, discount limit 0.3"))
        elif s == "EnvPreparing":
            out.append(_fmt(t, "Normal", "JobDequeued", obj, f"Resources allocated, creating {job.pod_total} pod(s)"))
        elif s == "SanityChecking":
            out.append(_fmt(t, "Normal", "SanityCheckStarted", obj, "Computing power health check started"))
        elif s == "Running":
            out.append(_fmt(t, "Normal", "JobRunning", obj, f"All {job.pod_total} pod(s) are running"))
        elif s == "Restarting":
            out.append(_fmt(t, "Warning", "JobRestarting", obj, msg or "Job is restarting"))
        elif s == "Stopping":
            out.append(_fmt(t, "Normal", "JobStopping", obj, msg or "Job is being stopped"))
        elif s in ("SucceededReserving", "FailedReserving"):
            kind = "Normal" if s == "SucceededReserving" else "Warning"
            out.append(_fmt(t, kind, s, obj, f"Pods are reserved for {job.reserved_minutes} minute(s). {msg}"))
        elif s == "Succeeded":
            out.append(_fmt(t, "Normal", "JobSucceeded", obj, "Job has succeeded"))
        elif s == "Failed":
            out.append(_fmt(t, "Warning", "JobFailed", obj, msg or "Job has failed"))
        elif s == "Stopped":
            out.append(_fmt(t, "Normal", "JobStopped", obj, msg or "Job is stopped"))
    return out


def pod_events(job: Job, inst: PodInstance) -> list[Event]:
    slot = inst.slot
    obj = f"pod/{slot.pod_id}"
    image = slot.role.image
    main, sidecars = containers_of(job)
    out: list[Event] = [
        _fmt(inst.created + 1, "Normal", "Scheduled", obj,
             f"Successfully assigned pai-dlc/{slot.pod_id} to {node_name(job, slot, inst.number)}"),
        _fmt(inst.created + 2, "Normal", "Pulling", obj, f'Pulling image "{image}"'),
    ]
    if image == BROKEN_IMAGE:
        end = inst.ended if inst.ended is not None else inst.created + 3600
        t = inst.created + 8
        while t < end:
            out.append(_fmt(t, "Warning", "Failed", obj, f'Failed to pull image "{image}": rpc error: code = '
                                                         "NotFound desc = manifest unknown"))
            out.append(_fmt(t + 1, "Warning", "BackOff", obj, f'Back-off pulling image "{image}"'))
            t += 30
        return out
    if inst.started is not None:
        pulled = max(inst.started - 3, inst.created + 3)
        out.append(_fmt(pulled, "Normal", "Pulled", obj,
                        f'Successfully pulled image "{image}" in {pulled - inst.created - 2:.1f}s'))
        for name in (main, *sidecars):
            out.append(_fmt(inst.started - 1, "Normal", "Created", obj, f"Created container {name}"))
            out.append(_fmt(inst.started, "Normal", "Started", obj, f"Started container {name}"))
    if inst.ended is not None and inst.end_kind in ("restart", "stopped"):
        for name in (main, *sidecars):
            out.append(_fmt(inst.ended, "Normal", "Killing", obj, f"Stopping container {name}"))
    elif inst.ended is not None and inst.end_kind == "failed":
        if job.failure == "host-oom" and slot.ordinal == job.failing_pod:
            out.append(_fmt(inst.ended, "Warning", "OOMKilled", obj,
                            f"Container {main} was OOMKilled: memory limit exceeded (exit code 137)"))
        out.append(_fmt(inst.ended, "Warning", "BackOff", obj, f"Back-off restarting failed container {main}"))
    out.sort(key=lambda e: e[0])
    return out


def window(events: list[Event], lo: float, hi: float, limit: int) -> list[str]:
    return [text for t, text in events if lo <= t <= hi][:limit]
