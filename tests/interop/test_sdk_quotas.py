"""The quotas kind on the wire: the official AIWorkSpace SDK parses what the simulated cloud's ListQuotas
answers for the quotas DLC jobs run on (the same ids as the jobs' ``ResourceId``), and paitui's own client
and quota lister read the same served cloud."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_aiworkspace20210204 import models as ws
from alibabacloud_aiworkspace20210204.client import Client
from alibabacloud_pai_dlc20201203 import models as dlc
from alibabacloud_pai_dlc20201203.client import Client as DlcClient

from paitui.sim.dlc.catalog import QUOTAS

pytestmark = pytest.mark.interop

DLC_QUOTAS = {quota_id: name for quotas in QUOTAS.values() for quota_id, name, _type, _gpu in quotas}


@pytest.mark.parametrize("kind", ["ak", "bearer"])
def test_sdk_lists_the_quotas_dlc_jobs_hold_with_their_totals(sdk_config: Callable[..., Any], kind: str) -> None:
    body = Client(sdk_config(kind)).list_quotas(ws.ListQuotasRequest()).body
    listed = {q.id: q for q in body.quotas}
    assert body.total_count == len(body.quotas) and DLC_QUOTAS.keys() <= listed.keys()
    a100 = listed["quota1k9x2m4n7p3q"]
    assert a100.name == "llm-a100-pool" and a100.quota_type == "PAI" and a100.mode == "isolate"
    specs = {s.name: (s.type, s.value) for s in a100.specs}
    assert specs["cpu"][0] == "int" and int(specs["cpu"][1]) > 0
    assert specs["memory"][1].endswith("Gi") and int(specs["nvidia.com/gpu"][1]) >= 8
    assert specs["gpu-type"] == ("string", "A100")
    cpu_only = {s.name for s in listed["quota3z6x9c2v5b8n"].specs}
    assert "nvidia.com/gpu" not in cpu_only  # a CPU quota has no GPUs to count


def test_a_running_jobs_resource_id_is_a_listed_quota(sdk_config: Callable[..., Any]) -> None:
    jobs = DlcClient(sdk_config("ak")).list_jobs(dlc.ListJobsRequest(
        workspace_id="264901", status="Running", page_size=100, start_time="2018-01-01T00:00:00Z")).body.jobs
    on_quota = [j for j in jobs if j.resource_id]
    assert on_quota, "the demo has running jobs on quotas"
    listed = {q.id for q in Client(sdk_config("ak")).list_quotas(ws.ListQuotasRequest()).body.quotas}
    assert {j.resource_id for j in on_quota} <= listed
