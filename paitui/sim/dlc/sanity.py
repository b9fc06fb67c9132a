"""Sanity-check (computing-power health check) results: one check per SanityChecking phase of the plan,
split into the five documented phases; items exist once their phase has started."""

from __future__ import annotations

from typing import Any

from paitui.sim.dlc.catalog import SANITY_PHASES
from paitui.sim.dlc.model import Job
from paitui.sim.dlc.wire import ts

_WEIGHTS = (0.1, 0.25, 0.2, 0.2, 0.25)


def _message(job: Job, phase: str) -> str:
    gpus = max((r.gpu for r in job.roles), default=0)
    nodes = job.pod_total
    return {
        "CheckInit": f"Environment check passed on {nodes} node(s): driver, CUDA and RDMA devices present.",
        "DeviceCheck": f"Device check passed: {gpus}/{gpus} GPU(s) per node healthy, GEMM within 3% of peak.",
        "SingleNodeCommCheck": "Intra-node NVLink all-reduce bandwidth 182.4 GB/s (expected >= 150 GB/s).",
        "TwoNodeCommCheck": "Pairwise inter-node bandwidth 46.1 GB/s (expected >= 40 GB/s), no slow links.",
        "AllNodeCommCheck": f"All-node all-reduce over {nodes} node(s) passed in 3.2s.",
    }[phase]


def checks(job: Job, now: float) -> list[list[dict[str, Any]]]:
    """One list of items per check (CheckNumber 1, 2, …), only the phases started by ``now``."""
    out: list[list[dict[str, Any]]] = []
    if not job.sanity_check:
        return out
    number = 0
    for i, (t, p) in enumerate(zip(job.times, job.phases, strict=True)):
        if p.status != "SanityChecking" or t > now:
            continue
        number += 1
        end = job.times[i + 1] if i + 1 < len(job.times) else t
        span = end - t
        items: list[dict[str, Any]] = []
        start = t
        for name, w in zip(SANITY_PHASES, _WEIGHTS, strict=True):
            finish = start + span * w
            if start > now:
                break
            done = finish <= now
            items.append({"CheckNumber": number, "Phase": name, "StartedAt": ts(start),
                          "FinishedAt": ts(finish) if done else None,
                          "Status": "Succeeded" if done else "Running",
                          "Message": _message(job, name) if done else f"{name} in progress"})
            start = finish
        out.append(items)
    return out
