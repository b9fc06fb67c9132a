"""GetJobMetrics: smooth-ish per-pod time series, only for the times a pod ran, GPU metrics only for GPU pods.

Units: GpuCoreUsage / GpuMemoryUsage / CpuCoreUsage / MemoryUsage in percent (0–100); Network*/Disk* rates
in bytes per second. ``Time`` is epoch milliseconds on the ``TimeStep`` grid (``30s``, ``1m``, ``5m``, ``1h``).
"""

from __future__ import annotations

import math
import re
from typing import Any

from paitui.sim.dlc.logtext import noise
from paitui.sim.dlc.model import Job, PodInstance, role_uses_gpu

_STEP = re.compile(r"^(\d+)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_POINTS = 11_000  # per pod and call; beyond it the caller must widen TimeStep

# (base, amplitude, period seconds, noise amplitude) per metric type
_SHAPE: dict[str, tuple[float, float, float, float]] = {
    "GpuCoreUsage": (82.0, 10.0, 900.0, 6.0),
    "GpuMemoryUsage": (74.0, 4.0, 3600.0, 1.5),
    "CpuCoreUsage": (46.0, 15.0, 600.0, 8.0),
    "MemoryUsage": (58.0, 6.0, 1800.0, 2.0),
    "NetworkInputRate": (2.4e8, 8.0e7, 300.0, 4.0e7),
    "NetworkOutputRate": (2.1e8, 7.0e7, 300.0, 4.0e7),
    "DiskReadRate": (6.0e7, 4.0e7, 1200.0, 1.5e7),
    "DiskWriteRate": (1.5e7, 1.2e7, 2400.0, 8.0e6),
}
GPU_METRICS = frozenset({"GpuCoreUsage", "GpuMemoryUsage"})


def parse_step(text: str) -> int | None:
    m = _STEP.match(text.strip().lower())
    if m is None:
        return None
    seconds = int(m.group(1)) * _UNIT[m.group(2)]
    return seconds if seconds > 0 else None


def series(job: Job, insts: list[PodInstance], metric: str, lo: float, hi: float, step: int
           ) -> list[dict[str, Any]]:
    """Points for one pod (all its incarnations) in [lo, hi] on the step grid."""
    base, amp, period, jitter = _SHAPE[metric]
    salt = ((job.key >> 20) + 7919 * list(_SHAPE).index(metric)) & 0xFFFFFF  # not hash(): PYTHONHASHSEED
    phase = (salt % 1000) / 1000.0 * 2 * math.pi
    spans = []
    for inst in insts:
        if inst.started is None:
            continue
        spans.append((inst.started, inst.ended if inst.ended is not None else float("inf"), inst.number))
    out: list[dict[str, Any]] = []
    t = math.ceil(lo / step) * step
    while t <= hi:
        for start, end, number in spans:
            if start <= t < end:
                warm = min(1.0, (t - start) / 120.0)  # utilisation ramps up after the container starts
                k = int(t // 30) + number * 7919
                value = (base + amp * math.sin(2 * math.pi * t / period + phase)
                         + jitter * 2 * noise(k, salt)) * (0.3 + 0.7 * warm)
                if metric in GPU_METRICS or metric in ("CpuCoreUsage", "MemoryUsage"):
                    value = min(max(value, 0.0), 100.0)
                out.append({"Time": int(t * 1000), "Value": round(max(value, 0.0), 2)})
                break
        t += step
    return out


def gpu_pod(inst: PodInstance) -> bool:
    return role_uses_gpu(inst.slot.role)
