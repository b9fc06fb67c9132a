"""GetPodLogs: log lines generated on demand from (job, pod incarnation, tick), never stored.

A container's log is a preamble (startup, NCCL init, data loading: ~18 s), a body of ticks at a fixed
per-job period (0.25–2 s; each tick prints 1+ lines with one timestamp, sometimes a burst of identical lines)
and an epilogue when the user process ends (success, a traceback matching the ReasonCode, SIGTERM on stop).
Line *i*'s time is a closed form, so a time window maps to a tick range directly: O(lines returned).

Query semantics: lines with time in [StartTime, EndTime] — both second precision on the wire, so StartTime
``08:01:02Z`` includes ``08:01:02.345`` and EndTime ``08:01:02Z`` includes everything up to ``08:01:02.999`` —
and never after *now*; earliest first; at most ``MaxLines`` — when truncated, the *earliest* lines are kept, so
a tailer that moves StartTime to the last line's second (and de-duplicates) never skips a line.
"""

from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass

from paitui.sim.dlc.catalog import LOG_FAMILY, MAIN_CONTAINER, SIDECAR
from paitui.sim.dlc.logtext import EPILOGUE_LEAD_MS, PREAMBLE_SPAN_MS, LogCtx, epilogue, preamble, tick
from paitui.sim.dlc.model import Job, PodInstance, node_name, pod_ip

# phases that end the user process of the current pod generation, and how
_PROCESS_END = {"Restarting": "restart", "Stopping": "stopped", "Stopped": "stopped",
                "SucceededReserving": "succeeded", "Succeeded": "succeeded",
                "FailedReserving": "failed", "Failed": "failed"}
_AUX_ROLES = frozenset({"PS", "Head", "Launcher"})
_PERIODS_MS = (250, 500, 750, 1000, 1500, 2000)


def containers_of(job: Job) -> tuple[str, list[str]]:
    """(MainContainer, SidecarContainers) of every pod of the job."""
    return MAIN_CONTAINER[job.job_type], [SIDECAR] if job.elastic else []


def process_end(job: Job, inst: PodInstance) -> tuple[float, str, str | None]:
    """When and how the user process of ``inst`` ends per the plan (the plan always ends terminal)."""
    assert inst.started is not None
    for t, p in zip(job.times, job.phases, strict=True):
        if t > inst.started and p.status in _PROCESS_END:
            return t, _PROCESS_END[p.status], p.reason_code
    return job.times[-1], "failed", None


