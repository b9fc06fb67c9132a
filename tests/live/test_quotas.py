"""The quotas lister against the simulated cloud: totals from ListQuotas, use and queue from the DLC jobs of
every workspace. Under faults the totals still show; a use missing some workspaces is marked a lower bound
(or unknown) and names them — never shown as free capacity."""

from __future__ import annotations

import json

import httpx
import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import PaiError
from paitui.api.models.job_row import JobRow
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.kinds.quotas import count_of, used_of
from paitui.live.quotas import QuotaLister, QuotaUsage, UsePartial, gibibytes
from paitui.sim.app import create_app
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World
from tests.live.test_listers import Requests, sim_client


def test_memory_quantities_in_gibibytes() -> None:
    assert gibibytes("16Gi") == 16 and gibibytes("512Mi") == 0.5 and gibibytes("2Ti") == 2048
    assert gibibytes("") is None and gibibytes("lots") is None


async def test_use_and_queue_are_what_the_jobs_on_each_quota_hold_and_wait_for() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    requests = Requests()
    async with sim_client(world, requests) as client:
        rows = {row.quota_id: row for row in await QuotaLister(client).fetch()}
    now = world.clock.now().timestamp()
    jobs = [j for j in world.dlc.all_jobs() if j.quota_id and j.created <= now]
    for quota_id, row in rows.items():
        mine = [j for j in jobs if j.quota_id == quota_id]
        holding = [j for j in mine if j.status_at(now) in ("Running", "Restarting", "Stopping",
                                                           "SucceededReserving", "FailedReserving")]
        assert row.running == len(holding), row.name
        assert row.queued == sum(j.status_at(now) == "Queuing" for j in mine), row.name
        assert row.gpu_used == sum(r.pod_count * r.gpu for j in holding for r in j.roles), row.name
        if row.gpu_total:
            assert row.gpu_used <= row.gpu_total
    assert rows["quota1k9x2m4n7p3q"].running > 0
    # one ListQuotas, one ListWorkspaces, then one page of jobs per workspace
    assert requests["ListQuotas"] == 1 and requests["ListJobs"] == len(world.workspace.workspaces)


class FailWorkspaces(httpx.AsyncBaseTransport):
    """Like ``tests/failing_pages.FailPages``, by workspace: ListJobs of the chosen workspaces is answered
    with the gateway's ServiceUnavailable (status, headers and body as the service sends them)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, workspaces: set[str]) -> None:
        self.inner, self.workspaces = inner, set(workspaces)
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("x-acs-action") == "ListJobs" and \
                request.url.params.get("WorkspaceId") in self.workspaces:
            self.refused += 1
            body = {"RequestId": "FAILWS-0001", "HostId": request.url.host, "Code": "ServiceUnavailable",
                    "Message": "The request has failed due to a temporary failure of the server."}
            return httpx.Response(503, headers={"content-type": "application/json;charset=utf-8",
                                                "x-acs-request-id": body["RequestId"]},
                                  content=json.dumps(body).encode(), request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def fault_client(world: World, faults: str | None = None, *, fail: FailWorkspaces | None = None) -> PaiClient:
    """A client on the simulated cloud with the simulator's ``faults`` (and ``fail`` wrapped around it); one
    attempt per call, so a fault shows at once."""
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    app = create_app(world, faults=FaultPlan.parse(faults, seed=1) if faults else None)
    transport: httpx.AsyncBaseTransport = SimTransport(app)
    if fail is not None:
        fail.inner = transport
        transport = fail
    return PaiClient(settings, credentials=demo_credentials(), region=region, transport=transport)


def by_id(rows: list[QuotaUsage]) -> dict[str, QuotaUsage]:
    return {row.quota_id: row for row in rows}


def totals(row: QuotaUsage) -> tuple[float | None, ...]:
    return row.gpu_total, row.cpu_total, row.memory_total


async def test_one_workspace_failing_shows_the_totals_and_a_use_marked_as_a_lower_bound() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    async with fault_client(world) as client:
        clean = by_id(await QuotaLister(client).fetch())
    lost = "264901"  # llm_pretrain: most of the demo's jobs on quotas
    name = world.workspace_ref(lost).name  # type: ignore[union-attr]
    fail = FailWorkspaces(httpx.AsyncHTTPTransport(), {lost})
    async with fault_client(world, fail=fail) as client:
        lister = QuotaLister(client)
        listed = await lister.fetch()
        rows = by_id(listed)
        assert fail.refused == 1 and rows.keys() == clean.keys()  # every quota, with its totals, at once
        for quota_id, row in rows.items():
            assert totals(row) == totals(clean[quota_id])
            assert row.use == "partial" and row.gpu_used <= clean[quota_id].gpu_used
        assert sum(r.gpu_used for r in rows.values()) < sum(r.gpu_used for r in clean.values())
        partial = listed.partial
        assert isinstance(partial, UsePartial) and partial.missing_workspaces == (name,)
        assert (partial.loaded, partial.total) == (len(world.workspace.workspaces) - 1, len(world.workspace.workspaces))
        text = partial.describe()
        assert "lower bound" in text and name in text and "retrying (server error" in text.lower(), text

        fail.workspaces.clear()  # the next poll reads everything again: whole once the workspace answers
        again = await lister.fetch()
        assert again.partial is None and all(row.use == "complete" for row in again)
        assert by_id(again) == clean


async def test_every_job_read_failing_keeps_the_totals_and_the_use_unknown() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    async with fault_client(world) as client:
        clean = by_id(await QuotaLister(client).fetch())
    async with fault_client(world, ";ListJobs:error5xx=1") as client:
        listed = await QuotaLister(client).fetch()
    assert {k: totals(r) for k, r in by_id(listed).items()} == {k: totals(r) for k, r in clean.items()}
    assert all(row.use == "unknown" and row.running == 0 for row in listed)
    assert listed.partial is not None and listed.partial.loaded == 0
    assert "use from 0 of" in listed.partial.describe()


async def test_unreadable_workspaces_keep_the_totals_and_the_use_unknown() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    async with fault_client(world) as client:
        clean = by_id(await QuotaLister(client).fetch())
    async with fault_client(world, ";ListWorkspaces:error5xx=1") as client:
        listed = await QuotaLister(client).fetch()
    assert {k: totals(r) for k, r in by_id(listed).items()} == {k: totals(r) for k, r in clean.items()}
    assert all(row.use == "unknown" for row in listed)
    assert listed.partial is not None and "use unknown" in listed.partial.describe()


async def test_only_a_failed_list_quotas_fails_the_answer() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    async with fault_client(world, ";ListQuotas:error5xx=1") as client:
        with pytest.raises(PaiError):
            await QuotaLister(client).fetch()


async def test_the_jobs_are_read_as_compact_rows() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    async with fault_client(world) as client:
        read = await QuotaLister(client).jobs()
    assert read.jobs and all(type(job) is JobRow for job in read.jobs)
    assert read.use == "complete" and read.partial() is None


def test_use_cells_say_partial_and_unknown_never_free() -> None:
    assert used_of(147, 160) == "147 / 160" and used_of(0, None) == "—" and used_of(3, None) == "3 / —"
    assert used_of(147, 160, "partial") == "≥147 / 160" and used_of(0, 160, "partial") == "? / 160"
    assert used_of(147, 160, "unknown") == "? / 160" and used_of(0, None, "unknown") == "—"
    assert count_of(0, "complete", "—") == "—" and count_of(4, "complete") == "4"
    assert count_of(4, "partial") == "≥4" and count_of(0, "partial") == "?" and count_of(9, "unknown") == "?"
