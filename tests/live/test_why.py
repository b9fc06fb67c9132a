"""``paitui job why`` and ``paitui job diff`` against the simulator (issue 15): the JSON contract, the culprit
and signature of a failed job, a queue with jobs ahead, the diff against the last good run."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest

from paitui.api.operations import operation
from paitui.cli import build_parser
from paitui.headless import Console
from paitui.headless_create import job_diff, job_why
from paitui.live.why.compare import compare, last_good, name_stem
from paitui.live.why.explain import explain
from tests.live.test_actions import WS, Sim

IMAGE = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py311-cu121-ubuntu22.04"
A100_POOL = "quota1k9x2m4n7p3q"  # llm-a100-pool, in workspace 264901


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def _console() -> tuple[Console, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Console(out, err, lambda _p: "", False), out, err


async def test_a_failed_job_names_its_culprit_and_signature(sim: Sim) -> None:
    failed = [j for j in await sim.jobs() if j.status == "Failed"]
    assert failed
    seen = set()
    for job in failed:
        why = await explain(sim.client, job.job_id)
        body = why.to_json()
        assert body["kind"] == "failed" and body["verdict"]
        assert body["culprit"] in {p.pod_id for p in (await sim.client.dlc.get_job(job.job_id)).pods or ()}
        assert body["culprit"] in (job.reason_message or "")  # the simulator's reason names the pod that broke
        assert body["signature"] and body["hint"]
        seen.add(body["signature"])
    assert "nccl-timeout" in seen  # the seeded world's failures reach at least this signature


# the simulator's failures (sim.dlc.catalog.FAILURES, "" for a failed image pull) and the signature each must get
EXPECTED = {"cuda-oom": "cuda-oom", "host-oom": "oom-killed", "nccl-timeout": "nccl-timeout", "node-lost": "node-lost",
            "FileNotFoundError": "python:FileNotFoundError", "KeyError": "python:KeyError",
            "ValueError": "python:ValueError", "disk-full": "disk-full", "mount-lost": "mount-failed",
            "rendezvous": "rendezvous", "": "image-pull"}


async def test_every_simulated_failure_gets_its_signature_and_culprit(sim: Sim) -> None:
    from paitui.sim.dlc.catalog import FAILURES

    now = sim.world.clock.now().timestamp()
    failed = [j for j in sim.world.dlc.all_jobs() if j.status_at(now) == "Failed" and j.pod_total > 1
              and j.phase_at(now).reason_code != "QuotaExceeded"]
    assert {f for fs in FAILURES.values() for f in fs} | {""} == set(EXPECTED)
    assert {j.failure for j in failed} == set(EXPECTED)  # the seeded world has every failure
    for job in failed:
        why = await explain(sim.client, job.job_id)
        assert why.signature == EXPECTED[job.failure], (job.job_id, job.failure, why.verdict)
        assert why.culprit == f"{job.job_id}-{_role_pod(job)}"


def _role_pod(job: Any) -> str:
    """The blamed pod's id suffix ("worker-3"): the job's failing_pod-th pod, roles in order."""
    names = [f"{r.type.lower()}-{i}" for r in job.roles for i in range(r.pod_count)]
    return names[job.failing_pod]


async def _queued(sim: Sim, name: str, priority: int, pods: int) -> str:
    body = {"DisplayName": name, "JobType": "PyTorchJob", "WorkspaceId": WS, "UserCommand": "python t.py",
            "Priority": priority, "ResourceId": A100_POOL,
            "JobSpecs": [{"Type": "Worker", "PodCount": pods, "Image": IMAGE,
                          "ResourceConfig": {"CPU": "32", "GPU": "8", "Memory": "256Gi", "GPUType": "A100"}}]}
    answer = await sim.client.invoke_json(operation("dlc", "CreateJob"), body)
    sim.advance(0.5)
    return str(answer["JobId"])


async def test_a_queuing_job_shows_its_quota_place_and_the_jobs_ahead(sim: Sim) -> None:
    first = await _queued(sim, "q-first", 7, 4)
    second = await _queued(sim, "q-second", 6, 2)
    mine = await _queued(sim, "q-mine", 5, 4)
    sim.advance(3)  # all three past Creating, waiting in the queue
    why = (await explain(sim.client, mine)).to_json()
    assert why["kind"] == "waiting" and why["status"] == "Queuing"
    assert why["quota"]["name"] == "llm-a100-pool" and why["quota"]["total"] >= why["quota"]["used"]
    assert why["quota"]["free"] == why["quota"]["total"] - why["quota"]["used"]
    ahead = [a["id"] for a in why["ahead"]]
    assert ahead[:2] == [first, second]  # priority first, then time
    assert why["position"] == len(ahead) + 1
    assert all({"id", "priority", "owner", "gpus"} <= set(a) for a in why["ahead"])
    assert why["asked_gpus"] == 32
    assert "ahead of you" in why["verdict"] and "raise the priority to 8" in why["fixes"]
    top = (await explain(sim.client, first)).to_json()
    assert first not in [a["id"] for a in top.get("ahead", [])] and top["position"] < why["position"]


async def test_why_prints_json_and_text_and_an_unknown_id_exits_1(sim: Sim) -> None:
    job = next(j for j in await sim.jobs() if j.status == "Failed")
    console, out, _ = _console()
    assert await job_why.answer(sim.client, console, job.job_id, "json") == 0
    body = json.loads(out.getvalue())
    assert {"kind", "verdict", "culprit", "signature", "hint"} <= set(body)
    console, out, _ = _console()
    assert await job_why.answer(sim.client, console, job.job_id, "text") == 0
    assert out.getvalue().splitlines()[1].startswith("verdict: ") and "culprit: " in out.getvalue()
    from paitui.headless_create.read_flow import run_read

    console, _, err = _console()
    status = await run_read(None, lambda c, con: job_why.answer(c, con, "dlcnosuchjob", "json"), console=console,
                            client=sim.client)
    assert status == 1 and "NotFound" in err.getvalue() and "RequestId=" in err.getvalue()


def test_the_verbs_parse() -> None:
    args = build_parser().parse_args(["job", "why", "dlc1", "-o", "json"])
    assert (args.command, args.verb, args.job_id, args.output) == ("job", "why", "dlc1", "json")
    args = build_parser().parse_args(["job", "diff", "dlc1", "--against", "dlc2", "--all"])
    assert (args.verb, args.against, args.all) == ("diff", "dlc2", True)
    with pytest.raises(SystemExit) as raised:
        build_parser().parse_args(["job", "why"])
    assert raised.value.code == 2


def test_name_stems() -> None:
    assert name_stem("bert-ft-v3-20261204") == "bert-ft"
    assert name_stem("wide-deep-ranking-v20260117") == "wide-deep-ranking"
    assert name_stem("resnet50-imagenet-ablation-24") == "resnet50-imagenet-ablation"
    assert name_stem("llama-clone") == "llama"
    assert name_stem("2026") == "2026"  # all tail: kept


async def test_diff_against_the_last_good_run_shows_only_changed_fields(sim: Sim) -> None:
    now = sim.world.clock.now()
    jobs = [j async for j in sim.client.dlc.iter_jobs(workspace_id=WS, start_time=now - timedelta(days=60),
                                                       end_time=now)]
    for failed in (j for j in jobs if j.status == "Failed"):
        good = last_good(failed, jobs)
        if good is not None:
            break
    else:
        pytest.fail("the seeded world has no failed job with an earlier success of the same stem")
    console, out, _ = _console()
    args = type("A", (), {"job_id": failed.job_id, "against": None, "all": False, "output": "json"})()
    assert await job_diff.answer(sim.client, console, args) == 0
    body = json.loads(out.getvalue())
    assert body["job"] == failed.job_id and body["chosen"] == "last good run"
    ours, theirs = (await sim.client.dlc.get_job(failed.job_id)), (await sim.client.dlc.get_job(body["against"]))
    assert theirs.status == "Succeeded" and name_stem(theirs.display_name or "") == name_stem(failed.display_name or "")
    expected = compare(ours, theirs)
    assert [d["field"] for d in body["differences"]] == [d.field for d in expected] and expected
    assert all(d["job"] != d["against"] for d in body["differences"])


async def test_diff_of_a_job_with_itself_differs_nowhere_and_all_lists_every_field(sim: Sim) -> None:
    job = (await sim.jobs())[0]
    for every, check in ((False, lambda rows: rows == []), (True, lambda rows: len(rows) > 5)):
        console, out, _ = _console()
        args = type("A", (), {"job_id": job.job_id, "against": job.job_id, "all": every, "output": "json"})()
        assert await job_diff.answer(sim.client, console, args) == 0
        assert check(json.loads(out.getvalue())["differences"])


async def test_diff_without_a_last_good_run_says_so(sim: Sim) -> None:
    lonely = await _queued(sim, "one-of-a-kind-model", 3, 1)
    console, _, err = _console()
    args = type("A", (), {"job_id": lonely, "against": None, "all": False, "output": "text"})()
    assert await job_diff.answer(sim.client, console, args) == 1
    assert "--against" in err.getvalue()


async def test_a_failed_jobs_detail_starts_on_its_culprit(sim: Sim) -> None:
    from paitui.live.job_snapshot import first_pod

    for job in (j for j in await sim.jobs() if j.status in ("Failed", "Succeeded")):
        full = await sim.client.dlc.get_job(job.job_id)
        chosen = first_pod(full)
        if job.status == "Succeeded" or not full.pods:
            assert chosen is None or chosen[0] == (full.pods or [None])[0].pod_id  # type: ignore[union-attr]
        else:
            assert chosen is not None and chosen[0] == (await explain(sim.client, job.job_id)).culprit