@dataclass(slots=True)
class LogStream:
    ctx: LogCtx
    pre: list[tuple[int, str]]  # (epoch ms, text)
    body0: int  # epoch ms of tick 0
    period: int
    last_tick: int  # −1: no body
    epi: list[tuple[int, str]]

    def read(self, lo: int, hi: int, limit: int, times: list[int] | None = None) -> list[str]:
        """Stamped lines with lo ≤ ms ≤ hi, earliest first, at most ``limit``; ``times`` collects each ms."""
        out: list[str] = []
        stamp = Stamper()
        for ms, text in self.pre:
            if lo <= ms <= hi and len(out) < limit:
                out.append(stamp(ms) + text)
                if times is not None:
                    times.append(ms)
        if self.last_tick >= 0 and len(out) < limit:
            period, body0, c = self.period, self.body0, self.ctx
            j0 = max(0, -((body0 - lo) // period))  # ceil((lo - body0) / period)
            j1 = min(self.last_tick, (hi - body0) // period)
            append = out.append
            for j in range(j0, j1 + 1):
                ms = body0 + j * period
                prefix = stamp(ms)
                texts = tick(c, j)
                for text in texts:
                    append(prefix + text)
                if times is not None:
                    times.extend([ms] * len(texts))
                if len(out) >= limit:
                    break
        for ms, text in self.epi:
            if lo <= ms <= hi and len(out) < limit:
                out.append(stamp(ms) + text)
                if times is not None:
                    times.append(ms)
        if times is not None:
            del times[limit:]
        return out[:limit]


def _ctx(job: Job, inst: PodInstance, container: str, step_base: int) -> LogCtx:
    slot = inst.slot
    key = job.key
    period = _PERIODS_MS[key % len(_PERIODS_MS)]
    planned_ticks = max(int(job.planned_run * 1000 / period), 1)
    spt = 10
    family = "aimaster" if container == SIDECAR else LOG_FAMILY[job.job_type]
    return LogCtx(
        family=family, aux=slot.role.type in _AUX_ROLES and family != "aimaster",
        job_id=job.job_id, pod_id=slot.pod_id, uid=inst.uid, node=node_name(job, slot, inst.number),
        ip=pod_ip(job, slot, inst.number), image=slot.role.image, command=job.user_command,
        name=job.display_name, rank=slot.ordinal, world=job.pod_total, gpus=slot.role.gpu,
        lingjun=job.resource_type == "Lingjun", instance=inst.number, salt=(key >> 16) & 0xFFFFFF,
        spt=spt, total=-(-planned_ticks * spt // 100) * 100, step_base=step_base,
        ckpt_every=(200, 500, 1000)[(key >> 4) % 3], burst_mod=61 + (key >> 8) % 40,
        blamed_rank=job.failing_pod, failure=job.failure,
    )


def _period(job: Job, ctx: LogCtx) -> int:
    base = _PERIODS_MS[job.key % len(_PERIODS_MS)]
    if ctx.family == "aimaster":
        return 30_000
    return min(base * 10, 10_000) if ctx.aux else base


def stream(job: Job, insts: list[PodInstance], number: int, container: str) -> LogStream | None:
    """The log of incarnation ``number`` (None: it never started, e.g. ImagePullBackOff or still Pending)."""
    step_base = 0
    for inst in insts[: number + 1]:
        if inst.started is None:
            if inst.number == number:
                return None
            continue
        ctx = _ctx(job, inst, container, step_base)
        start = int(inst.started * 1000)
        end_t, kind, reason = process_end(job, inst)
        end = int(end_t * 1000)
        period = _period(job, ctx)
        body0 = start + PREAMBLE_SPAN_MS
        if kind == "stopped":  # SIGTERM arrives when Stopping begins: the ending follows it
            body_end, epi_at = end - 1, end + 200
        else:
            body_end, epi_at = end - EPILOGUE_LEAD_MS, end - EPILOGUE_LEAD_MS + 500
        last_tick = (body_end - body0) // period if body_end >= body0 else -1
        if inst.number < number:  # resume from the last checkpoint of this incarnation
            ckpt_ticks = (max(last_tick, 0) // ctx.ckpt_every) * ctx.ckpt_every
            step_base = ctx.step_base + ckpt_ticks * ctx.spt
            continue
        pre = [(start + off, text) for off, text in preamble(ctx)]
        end_step = ctx.step(max(last_tick, 0))
        texts = epilogue(ctx, kind, reason, end_step)
        epi_at = max(epi_at, start + 1)
        pre = [(ms, text) for ms, text in pre if ms < epi_at]  # a process that died early: cut the banner
        epi = [(epi_at + (0 if kind != "stopped" else 400 * i), text) for i, text in enumerate(texts)]
        return LogStream(ctx, pre, body0, period, last_tick, epi)
    return None


_MILLIS = tuple(f"{i:03d}Z " for i in range(1000))


class Stamper:
    """``2026-03-02T08:01:02.345Z `` prefixes, formatting each second once."""

    __slots__ = ("_prefix", "_sec")

    def __init__(self) -> None:
        self._sec = -1
        self._prefix = ""

    def __call__(self, ms: int) -> str:
        sec = ms // 1000
        if sec != self._sec:
            self._sec = sec
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(sec))
        return self._prefix + _MILLIS[ms - sec * 1000]


def read_lines(streams: list[LogStream], lo: int, hi: int, limit: int) -> list[str]:
    """The selected containers' lines merged by time (stable per container), earliest first."""
    if len(streams) == 1:
        return streams[0].read(lo, hi, limit)
    parts = []
    for s in streams:
        times: list[int] = []
        lines = s.read(lo, hi, limit, times)
        parts.append(zip(times, lines, strict=True))
    merged = heapq.merge(*parts, key=lambda item: item[0])
    return [line for _, line in itertools.islice(merged, limit)]
