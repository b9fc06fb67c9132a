"""pai-dlc pods through the real ASGI app: logs (growth, windows, truncation, bursts, history pods,
tracebacks, containers), events, metrics and web terminals."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from paitui.sim.clock import SimClock
from paitui.sim.dlc.model import Job
from paitui.sim.world import World
from tests.sim.test_dlc_jobs import JOBS, Api, make_api

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for a in make_api(World(seed=7, clock=SimClock.manual())):
        yield a


def pick(api: Api, pred: Any) -> Job:
    return next(j for j in api.world.dlc.all_jobs() if pred(j))


EPOCH = "2020-01-01T00:00:00Z"


async def logs(api: Api, job_id: str, pod_id: str, **params: Any) -> dict[str, Any]:
    """Logs from the pod's start (the API's default window is the last 7 days)."""
    return await api.get(f"{JOBS}/{job_id}/pods/{pod_id}/logs", **{"StartTime": EPOCH, **params})


def started_within(job: Job, now: float, lo: float, hi: float) -> bool:
    """The job has been running for between ``lo`` and ``hi`` seconds."""
    started = job.first_time("Running", now)
    return started is not None and lo <= now - started <= hi


async def first_pod(api: Api, job_id: str) -> dict[str, Any]:
    return (await api.job(job_id))["Pods"][0]


def iso_of(line: str) -> str:
    return line[:19] + "Z"


async def test_logs_grow_while_running(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.job_type == "PyTorchJob"
               and started_within(j, api.now, 600, 3 * 3600))
    pod = await first_pod(api, job.job_id)
    before = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    assert before and all(LINE.match(line) for line in before)
    stamps = [line[:24] for line in before]
    assert stamps == sorted(stamps)
    assert before[-1][:24] <= api.world.clock.now().strftime("%Y-%m-%dT%H:%M:%S.999Z")
    api.advance(120)
    after = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    assert len(after) > len(before) and after[: len(before)] == before
    text = "\n".join(after)
    assert "NCCL INFO" in text and "loss=" in text and "Loading dataset" in text


async def test_max_lines_keeps_the_earliest_and_tailing_never_skips(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.job_type in ("PyTorchJob", "SlurmJob")
               and started_within(j, api.now, 3600, 6 * 3600))
    pod = await first_pod(api, job.job_id)
    full = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    assert 2000 < len(full) < 100000
    head = (await logs(api, job.job_id, pod["PodId"], MaxLines=50))["Logs"]
    assert head == full[:50]
    default = (await logs(api, job.job_id, pod["PodId"]))["Logs"]
    assert default == full[:2000]
    # a tailer: move StartTime to the last line's second, de-duplicate by counting lines per second
    seen: list[str] = []
    start = EPOCH
    for _ in range(1000):
        batch = (await logs(api, job.job_id, pod["PodId"], StartTime=start, MaxLines=500))["Logs"]
        overlap = Counter(line for line in seen if iso_of(line) >= iso_of(batch[0]))
        new = []
        for line in batch:
            if overlap[line]:
                overlap[line] -= 1
            else:
                new.append(line)
        seen += new
        if len(batch) < 500:
            break
        start = iso_of(batch[-1])
    assert seen == full


async def test_window_has_second_precision(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.job_type == "PyTorchJob"
               and started_within(j, api.now, 600, 3 * 3600))
    pod = await first_pod(api, job.job_id)
    full = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    middle = full[len(full) // 2]
    second = iso_of(middle)
    window = (await logs(api, job.job_id, pod["PodId"], StartTime=second, EndTime=second))["Logs"]
    assert middle in window and all(iso_of(line) == second for line in window)
    assert window == [line for line in full if iso_of(line) == second]


async def test_bursts_of_identical_lines_in_one_millisecond(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.job_type == "PyTorchJob"
               and started_within(j, api.now, 3600, 6 * 3600))
    pod = await first_pod(api, job.job_id)
    lines = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    counts = Counter(lines)
    assert any(n >= 3 and "gradient overflow" in line for line, n in counts.items())


async def test_history_pods_have_their_own_logs(api: Api) -> None:
    job = pick(api, lambda j: j.restarts_used(api.now) >= 1 and j.status_at(api.now) == "Succeeded"
               and j.job_type == "PyTorchJob")
    pod = await first_pod(api, job.job_id)
    old = pod["HistoryPods"][-1]
    current = await logs(api, job.job_id, pod["PodId"], MaxLines=300)
    history = await logs(api, job.job_id, pod["PodId"], PodUid=old["PodUid"], MaxLines=300)
    assert history["PodUid"] == old["PodUid"] and current["PodUid"] == pod["PodUid"]
    assert history["Logs"] and current["Logs"] and history["Logs"] != current["Logs"]
    assert old["PodUid"] in history["Logs"][0] and pod["PodUid"] in current["Logs"][0]
    assert any("Resuming from checkpoint" in line for line in current["Logs"])
    err = await api.call("GET", f"{JOBS}/{job.job_id}/pods/{pod['PodId']}/logs", params={"PodUid": "nope"},
                         status=404)
    assert err["Code"] == "NotFound.Pod"
    err = await api.call("GET", f"{JOBS}/{job.job_id}/pods/{job.job_id}-worker-99/logs", status=404)
    assert err["Code"] == "NotFound.Pod"


_FAILURES = [  # (ReasonCode, failure, a line of the culprit's log, how the process ended)
    ("OOMKilled", "cuda-oom", "CUDA out of memory", "exited with code 1"),
    ("OOMKilled", "host-oom", "Killed", "exit code 137"),
    ("NCCLTimeout", "nccl-timeout", "Watchdog caught collective operation timeout", "exited with code 1"),
    ("UserCodeError", "FileNotFoundError", "FileNotFoundError", "exited with code 1"),
    ("UserCodeError", "KeyError", "KeyError: 'labels'", "exited with code 1"),
    ("UserCodeError", "ValueError", "ValueError: Expected input batch_size", "exited with code 1"),
    ("UserCodeError", "disk-full", "No space left on device", "exited with code 1"),
    ("UserCodeError", "mount-lost", "Transport endpoint is not connected", "exited with code 1"),
    ("UserCodeError", "rendezvous", "RendezvousTimeoutError", "exited with code 1"),
]


def test_every_failure_of_the_catalogue_is_tested() -> None:
    from paitui.sim.dlc.catalog import FAILURES

    tested = {(r, f) for r, f, _, _ in _FAILURES} | {("NCCLTimeout", "node-lost")}  # below: its own test
    assert {(r, f) for r, fs in FAILURES.items() for f in fs} == tested


async def test_a_lost_node_fails_the_job_with_its_pod_named_and_its_log_cut_short(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Failed" and j.failure == "node-lost")
    detail = await api.job(job.job_id)
    blamed = detail["Pods"][job.failing_pod]["PodId"]
    assert detail["ReasonCode"] == "NodeNotReady" and blamed in detail["ReasonMessage"]
    assert "no restarts left" in detail["ReasonMessage"]
    assert job.end_time is not None
    tail_start = datetime.fromtimestamp(job.end_time - 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = (await logs(api, job.job_id, blamed, StartTime=tail_start))["Logs"]
    assert text and not any("Traceback" in line or "exited with code" in line for line in text)


@pytest.mark.parametrize(("reason", "failure", "needle", "ending"), _FAILURES, ids=[f[1] for f in _FAILURES])
async def test_failure_traceback_matches_reason(api: Api, reason: str, failure: str, needle: str,
                                                ending: str) -> None:
    """The blamed pod's last lines say what broke (its events too, for a kill), it failed before the others,
    and the job's reason names it."""
    job = pick(api, lambda j: j.status_at(api.now) == "Failed" and j.phase_at(api.now).reason_code == reason
               and j.pod_total > 1)
    saved = job.failure
    job.failure = failure  # the same job, failing this way (caches follow job.rev)
    job.rev += 1
    try:
        detail = await api.job(job.job_id)
        assert detail["Pods"] and detail["ReasonCode"] == reason and job.end_time is not None
        blamed = f"{detail['Pods'][job.failing_pod]['PodId']}"
        assert blamed in detail["ReasonMessage"]
        finished = {p["PodId"]: p["GmtFinishTime"] for p in detail["Pods"]}
        assert all(finished[blamed] < t for pod, t in finished.items() if pod != blamed)
        tail_start = datetime.fromtimestamp(job.end_time - 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # the end
        text = (await logs(api, job.job_id, blamed, StartTime=tail_start))["Logs"]
        assert any(needle in line for line in text), text[-6:]
        assert any(ending in line for line in text[-3:])
        if failure == "host-oom":
            events = (await api.call("GET", f"{JOBS}/{job.job_id}/pods/{blamed}/events",
                                     params={"StartTime": tail_start}))["Events"]
            assert any("OOMKilled" in e and "exit code 137" in e for e in events), events
    finally:
        job.failure = saved
        job.rev += 1


async def test_image_pull_failure_has_no_logs_but_events(api: Api) -> None:
    job = pick(api, lambda j: j.phase_at(api.now).reason_code == "ImagePullBackOff")
    pod = await first_pod(api, job.job_id)
    assert pod["Status"] == "Failed" and pod["GmtStartTime"] is None
    assert (await logs(api, job.job_id, pod["PodId"]))["Logs"] == []
    events = (await api.get(f"{JOBS}/{job.job_id}/pods/{pod['PodId']}/events", StartTime=EPOCH))["Events"]
    assert any(" BackOff " in e for e in events) and any("manifest unknown" in e for e in events)


async def test_pending_pod_has_no_logs_and_no_terminal(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "EnvPreparing")
    pod = await first_pod(api, job.job_id)
    assert pod["Status"] == "Pending"
    assert (await logs(api, job.job_id, pod["PodId"]))["Logs"] == []
    err = await api.call("GET", f"{JOBS}/{job.job_id}/pods/{pod['PodId']}/webterminal", status=400)
    assert err["Code"] == "InvalidParameter.PodStatus"
    running = pick(api, lambda j: j.status_at(api.now) == "Running")
    pod = await first_pod(api, running.job_id)
    url = (await api.get(f"{JOBS}/{running.job_id}/pods/{pod['PodId']}/webterminal"))["WebTerminalUrl"]
    assert url.startswith("wss://")


async def test_containers_and_sidecar(api: Api) -> None:
    job = pick(api, lambda j: j.elastic and j.status_at(api.now) == "Running"
               and started_within(j, api.now, 600, 6 * 3600))
    pod = await first_pod(api, job.job_id)
    main = await logs(api, job.job_id, pod["PodId"])
    assert main["ContainerInfo"]["SidecarContainers"] == ["aimaster-worker"]
    assert main["Containers"] == main["ContainerInfo"]["MainContainer"]
    side = await logs(api, job.job_id, pod["PodId"], Containers="aimaster-worker")
    assert side["Logs"] and all("[aimaster-worker]" in line for line in side["Logs"])
    both = await logs(api, job.job_id, pod["PodId"], Containers=f"{main['Containers']},aimaster-worker",
                      MaxLines=100000)
    main_all = await logs(api, job.job_id, pod["PodId"], MaxLines=100000)
    assert len(both["Logs"]) > len(main_all["Logs"])
    assert [line[:24] for line in both["Logs"]] == sorted(line[:24] for line in both["Logs"])
    err = await api.call("GET", f"{JOBS}/{job.job_id}/pods/{pod['PodId']}/logs",
                         params={"Containers": "nginx"}, status=400)
    assert err["Code"] == "InvalidParameter"


async def test_stop_ends_the_log_with_sigterm(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.job_type == "PyTorchJob"
               and started_within(j, api.now, 600, 3 * 3600))
    pod = await first_pod(api, job.job_id)
    before = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    await api.call("POST", f"{JOBS}/{job.job_id}/stop")
    api.advance(30)
    after = (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"]
    assert after[: len(before)] == before
    assert "received SIGTERM" in "\n".join(after[len(before):])
    api.advance(600)
    assert (await logs(api, job.job_id, pod["PodId"], MaxLines=100000))["Logs"] == after


async def test_job_and_pod_events(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Succeeded" and j.pod_total > 1)
    events = (await api.get(f"{JOBS}/{job.job_id}/events", StartTime=EPOCH))["Events"]
    reasons = [e.split(" ")[2] for e in events]
    assert reasons[0] == "JobCreated" and reasons[-1] == "JobSucceeded" and "JobRunning" in reasons
    assert [e[:20] for e in events] == sorted(e[:20] for e in events)
    limited = await api.get(f"{JOBS}/{job.job_id}/events", StartTime=EPOCH, MaxEventsNum=2)
    assert limited["Events"] == events[:2]
    recent = await api.get(f"{JOBS}/{job.job_id}/events")  # default window: the last 7 days
    week_ago = datetime.fromtimestamp(api.now - 7 * 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(e[:20] >= week_ago for e in recent["Events"])
    pod = await first_pod(api, job.job_id)
    pod_events = await api.get(f"{JOBS}/{job.job_id}/pods/{pod['PodId']}/events", StartTime=EPOCH)
    assert pod_events["PodUid"] == pod["PodUid"]
    kinds = [e.split(" ")[2] for e in pod_events["Events"]]
    assert kinds[:2] == ["Scheduled", "Pulling"] and "Started" in kinds


async def test_metrics(api: Api) -> None:
    job = pick(api, lambda j: j.status_at(api.now) == "Running" and j.gpu_total > 0
               and j.first_time("Running", api.now) < api.now - 3 * 3600)
    body = await api.get(f"{JOBS}/{job.job_id}/metrics", MetricType="GpuCoreUsage", TimeStep="1m")
    series = body["PodMetrics"]
    assert series and all(m["PodId"].startswith(job.job_id) for m in series)
    points = series[0]["Metrics"]
    assert 55 <= len(points) <= 61  # the default window is the last hour
    assert all(p["Time"] % 60000 == 0 and 0 <= p["Value"] <= 100 for p in points)
    for metric in ("GpuMemoryUsage", "CpuCoreUsage", "MemoryUsage", "NetworkInputRate", "NetworkOutputRate",
                   "DiskReadRate", "DiskWriteRate"):
        assert (await api.get(f"{JOBS}/{job.job_id}/metrics", MetricType=metric))["PodMetrics"]
    cpu = pick(api, lambda j: j.status_at(api.now) == "Running" and j.gpu_total == 0)
    assert (await api.get(f"{JOBS}/{cpu.job_id}/metrics", MetricType="GpuCoreUsage"))["PodMetrics"] == []
    assert (await api.get(f"{JOBS}/{cpu.job_id}/metrics", MetricType="CpuCoreUsage"))["PodMetrics"]
    queued = pick(api, lambda j: j.status_at(api.now) == "Queuing")
    assert (await api.get(f"{JOBS}/{queued.job_id}/metrics", MetricType="CpuCoreUsage"))["PodMetrics"] == []
    err = await api.call("GET", f"{JOBS}/{job.job_id}/metrics", status=400)
    assert err["Code"] == "MissingParameter"
    for bad in ({"MetricType": "Temperature"}, {"MetricType": "GpuCoreUsage", "TimeStep": "soon"}):
        assert (await api.call("GET", f"{JOBS}/{job.job_id}/metrics", params=bad, status=400))["Code"] == \
            "InvalidParameter"
