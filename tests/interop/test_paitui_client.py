"""paitui's own client and CLI against the simulated cloud over real HTTP (the same server the SDKs use)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from paitui.api import errors as e
from paitui.api.client import PaiClient
from paitui.api.credentials import StaticProvider
from paitui.config import Settings
from paitui.sim import identity
from paitui.sim.serve import ServerHandle

PROVIDERS = {
    "ak": lambda: StaticProvider.ak(identity.DEMO_ACCESS_KEY_ID, identity.DEMO_ACCESS_KEY_SECRET, description="ak"),
    "sts": lambda: StaticProvider.sts(identity.DEMO_STS_ACCESS_KEY_ID, identity.DEMO_STS_ACCESS_KEY_SECRET,
                                      identity.DEMO_STS_TOKEN, description="sts"),
    "bearer": lambda: StaticProvider.bearer(identity.DEMO_BEARER_TOKEN, description="bearer"),
}


def client_for(server: ServerHandle, provider: object, **settings: object) -> PaiClient:
    return PaiClient(Settings(endpoints={"*": server.url}, **settings), credentials=provider)


@pytest.mark.parametrize("kind", sorted(PROVIDERS))
async def test_our_client_reads_every_product(sim_server: ServerHandle, kind: str) -> None:
    async with client_for(sim_server, PROVIDERS[kind]()) as client:
        jobs = await client.dlc.list_jobs(page_size=5)
        assert jobs.total_count and len(jobs.jobs) == 5
        assert sim_server.app.last_caller.auth == kind
        job = await client.dlc.get_job(jobs.jobs[0].job_id)
        assert job.job_id == jobs.jobs[0].job_id and job.status
        runs = await client.flow.list_pipeline_runs(workspace_id="264901", page_size=3)
        assert runs.pipeline_runs and runs.pipeline_runs[0].status
        spaces = [ws async for ws in client.workspace.iter_workspaces()]
        assert {ws.workspace_id for ws in spaces} >= {"264901", "264904"}
        schedules = await client.plugin.list_schedules(page_size=3)
        assert schedules.data.schedules and schedules.data.schedules[0].status is not None
        # the server's Date header tells the client the world's time
        assert abs((client.server_now() - sim_server.world.clock.now()).total_seconds()) < 5


async def test_our_client_gets_the_gateway_codes(sim_server: ServerHandle) -> None:
    wrong = StaticProvider.ak(identity.DEMO_ACCESS_KEY_ID, "not-the-secret", description="wrong")
    async with client_for(sim_server, wrong, max_attempts=1) as client:
        with pytest.raises(e.AuthError) as info:
            await client.dlc.list_jobs()
    assert info.value.code == "SignatureDoesNotMatch" and info.value.request_id
    assert "not-the-secret" not in str(info.value) and "not-the-secret" not in json.dumps(info.value.to_dict())

    read_only = StaticProvider.ak(identity.READONLY_ACCESS_KEY_ID, identity.READONLY_ACCESS_KEY_SECRET,
                                  description="ro")
    async with client_for(sim_server, read_only, max_attempts=1) as client:
        with pytest.raises(e.ForbiddenError) as forbidden:
            await client.dlc.stop_job("dlc-anything")
    assert forbidden.value.code == "Forbidden.RAM" and forbidden.value.status == 403

    async with client_for(sim_server, PROVIDERS["ak"](), max_attempts=1) as client:
        with pytest.raises(e.NotFoundError) as missing:
            await client.dlc.get_job("dlc-no-such-job")
    assert missing.value.code == "NotFound.Job"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """`paitui sim serve` as a user starts it, in its own process."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "paitui", "sim", "serve", "--port", str(port), "--jobs", "200"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    banner: list[str] = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        banner.append(line)
        if line.startswith("ready:") or not line:
            break
    try:
        text = "".join(banner)
        assert f"--endpoint dlc=http://127.0.0.1:{port}" in text and identity.DEMO_BEARER_TOKEN in text
        assert banner[-1].startswith("ready:"), text
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def paitui(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD", "DASHSCOPE"))}
    env["HOME"] = "/nonexistent-paitui-home"  # no aliyun CLI profile: the demo credentials are used
    return subprocess.run([sys.executable, "-m", "paitui", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_paitui_call_against_paitui_sim_serve(served: str) -> None:
    ok = paitui("--endpoint", f"*={served}", "call", "dlc", "ListJobs", "PageSize=2")
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert len(body["Jobs"]) == 2 and body["TotalCount"] > 2

    missing = paitui("--endpoint", f"*={served}", "call", "flow", "GetPipelineRun", "PipelineRunId=flow-nope")
    assert missing.returncode == 1
    error = json.loads(missing.stderr)
    assert error["Code"] == "NotFound.PipelineRun" and error["RequestId"]

    unknown = paitui("--endpoint", f"*={served}", "call", "dlc", "ListJbos")
    assert unknown.returncode == 2 and "ListJobs" in unknown.stderr

    refused = paitui("--read-only", "--endpoint", f"*={served}", "call", "dlc", "StopJob", "JobId=dlc1")
    assert refused.returncode == 1 and json.loads(refused.stderr)["Error"] == "read_only"
