"""The quotas the simulated DLC jobs run on, as AIWorkSpace ``ListQuotas`` lists them.

The DLC seed gives jobs quotas by id (``sim.dlc.catalog.QUOTAS``); these are the same quotas, so a job's
``ResourceId`` names a quota ListQuotas answers. Their capacity is sized from the jobs that hold them: at
least the peak of what their running jobs hold at any moment of the plans known when first asked (rounded
up, with a base), so the use paitui derives from the jobs fits the totals, as a real quota's would. Sized
once per world, so the totals never change under a client's feet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from paitui.sim.dlc.catalog import QUOTAS
from paitui.sim.workspace.compute import Quota

if TYPE_CHECKING:
    from paitui.sim.dlc.model import Job
    from paitui.sim.world import World

# the statuses whose pods hold a quota's resources
HOLDING = frozenset({"Running", "Restarting", "Stopping", "SucceededReserving", "FailedReserving"})
# (cpu cores, memory GiB, GPUs) every quota has at least, and the steps totals are rounded up to
_BASE = (64, 512, 8)
_STEP = (32, 256, 8)


def _held(job: Job) -> tuple[int, int, int]:
    return (sum(r.pod_count * r.cpu for r in job.roles), sum(r.pod_count * r.memory_gb for r in job.roles),
            sum(r.pod_count * r.gpu for r in job.roles))


def _holding_spans(job: Job) -> list[tuple[float, float]]:
    """When the job's pods hold resources: each stretch of its plan in a holding status."""
    spans: list[tuple[float, float]] = []
    for i, phase in enumerate(job.phases):
        if phase.status in HOLDING:
            end = job.times[i + 1] if i + 1 < len(job.times) else math.inf
            if spans and spans[-1][1] == job.times[i]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((job.times[i], end))
    return spans


def peak_use(jobs: list[Job]) -> dict[str, tuple[int, int, int]]:
    """Per quota id: the most cpu, memory and GPUs its jobs hold at the same moment."""
    events: dict[str, list[tuple[float, int, tuple[int, int, int]]]] = defaultdict(list)
    for job in jobs:
        if not job.quota_id:
            continue
        held = _held(job)
        for start, end in _holding_spans(job):
            events[job.quota_id] += [(start, 1, held), (end, -1, held)]
    peaks: dict[str, tuple[int, int, int]] = {}
    for quota_id, moments in events.items():
        now = [0, 0, 0]
        best = [0, 0, 0]
        for _t, sign, held in sorted(moments, key=lambda m: (m[0], m[1])):  # a release before a take
            for i in range(3):
                now[i] += sign * held[i]
                best[i] = max(best[i], now[i])
        peaks[quota_id] = (best[0], best[1], best[2])
    return peaks


def _size(peak: int, base: int, step: int) -> int:
    return max(base, math.ceil(peak / step) * step)


def build_dlc_quotas(world: World) -> list[Quota]:
    peaks = peak_use(world.dlc.all_jobs())
    out: list[Quota] = []
    for quotas in QUOTAS.values():
        for quota_id, name, resource_type, gpu_type in quotas:
            cpu, memory, gpu = peaks.get(quota_id, (0, 0, 0))
            card = "GPU" if gpu_type else "CPU"
            specs: list[tuple[str, str, str]] = [("cpu", "int", str(_size(cpu, _BASE[0], _STEP[0]))),
                                                 ("memory", "string", f"{_size(memory, _BASE[1], _STEP[1])}Gi")]
            if card == "GPU":
                specs += [("nvidia.com/gpu", "int", str(_size(gpu, _BASE[2], _STEP[2]))),
                          ("gpu-type", "string", gpu_type)]
            display = f"{name} ({resource_type}{', ' + gpu_type if gpu_type else ''})"
            out.append(Quota(quota_id, name, display, "isolate", "PAI_isolate", "PAI", card, tuple(specs)))
    return out
