"""The error-signature library: what a failed pod's last log lines and events say went wrong, as a stable
short name and a hint.

Signatures are tried most specific first (a CUDA out-of-memory ends in a Python traceback too, and the
traceback is not the news); a Python exception type is the fallback (``python:KeyError``). Log lines and
event lines are matched alike: an ImagePullBackOff leaves no log at all, only events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Signature:
    name: str  # stable, for scripts: "cuda-oom"
    title: str  # for the screen: "CUDA out of memory"
    hint: str  # the usual fix, one sentence
    pattern: re.Pattern[str]


def _sig(name: str, title: str, hint: str, *alternatives: str) -> Signature:
    return Signature(name, title, hint, re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE))


SIGNATURES: tuple[Signature, ...] = (
    _sig("cuda-oom", "CUDA out of memory",
         "lower the per-GPU batch size or sequence length, enable gradient checkpointing or activation "
         "offload, or use GPUs with more memory",
         r"CUDA out of memory", r"OutOfMemoryError", r"CUBLAS_STATUS_ALLOC_FAILED", r"CUDA error: out of memory"),
    _sig("oom-killed", "killed for memory (OOMKilled, exit 137)",
         "the container ran out of host memory: raise the pod's memory, lower DataLoader workers or "
         "prefetching, or avoid loading the whole dataset into RAM",
         r"\bOOMKilled\b", r"exit(?:ed)? (?:with )?code:? 137\b", r"\bKilled\s*$", r"Memory cgroup out of memory"),
    _sig("nccl-timeout", "NCCL timeout or hang",
         "a collective waited on a rank that stopped: look at the slowest or failed rank first; check the "
         "RDMA/network and set NCCL_DEBUG=INFO; raise the timeout only once a rank is known to be slow",
         r"Watchdog caught collective operation timeout", r"NCCL (?:communicator was aborted|timeout)",
         r"ncclSystemError|ncclInternalError|ncclRemoteError", r"ProcessGroupNCCL.*timed out"),
    _sig("image-pull", "image could not be pulled",
         "check the image name and tag exist in the registry (ListImages), that the workspace can reach it, "
         "and the registry credentials",
         r"ImagePullBackOff", r"ErrImagePull", r"failed to pull (?:and unpack )?image", r"manifest unknown"),
    _sig("node-lost", "node lost (NotReady)",
         "the machine failed, not the code: rerun; enable fault tolerance / AIMaster restarts to survive it",
         r"NodeNotReady", r"node (?:\S+ )?(?:became |is )?NotReady", r"\bNodeLost\b", r"node lost"),
    _sig("disk-full", "disk full (ENOSPC)",
         "write checkpoints and caches to a mounted dataset (OSS/NAS/CPFS) rather than the container disk, "
         "or keep fewer checkpoints",
         r"No space left on device", r"\bENOSPC\b", r"disk quota exceeded"),
    _sig("mount-failed", "data mount failed (OSS/NAS/CPFS)",
         "check the dataset's URI, that it is in the job's region and VPC, and the mount options",
         r"MountVolume\.SetUp failed", r"FailedMount", r"\b(?:ossfs|nas|cpfs)\b.*(?:mount|failed)",
         r"mount(?:ing)? .* failed", r"Transport endpoint is not connected"),
    _sig("rendezvous", "distributed rendezvous failed",
         "the ranks could not find each other: check MASTER_ADDR/MASTER_PORT, that every pod started, and the "
         "rendezvous timeout",
         r"Rendezvous(?:Timeout|Closed|Connection)?Error", r"torch\.distributed\.elastic\.rendezvous",
         r"DistNetworkError", r"(?:connect|connection).*(?:MASTER_ADDR|master).*(?:refused|timed out)"),
)

# the last line of a Python traceback: "torch.distributed.DistBackendError: ..." or "KeyError: 'x'", after
# what the log service or the launcher puts first (a timestamp, "[rank3]:", "[default0]:")
_PREFIX = r"^\s*(?:\d{4}-\d\d-\d\dT[\d:.]+Z?\s+)?(?:\[[^\]]*\]:?\s*)*"
_EXCEPTION = re.compile(_PREFIX + r"((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt)))(?::|\s*$)")
_TRACEBACK = "Traceback (most recent call last):"


@dataclass(frozen=True)
class Match:
    """A signature found: its ``name`` ("cuda-oom" or "python:KeyError"), title and hint, and where: the
    source and index of the first line that matched, and the line itself."""

    name: str
    title: str
    hint: str
    source: Literal["log", "event"]
    index: int
    line: str


def match(log_lines: Sequence[str], events: Sequence[str] = ()) -> Match | None:
    """The most specific signature in ``log_lines`` (a failed pod's last lines) or ``events`` (its pod and
    job events); else the last Python exception of the log; else None."""
    sources: tuple[tuple[Literal["log", "event"], Sequence[str]], ...] = (("log", log_lines), ("event", events))
    for signature in SIGNATURES:
        for source, lines in sources:
            for index, line in enumerate(lines):
                if signature.pattern.search(line):
                    return Match(signature.name, signature.title, signature.hint, source, index, line)
    for index in range(len(log_lines) - 1, -1, -1):
        found = _EXCEPTION.match(log_lines[index])
        if found:
            short = found.group(2)
            return Match(f"python:{short}", f"Python {found.group(1)}",
                         "read the traceback above this line: the error is in the job's own code or data",
                         "log", index, log_lines[index])
    return None


def first_error_line(lines: Sequence[str]) -> int | None:
    """Where a reader should start: the first line of a traceback, or of a signature, whichever is first."""
    for index, line in enumerate(lines):
        if _TRACEBACK in line or any(s.pattern.search(line) for s in SIGNATURES):
            return index
    return None
