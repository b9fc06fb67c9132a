"""Saving a whole log (``paitui.live.log_export``) against the simulated cloud: from the job's creation over
many pages, exact (no line lost or repeated), through errors; all pods merged; PAIFlow nodes; a window said
when it cannot be whole; and atomic: a save that fails midway leaves nothing under the final name."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import ServerError, ThrottledError
from paitui.live.log_export import export_node_log, export_pod_log
from paitui.live.pod_tail import PodLogTailer
from paitui.live.tail import pods_of, since
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_tail import find_job, find_node, is_torch_running, node_truth, sim_client, truth


@pytest.fixture
def world() -> World:
    return World(seed=7, clock=SimClock.manual())


@pytest.fixture
async def client(world: World) -> Any:
    async with sim_client(world) as c:
        yield c


async def no_sleep(_: float) -> None:
    return None


class FailingLogs:
    """The real client, except GetPodLogs / node-log calls number ``fail_at`` (from 1) onwards raise ``error``
    ``times`` times: a fault in the middle of a many-page read."""

    def __init__(self, client: PaiClient, *, fail_at: int, times: int = 1, error: Exception | None = None) -> None:
        self._client, self.fail_at, self.times = client, fail_at, times
        self.error = error or ThrottledError("Request was denied due to user flow control.", status=429,
                                             code="Throttling.User", request_id="req-1", retry_after=3.0)
        self.calls = 0
        self.dlc, self.flow = self, self

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.calls >= self.fail_at and self.times:
            self.times -= 1
            raise self.error

    async def get_job(self, *args: Any, **kw: Any) -> Any:
        return await self._client.dlc.get_job(*args, **kw)

    async def get_pod_logs(self, *args: Any, **kw: Any) -> Any:
        self._maybe_fail()
        return await self._client.dlc.get_pod_logs(*args, **kw)

    async def get_pipeline_run_node(self, *args: Any, **kw: Any) -> Any:
        return await self._client.flow.get_pipeline_run_node(*args, **kw)

    async def list_pipeline_run_node_logs(self, *args: Any, **kw: Any) -> Any:
        self._maybe_fail()
        return await self._client.flow.list_pipeline_run_node_logs(*args, **kw)


async def test_a_pod_log_longer_than_many_pages_is_saved_whole_and_private(client: PaiClient, world: World,
                                                                        tmp_path: Path) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    target = tmp_path / "whole.log"
    result = await export_pod_log(client, target, job.job_id, pod.pod_id, job_created=job.gmt_create_time,
                                  page_lines=500, now=world.clock.now)
    want = await truth(client, job.job_id, pod.pod_id)
    assert len(want) > 4 * 500  # several pages
    assert target.read_text().splitlines() == want
    assert result.whole and result.lines == len(want) and result.describe().startswith("saved the whole log")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["whole.log"]


async def test_throttled_pages_are_retried_without_losing_or_repeating_a_line(client: PaiClient, world: World,
                                                                               tmp_path: Path) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    flaky = FailingLogs(client, fail_at=3, times=2)
    target = tmp_path / "whole.log"
    await export_pod_log(flaky, target, job.job_id, pod.pod_id, job_created=job.gmt_create_time,  # type: ignore[arg-type]
                         page_lines=500, now=world.clock.now, sleep=no_sleep)
    assert flaky.times == 0  # the faults did happen
    assert target.read_text().splitlines() == await truth(client, job.job_id, pod.pod_id)


async def test_a_save_that_fails_midway_leaves_no_file_and_keeps_an_older_one(client: PaiClient, world: World,
                                                                               tmp_path: Path) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    target = tmp_path / "whole.log"
    target.write_text("an older save\n")
    broken = FailingLogs(client, fail_at=3, times=99, error=ServerError("boom", status=500, code="InternalError",
                                                                       request_id="req-2"))
    with pytest.raises(ServerError):
        await export_pod_log(broken, target, job.job_id, pod.pod_id, job_created=job.gmt_create_time,  # type: ignore[arg-type]
                             page_lines=500, now=world.clock.now, sleep=no_sleep, retries=2)
    assert broken.calls >= 3  # pages were written before it failed
    assert target.read_text() == "an older save\n"  # never a truncated file under the final name
    assert [p.name for p in tmp_path.iterdir()] == ["whole.log"]  # and no temporary file left


async def test_without_a_creation_time_the_window_is_said_in_the_file_and_the_result(
        client: PaiClient, world: World, tmp_path: Path) -> None:
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    target = tmp_path / "window.log"
    result = await export_pod_log(client, target, job.job_id, pod.pod_id, job_created=None, now=world.clock.now)
    first = target.read_text().splitlines()[0]
    assert not result.whole and "default window" in result.window
    assert first.startswith("# paitui: GetPodLogs' default window ") and "UTC" in first
    assert "not the whole log" in result.describe()


async def test_all_pods_merged_are_saved_whole_in_time_order(client: PaiClient, world: World,
                                                              tmp_path: Path) -> None:
    job = await find_job(client, lambda j: is_torch_running(j) and len(j.pods) >= 3)
    target = tmp_path / "all.log"
    await export_pod_log(client, target, job.job_id, None, job_created=job.gmt_create_time, merged=True,
                         page_lines=400, now=world.clock.now)
    got = target.read_text().splitlines()
    keys = [line[:24] for line in got]
    assert keys == sorted(keys)
    for ref in pods_of(job):
        mine = [line.replace(f" [{ref.label}]", "", 1) for line in got if f"Z [{ref.label}] " in line[:60]]
        assert mine == await truth(client, job.job_id, ref.pod_id), ref.label


async def test_a_node_log_is_saved_whole_through_a_fault(client: PaiClient, world: World, tmp_path: Path) -> None:
    run_id, node_id = await find_node(client, "Running")
    world.clock.advance(60)
    flaky = FailingLogs(client, fail_at=2, times=1)
    target = tmp_path / "node.log"
    result = await export_node_log(flaky, target, run_id, node_id, page_size=3, now=world.clock.now,  # type: ignore[arg-type]
                                   sleep=no_sleep)
    want = await node_truth(client, run_id, node_id)
    assert len(want) > 3 * 3 and flaky.times == 0
    assert target.read_text().splitlines() == want and result.whole


async def test_the_live_tail_keeps_pages_read_before_a_failed_one(client: PaiClient, world: World) -> None:
    """A poll that pages and fails on a later page hands out the earlier pages (they were de-duplicated
    already: dropping them lost those lines for good) and resumes exactly at the failed page."""
    job = await find_job(client, is_torch_running)
    pod = job.pods[0]
    flaky = FailingLogs(client, fail_at=3, times=1)
    tailer = PodLogTailer(flaky, job.job_id, pod.pod_id, since_=since("all"), page_lines=200,  # type: ignore[arg-type]
                          from_time=job.gmt_create_time, now=world.clock.now)
    got: list[str] = []
    for _ in range(200):
        batch = await tailer.poll()
        got += batch.lines
        if not batch.more and batch.error is None:
            break
    assert flaky.times == 0 and flaky.calls > 3  # the third page did fail, in the middle of one poll
    assert got == await truth(client, job.job_id, pod.pod_id)
