"""The quotas lister against the simulated cloud: totals from ListQuotas, use and queue from the DLC jobs of
every workspace; a failed read fails the whole answer (a missing workspace would look like free capacity)."""

from __future__ import annotations

import pytest

from paitui.api.client import PaiClient
from paitui.api.errors import PaiError
from paitui.api.products import PRODUCTS
from paitui.backend import SIM_BASE, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.quotas import QuotaLister, gibibytes
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


async def test_a_failed_job_read_fails_the_whole_answer() -> None:
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    region = "cn-hangzhou"
    endpoints = {key: SIM_BASE.format(service=p.service, region=region) for key, p in PRODUCTS.items()}
    settings = Settings(demo=True, max_attempts=1, rate_limit=1e6, endpoints=endpoints)
    app = create_app(world, faults=FaultPlan.parse(";ListJobs:error5xx=1", seed=1))
    async with PaiClient(settings, credentials=demo_credentials(), region=region,
                         transport=SimTransport(app)) as client:
        assert (await client.workspace.list_quotas()).quotas  # the totals alone would still read
        with pytest.raises(PaiError):
            await QuotaLister(client).fetch()
