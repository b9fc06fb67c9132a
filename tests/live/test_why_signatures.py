"""The error-signature library and the culprit rule (issue 15), on the lines real trainers print and the
simulator writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from paitui.live.why.culprit import culprit
from paitui.live.why.signatures import SIGNATURES, first_error_line, match

TRACE = ["Traceback (most recent call last):", '  File "/root/code/train.py", line 412, in <module>', "    main()"]

CASES = [
    ("cuda-oom", [*TRACE, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB."], []),
    ("oom-killed", ["[entrypoint] user process exited with code 137"], []),
    ("oom-killed", [], ["Warning OOMKilled pod/worker-3 Container pytorch was OOMKilled"]),
    ("nccl-timeout", ["[rank3]:[E ProcessGroupNCCL.cpp:1182] [PG 0 Rank 3] Watchdog caught collective operation "
                      "timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE)", *TRACE,
                      "torch.distributed.DistBackendError: NCCL communicator was aborted on rank 3."], []),
    ("image-pull", [], ["Normal Scheduled pod/worker-0 assigned", "Warning Failed pod/worker-0 Failed to pull "
                        "image \"dsw-registry/x:1\": manifest unknown", "Warning BackOff ImagePullBackOff"]),
    ("node-lost", [], ["Warning NodeNotReady node/i-bp1xyz Node i-bp1xyz status is now: NodeNotReady"]),
    ("disk-full", [*TRACE, "OSError: [Errno 28] No space left on device: '/root/ckpt/step-9000'"], []),
    ("mount-failed", [], ["Warning FailedMount pod/worker-0 MountVolume.SetUp failed for volume \"data\": "
                          "ossfs: mount failed"]),
    ("rendezvous", [*TRACE, "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"], []),
    ("python:FileNotFoundError", [*TRACE, "FileNotFoundError: [Errno 2] No such file or directory: 'val.jsonl'",
                                  "[entrypoint] user process exited with code 1"], []),
    ("python:KeyError", [*TRACE, "KeyError: 'labels'"], []),
    ("python:ValueError", ["2026-03-01T15:35:03.746Z Traceback (most recent call last):",
                           "2026-03-01T15:35:03.746Z [rank2]: ValueError: bad shape"], []),
]


@pytest.mark.parametrize(("name", "log", "events"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_signature_is_found(name: str, log: list[str], events: list[str]) -> None:
    found = match(log, events)
    assert found is not None and found.name == name
    assert found.hint and found.title
    lines = log if found.source == "log" else events
    assert lines[found.index] == found.line


def test_every_signature_of_the_library_is_covered() -> None:
    assert {s.name for s in SIGNATURES} <= {c[0] for c in CASES}


def test_the_most_specific_signature_wins_over_the_traceback_and_the_order_of_lines() -> None:
    # the NCCL abort ends in a DistBackendError traceback; CUDA OOM ends in torch.OutOfMemoryError
    assert match([*TRACE, "torch.distributed.DistBackendError: NCCL timeout (Timeout(ms)=1800000)"]).name \
        == "nccl-timeout"  # type: ignore[union-attr]
    assert match(["x", "CUDA out of memory"], ["Warning OOMKilled"]).name == "cuda-oom"  # type: ignore[union-attr]


def test_a_clean_log_matches_nothing() -> None:
    assert match(["[rank0] step 10/100 loss=1.2", "[entrypoint] user process exited with code 0"]) is None
    assert first_error_line(["step 1", "step 2"]) is None


def test_the_first_error_line_is_where_the_traceback_starts() -> None:
    lines = ["step 1", "step 2", *TRACE, "KeyError: 'x'"]
    assert first_error_line(lines) == 2
    assert first_error_line(["2026-03-01T15:35:03Z step 1", "2026-03-01T15:35:03Z " + TRACE[0]]) == 1


def test_the_simulators_failures_have_their_signatures() -> None:
    from paitui.sim.dlc.logtext import LogCtx, epilogue

    expected = {"OOMKilled": "cuda-oom", "NCCLTimeout": "nccl-timeout", "UserCodeError": "python:FileNotFoundError"}
    ctx = LogCtx(family="torch", aux=False, job_id="dlc1", pod_id="worker-0", uid="u", node="n", ip="10.0.0.1",
                 image="img", command="python train.py", name="bert", rank=0, world=2, gpus=8, lingjun=False,
                 instance=0, salt=1, spt=10, total=1000, step_base=0, ckpt_every=10, burst_mod=7, blamed_rank=0)
    for reason, name in expected.items():
        found = match(epilogue(ctx, "failed", reason, 100))
        assert found is not None and found.name == name, reason


@dataclass
class Pod:
    pod_id: str
    status: str
    gmt_finish_time: datetime | None
    history_pods: list[Pod] | None = None
    pod_uid: str | None = None


def _at(minute: int) -> datetime:
    return datetime(2026, 12, 4, 10, minute, tzinfo=UTC)


def test_the_culprit_is_the_pod_that_failed_first_not_pod_0() -> None:
    pods = [Pod("master-0", "Failed", _at(9)), Pod("worker-0", "Failed", _at(8)), Pod("worker-3", "Failed", _at(5)),
            Pod("worker-4", "Failed", None)]
    assert culprit(pods) == "worker-3"


def test_among_pods_that_ended_together_the_one_the_reason_names_is_the_culprit() -> None:
    pods = [Pod("job-master-0", "Failed", _at(9)), Pod("job-worker-2", "Failed", _at(9)),
            Pod("job-worker-10", "Failed", _at(9))]
    assert culprit(pods, "Pod job-worker-2 failed: NCCL watchdog timeout") == "job-worker-2"
    assert culprit(pods) == "job-master-0"
    assert culprit(pods, "Pod job-worker-1 failed") == "job-master-0"  # no such pod; worker-10 does not match
    assert culprit([*pods, Pod("job-worker-1", "Failed", _at(9))], "Pod job-worker-10 failed") == "job-worker-10"


def test_the_last_generation_decides_and_no_failure_has_no_culprit() -> None:
    restarted = Pod("worker-1", "Failed", _at(8), history_pods=[Pod("worker-1", "Failed", _at(2))])
    assert culprit([Pod("worker-0", "Failed", _at(7)), restarted]) == "worker-0"  # the restart at 2 did not end it
    gone = Pod("worker-1", "Pending", None, history_pods=[Pod("worker-1", "Failed", _at(2))])
    assert culprit([Pod("worker-0", "Running", None), gone]) == "worker-1"  # nothing current failed: history
    assert culprit([Pod("worker-0", "Succeeded", _at(7))]) is None
    assert culprit([]) is None
